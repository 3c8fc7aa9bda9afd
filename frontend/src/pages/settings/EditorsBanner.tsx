/** Other users' open drafts of the same settings: shown, not locked. */
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { formatDateTime } from "../../lib/format";

export function EditorsBanner({ editors }: { editors: Schemas["Editor"][] }) {
  const { t } = useTranslation();
  if (editors.length === 0) return null;
  return (
    <div className="warning">
      {editors.map((e) => (
        <p key={`${e.user}-${e.startedAt}`}>
          {t("settings.editors", { name: e.user, since: formatDateTime(e.startedAt) })}
        </p>
      ))}
    </div>
  );
}
