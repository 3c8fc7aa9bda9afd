/** The company pages' heading, code and name, the Settings | Audit tabs, and the page's buttons. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import type { Schemas } from "../../api/client";

type Props = {
  settings?: Schemas["AmazonSettings"];
  company?: Schemas["Company"];
  tab: "settings" | "audit";
  showAudit: boolean;
  children?: ReactNode;
};

export function CompanyHeader({ settings, company, tab, showAudit, children }: Props) {
  const { t } = useTranslation();
  const id = company?.id ?? settings?.company.id;
  const code = company?.code ?? settings?.company.code;
  return (
    <div className="page-head">
      <div>
        <h1>{tab === "settings" ? t("settings.title") : t("settings.tabs.audit")}</h1>
        <p className="company-title">
          <span className="company-code">{code}</span> {company?.name ?? settings?.companyName}
        </p>
      </div>
      <div className="page-actions">{children}</div>
      {id != null && (
        <nav className="tabs" aria-label={t("settings.tabs.label")}>
          <NavLink to={`/companies/${id}/amazon`} end>
            {t("settings.tabs.settings")}
          </NavLink>
          {showAudit && <NavLink to={`/companies/${id}/audit`}>{t("settings.tabs.audit")}</NavLink>}
        </nav>
      )}
    </div>
  );
}
