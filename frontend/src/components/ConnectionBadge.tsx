/**
 * A connection's status badge with when it was last checked as visible text ("checked 2 hours ago"), so that
 * keyboard and screen-reader users read it too (a tooltip alone reaches neither).
 */
import i18n from "i18next";
import type { Region } from "../api/companies";
import { formatDateTime, formatRelative, type ConnectionStatus } from "../lib/format";
import { StatusBadge } from "./StatusBadge";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "checked 2 hours ago", "checked just now", or "never checked" when no check ever ran. */
export function checkedText(lastCheckedAt: string | null | undefined, now: number = Date.now()): string {
  if (!lastCheckedAt) return i18n.t("badge.neverChecked");
  // A clock a little ahead of ours is "just now", never "in 2 minutes".
  const ago = Math.max(0, now - new Date(lastCheckedAt).getTime());
  if (ago < MINUTE) return i18n.t("badge.checkedJustNow");
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    ago < HOUR
      ? [Math.floor(ago / MINUTE), "minute"]
      : ago < DAY
        ? [Math.floor(ago / HOUR), "hour"]
        : [Math.floor(ago / DAY), "day"];
  return i18n.t("badge.checkedAgo", { ago: formatRelative(-value, unit) });
}

export function ConnectionBadge({
  region,
  status,
  daysLeft,
  lastCheckedAt,
}: {
  region?: Region;
  status: ConnectionStatus;
  daysLeft?: number | null;
  lastCheckedAt?: string | null;
}) {
  return (
    <span className="connection-badge">
      <StatusBadge region={region} status={status} daysLeft={daysLeft} />
      {/* Nothing is checked on a connection that does not exist. */}
      {status !== "not_connected" && (
        <>
          {" "}
          {lastCheckedAt ? (
            <time className="checked-text" dateTime={lastCheckedAt} title={formatDateTime(lastCheckedAt)}>
              {checkedText(lastCheckedAt)}
            </time>
          ) : (
            <span className="checked-text">{checkedText(null)}</span>
          )}
        </>
      )}
    </span>
  );
}
