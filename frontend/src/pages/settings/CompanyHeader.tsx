/** The company pages' heading, code and name, the Settings | Audit tabs, and the page's buttons. */
import type { ReactNode } from "react";
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
  const id = company?.id ?? settings?.company.id;
  const code = company?.code ?? settings?.company.code;
  return (
    <div className="page-head">
      <div>
        <h1>{tab === "settings" ? "Amazon General Settings" : "Audit"}</h1>
        <p className="company-title">
          <span className="company-code">{code}</span> {company?.name ?? settings?.companyName}
        </p>
      </div>
      <div className="page-actions">{children}</div>
      {id != null && (
        <nav className="tabs" aria-label="Company pages">
          <NavLink to={`/companies/${id}/amazon`} end>
            Settings
          </NavLink>
          {showAudit && <NavLink to={`/companies/${id}/audit`}>Audit</NavLink>}
        </nav>
      )}
    </div>
  );
}
