/**
 * Companies as a tree loaded one level at a time: the top-level companies page by page, and the children of a
 * company when it is expanded (also page by page). Nothing is built from a full list, so it works for 100,000+
 * companies. Small trees (the demo) open fully; large ones start collapsed.
 */
import { useInfiniteQuery, useQueries, useQuery } from "@tanstack/react-query";
import { useCallback, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import {
  COMPANY_PAGE_SIZE,
  REGIONS,
  companyCountQuery,
  companyPagesQuery,
  companyQuery,
  type CompanyFilter,
} from "../../api/companies";
import { ErrorBox, Loading } from "../../components/QueryState";
import { ConnectionBadge } from "../../components/ConnectionBadge";
import { formatCount } from "../../lib/format";
import { useMe } from "../../lib/useMe";

type Company = Schemas["Company"];
type CompanyPage = Schemas["CompanyList"];

const COLUMNS = 3 + REGIONS.length;
/** Up to this many companies in all, every company starts expanded. */
export const SMALL_TREE = 50;
/** Never open deeper than this on its own (the user can still expand further). */
const AUTO_OPEN_DEPTH = 20;

/** Which companies the user expanded or collapsed; the others follow the default. Lives on the page. */
export type Expansion = {
  choices: ReadonlyMap<number, boolean>;
  set: (id: number, open: boolean) => void;
};

export function useExpansion(): Expansion {
  const [choices, setChoices] = useState<ReadonlyMap<number, boolean>>(() => new Map());
  const set = useCallback((id: number, open: boolean) => setChoices((old) => new Map(old).set(id, open)), []);
  return { choices, set };
}

/** The companies of every loaded page, once each (a page may repeat one when the list changed in between). */
export function pageItems(pages: CompanyPage[] | undefined): Company[] {
  const seen = new Set<number>();
  const items: Company[] = [];
  for (const page of pages ?? []) {
    for (const company of page.items) {
      if (!seen.has(company.id)) {
        seen.add(company.id);
        items.push(company);
      }
    }
  }
  return items;
}

export function CompanyTable({ caption, children }: { caption: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <table className="data-table company-tree">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("companies.tree.code")}</th>
          <th scope="col">{t("companies.tree.name")}</th>
          <th scope="col">{t("companies.tree.amazonAccount")}</th>
          {REGIONS.map((r) => (
            <th scope="col" key={r}>
              {r}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

const indent = (depth: number) => ({ paddingLeft: `${0.75 + depth * 1.5}rem` });

/** One company: its code (a link), name, whose Amazon account it uses and a badge per region (with its last check). */
export function CompanyRow({
  company,
  depth = 0,
  toggle,
  note,
}: {
  company: Company;
  depth?: number;
  toggle?: ReactNode;
  note?: ReactNode;
}) {
  const { t } = useTranslation();
  const member = company.unified && company.parent != null;
  return (
    <tr data-depth={depth}>
      <td style={indent(depth)}>
        <span className="tree-cell">
          {depth > 0 && (
            <span className="tree-branch" aria-hidden="true">
              └
            </span>
          )}
          {toggle}
          <Link to={`/companies/${company.id}/amazon`} className="company-code">
            {company.code}
          </Link>
        </span>
      </td>
      <td>
        {company.name}
        {note}
      </td>
      <td>
        {member ? (
          <span className="unified-note">
            {t("companies.tree.usesAccount", { code: company.accountOwner.code })}
          </span>
        ) : (
          <span className="muted">{t("companies.tree.ownAccount")}</span>
        )}
      </td>
      {REGIONS.map((region) => {
        const status = company.regions.find((r) => r.region === region);
        return (
          <td key={region} data-label={region}>
            {status ? (
              <ConnectionBadge
                status={status.status}
                daysLeft={status.daysLeft}
                lastCheckedAt={status.lastCheckedAt}
              />
            ) : (
              <ConnectionBadge status="not_connected" />
            )}
          </td>
        );
      })}
    </tr>
  );
}

/** A row across the table: loading, an error, or the "Show more" button of a list. */
export function WideRow({ depth = 0, children }: { depth?: number; children: ReactNode }) {
  return (
    <tr className="tree-status">
      <td colSpan={COLUMNS} style={indent(depth)}>
        {children}
      </td>
    </tr>
  );
}

/** "Show 50 more of 1,234" (1,234 still to show), for a paged list of companies. */
export function ShowMore({
  shown,
  total,
  loading,
  onMore,
  under,
}: {
  shown: number;
  total: number;
  loading: boolean;
  onMore: () => void;
  under?: string;
}) {
  const { t } = useTranslation();
  const left = Math.max(total - shown, 0);
  const next = Math.min(COMPANY_PAGE_SIZE, left);
  const counts = { next: formatCount(next), left: formatCount(left) };
  return (
    <button type="button" className="link-button show-more" onClick={onMore} disabled={loading}>
      {loading
        ? t("companies.tree.loadingMore")
        : under
          ? t("companies.tree.showMoreUnder", { ...counts, code: under })
          : t("companies.tree.showMore", counts)}
    </button>
  );
}

type Level = { expansion: Expansion; small: boolean };

/** A company and, when it is expanded, the companies under it. */
function Branch({ company, depth, level }: { company: Company; depth: number; level: Level }) {
  const { t } = useTranslation();
  const hasChildren = company.childrenCount > 0;
  const open =
    hasChildren && (level.expansion.choices.get(company.id) ?? (level.small && depth < AUTO_OPEN_DEPTH));
  const toggle = hasChildren ? (
    <button
      type="button"
      className="tree-toggle"
      aria-expanded={open}
      aria-label={t("companies.tree.showUnder", { code: company.code })}
      title={t("companies.tree.countUnder", { count: company.childrenCount, code: company.code })}
      onClick={() => level.expansion.set(company.id, !open)}
    >
      <span aria-hidden="true">{open ? "▾" : "▸"}</span>
    </button>
  ) : (
    <span className="tree-toggle-space" aria-hidden="true" />
  );
  return (
    <>
      <CompanyRow company={company} depth={depth} toggle={toggle} />
      {open && <Children parent={company} depth={depth + 1} level={level} />}
    </>
  );
}

/** The companies of a list (top level or under a parent) with "Show more" while some are not loaded. */
function PagedBranches({
  filter,
  depth,
  level,
  parent,
}: {
  filter: CompanyFilter;
  depth: number;
  level: Level;
  parent?: Company;
}) {
  const { t } = useTranslation();
  const list = useInfiniteQuery(companyPagesQuery(filter));
  if (list.isPending) {
    return (
      <WideRow depth={depth}>
        <Loading
          text={
            parent ? t("companies.tree.loadingUnder", { code: parent.code }) : t("companies.tree.loading")
          }
        />
      </WideRow>
    );
  }
  if (!list.data) {
    return (
      <WideRow depth={depth}>
        <ErrorBox
          title={
            parent ? t("companies.tree.notLoadedUnder", { code: parent.code }) : t("companies.tree.notLoaded")
          }
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      </WideRow>
    );
  }
  const items = pageItems(list.data.pages);
  const total = list.data.pages.at(-1)?.total ?? items.length;
  return (
    <>
      {items.map((company) => (
        <Branch key={company.id} company={company} depth={depth} level={level} />
      ))}
      {list.hasNextPage && (
        <WideRow depth={depth}>
          <ShowMore
            shown={items.length}
            total={total}
            loading={list.isFetchingNextPage}
            onMore={() => void list.fetchNextPage()}
            under={parent?.code}
          />
        </WideRow>
      )}
      {list.isFetchNextPageError && (
        <WideRow depth={depth}>
          <ErrorBox error={list.error} onRetry={() => void list.fetchNextPage()} />
        </WideRow>
      )}
    </>
  );
}

function Children({ parent, depth, level }: { parent: Company; depth: number; level: Level }) {
  return <PagedBranches filter={{ parentId: parent.id }} depth={depth} level={level} parent={parent} />;
}

/** A user limited to some companies sees those at the top (their parents are outside what they may see). */
function ScopedRoots({ ids, level }: { ids: number[]; level: Level }) {
  const { t } = useTranslation();
  const results = useQueries({ queries: ids.map((id) => companyQuery(id)) });
  const failed = results.find((r) => r.isError);
  if (results.some((r) => r.isPending)) {
    return (
      <WideRow>
        <Loading text={t("companies.tree.loading")} />
      </WideRow>
    );
  }
  const companies = results
    .flatMap((r) => (r.data ? [r.data] : []))
    .sort((a, b) => a.code.localeCompare(b.code));
  return (
    <>
      {companies.map((company) => (
        <Branch key={company.id} company={company} depth={0} level={level} />
      ))}
      {failed && (
        <WideRow>
          <ErrorBox error={failed.error} onRetry={() => void failed.refetch()} />
        </WideRow>
      )}
    </>
  );
}

export function CompanyTree({ expansion }: { expansion: Expansion }) {
  const { t } = useTranslation();
  const me = useMe();
  const count = useQuery(companyCountQuery);
  if (count.isPending) return <Loading text={t("companies.tree.loading")} />;
  if (count.data === 0) return <p className="empty">{t("companies.tree.none")}</p>;
  // Without the count (an error), start collapsed: the safe choice for a large tree.
  const level: Level = { expansion, small: count.data != null && count.data <= SMALL_TREE };
  const scope = me.companyScope;
  return (
    <>
      <CompanyTable caption={t("companies.tree.caption")}>
        {scope ? (
          <ScopedRoots ids={scope} level={level} />
        ) : (
          <PagedBranches filter={{ rootsOnly: true }} depth={0} level={level} />
        )}
      </CompanyTable>
      {count.data != null && (
        <p className="muted tree-total">{t("companies.tree.total", { count: count.data })}</p>
      )}
    </>
  );
}
