/** Where a value comes from: the company's own settings, or inherited from its account owner (a link). */
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../api/client";

export function SourceNote({ source }: { source: Schemas["Source"] }) {
  const { t } = useTranslation();
  if (source.kind === "own") return <span className="source source-own">{t("source.own")}</span>;
  return (
    <span className="source source-inherited">
      <Trans
        i18nKey="source.inheritedFrom"
        values={{ code: source.company.code }}
        components={{ a: <Link to={`/companies/${source.company.id}/amazon`} /> }}
      />
    </span>
  );
}
