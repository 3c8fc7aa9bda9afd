/** Other users' open drafts of the same settings: shown, not locked. */
import type { Schemas } from "../../api/client";
import { formatDateTime } from "../../lib/format";

export function EditorsBanner({ editors }: { editors: Schemas["Editor"][] }) {
  if (editors.length === 0) return null;
  return (
    <div className="warning">
      {editors.map((e) => (
        <p key={`${e.user}-${e.startedAt}`}>
          Being edited by {e.user} since {formatDateTime(e.startedAt)}. Whoever saves first wins; the other is
          asked to reload.
        </p>
      ))}
    </div>
  );
}
