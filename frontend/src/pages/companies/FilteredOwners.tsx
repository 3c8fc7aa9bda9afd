/**
 * While a filter is on, the tree gives way to this: the account owners with a connection in the filter, wherever
 * they sit in the tree, page by page, each with its connections' status, last check, what to do, and the unified
 * companies that use its account.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import type { Region } from "../../api/companies";
import { OWNER_PAGE_SIZE, ownersQuery, statusCountsQuery, type StatusFilter } from "../../api/health";
import { ConnectionBadge } from "../../components/ConnectionBadge";
import { Pager } from "../../components/Pager";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { regionsInFilter, statusHeading, sweepFilter, type Sweep } from "./sweep";

/** Members named in a row; a larger group says how many more. */
const MEMBERS_NAMED = 10;

export function FilteredOwners({ sweep, q }: { sweep: Sweep; q: string }) {
  const filter = sweepFilter(sweep.key);
  const counts = useQuery(statusCountsQuery(sweep.region));
  // A region alone lists the owners connected there, whatever the status.
  const listed: (StatusFilter | undefined)[] = filter ? filter.listed : [undefined];
  // Of a filter made of several lists, those the server counts nothing in are left out (one stays, to say so).
  const counted = listed.filter((s) => !counts.data || s == null || (counts.data[s] ?? 0) > 0);
  const statuses = counted.length > 0 ? counted : listed.slice(0, 1);
  return (
    <>
      {statuses.map((status) => (
        <OwnerList
          // A new filter or search starts on its first page.
          key={`${status ?? "any"}|${sweep.region ?? "all"}|${q}`}
          status={status}
          region={sweep.region}
          q={q}
          heading={
            listed.length > 1 && status && status !== "needs_action" && status !== "needs_new_token"
              ? statusHeading(status)
              : undefined
          }
        />
      ))}
    </>
  );
}

function OwnerList({
  status,
  region,
  q,
  heading,
}: {
  status?: StatusFilter;
  region?: Region;
  q: string;
  heading?: string;
}) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const page = useQuery({ ...ownersQuery({ status, region, q }, offset), placeholderData: keepPreviousData });
  const what = heading ?? t("owners.inFilter");
  const caption =
    region && q
      ? t("owners.captionInRegionMatching", { what, region, query: q })
      : region
        ? t("owners.captionInRegion", { what, region })
        : q
          ? t("owners.captionMatching", { what, query: q })
          : what;

  let body;
  if (page.isPending) body = <Loading text={t("owners.loading")} />;
  else if (page.isError) body = <ErrorBox error={page.error} onRetry={() => void page.refetch()} />;
  else if (page.data.items.length === 0)
    body = (
      <Empty>
        {region && q
          ? t("owners.noneInRegionMatching", { region, query: q })
          : region
            ? t("owners.noneInRegion", { region })
            : q
              ? t("owners.noneMatching", { query: q })
              : t("owners.none")}
      </Empty>
    );
  else {
    const list = page.data;
    body = (
      <>
        <p className="muted" role="status">
          {heading
            ? t("owners.count", { count: list.total })
            : t("owners.countInFilter", { count: list.total })}
        </p>
        <table className="data-table owner-list">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("owners.company")}</th>
              <th scope="col">{t("owners.connection")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((company) => (
              <OwnerRow key={company.id} company={company} status={status} region={region} />
            ))}
          </tbody>
        </table>
        <Pager
          offset={list.offset}
          shown={list.items.length}
          total={list.total}
          pageSize={OWNER_PAGE_SIZE}
          onOffset={setOffset}
          previousLabel={t("pager.previous")}
          nextLabel={t("pager.next")}
          label={t("owners.pages", { caption })}
        />
      </>
    );
  }
  return (
    <div className="owner-group">
      {heading && <h3>{heading}</h3>}
      {body}
    </div>
  );
}

function OwnerRow({
  company,
  status,
  region,
}: {
  company: Schemas["Company"];
  status?: StatusFilter;
  region?: Region;
}) {
  const { t } = useTranslation();
  const matching = regionsInFilter(company, status, region);
  // A status that changed since the list was read: show what the company has now rather than nothing.
  const shown = matching.length > 0 ? matching : company.regions.filter((r) => r.status !== "not_connected");
  const members = company.members ?? [];
  return (
    <tr>
      <td>
        <Link to={`/companies/${company.id}/amazon`} className="owner-link">
          <span className="company-code">{company.code}</span> {company.name}
        </Link>
        <span className="muted parent-note">
          {company.parent
            ? t("companies.search.under", { code: company.parent.code })
            : t("companies.search.topLevel")}
        </span>
        {members.length > 0 && (
          <span className="members-note">
            {members.length > MEMBERS_NAMED
              ? t("owners.usedByAndMore", {
                  codes: members
                    .slice(0, MEMBERS_NAMED)
                    .map((m) => m.code)
                    .join(", "),
                  count: members.length - MEMBERS_NAMED,
                })
              : t("owners.usedBy", { codes: members.map((m) => m.code).join(", ") })}
          </span>
        )}
      </td>
      <td>
        <ul className="owner-connections">
          {shown.map((r) => (
            <li key={r.region}>
              <ConnectionBadge
                region={r.region}
                status={r.status}
                daysLeft={r.daysLeft}
                lastCheckedAt={r.lastCheckedAt}
              />
              {r.action && <p className="action-text">{r.action}</p>}
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
