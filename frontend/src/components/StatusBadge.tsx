/** One region's connection status as a coloured badge with the status in words. */
import type { Region } from "../api/companies";
import { statusText, type ConnectionStatus } from "../lib/format";

export function StatusBadge({
  region,
  status,
  daysLeft,
}: {
  region?: Region;
  status: ConnectionStatus;
  daysLeft?: number | null;
}) {
  return (
    <span className={`badge badge-${status}`}>
      {region && <span className="badge-region">{region}</span>} {statusText(status, daysLeft)}
    </span>
  );
}
