/** A company's audit events, newest first, a page at a time. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError } from "../api/client";
import { AUDIT_PAGE_SIZE, auditQuery, companyQuery } from "../api/companies";
import { Pager } from "../components/Pager";
import { Empty, ErrorBox, Loading } from "../components/QueryState";
import { formatDateTime } from "../lib/format";
import { useMe } from "../lib/useMe";
import { NotFoundPage } from "./NotFoundPage";
import { CompanyHeader } from "./settings/CompanyHeader";

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
}

export function AuditPage() {
  const { t } = useTranslation();
  const companyId = Number(useParams().companyId);
  const me = useMe();
  const [offset, setOffset] = useState(0);
  const valid = Number.isInteger(companyId) && companyId > 0;
  const company = useQuery({ ...companyQuery(companyId), enabled: valid });
  const events = useQuery({
    ...auditQuery(companyId, offset),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  if (!valid || (company.error instanceof ApiError && company.error.status === 404)) return <NotFoundPage />;

  let body;
  if (events.isPending) body = <Loading text={t("audit.loading")} />;
  else if (events.isError) body = <ErrorBox error={events.error} onRetry={() => void events.refetch()} />;
  else if (events.data.items.length === 0) body = <Empty>{t("audit.none")}</Empty>;
  else {
    const page = events.data;
    body = (
      <>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("audit.time")}</th>
              <th scope="col">{t("audit.actor")}</th>
              <th scope="col">{t("audit.action")}</th>
              <th scope="col">{t("audit.details")}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                </td>
                <td>
                  {e.actor ?? t("audit.system")}
                  {e.ip && <div className="muted small-text">{e.ip}</div>}
                </td>
                <td>
                  <code>{e.action}</code>
                  {e.via && (
                    <div className="muted small-text">
                      <Trans
                        i18nKey="audit.via"
                        values={{ code: e.via.code }}
                        components={{ a: <Link to={`/companies/${e.via.id}/amazon`} /> }}
                      />
                    </div>
                  )}
                </td>
                <td>
                  {e.summary}
                  {Object.keys(e.details).length > 0 && (
                    <div className="muted small-text">{detailsText(e.details)}</div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager
          offset={page.offset}
          shown={page.items.length}
          total={page.total}
          pageSize={AUDIT_PAGE_SIZE}
          onOffset={setOffset}
        />
      </>
    );
  }
  return (
    <>
      <CompanyHeader company={company.data} tab="audit" showAudit={me.canSeeAudit} />
      {!company.data && company.isPending && (
        <p className="muted">{t("audit.companyNumber", { id: companyId })}</p>
      )}
      <section className="panel" aria-label={t("audit.events")}>
        {body}
      </section>
    </>
  );
}
