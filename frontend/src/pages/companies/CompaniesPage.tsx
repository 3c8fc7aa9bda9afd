/**
 * Companies: the expiry timeline, the needs-action filter bar (with the bulk connection test for admins and
 * support), then the tree, the matches of a search, or (while a filter is on) the account owners in the filter;
 * and (for admins) the create form. The filter lives in the URL, so a reload or a shared link keeps it.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useMe } from "../../lib/useMe";
import { BulkTestPanel } from "./BulkTestPanel";
import { CompanySearchResults } from "./CompanySearchResults";
import { CompanyTree, useExpansion } from "./CompanyTree";
import { CreateCompanyForm } from "./CreateCompanyForm";
import { ExpiryTimeline } from "./ExpiryTimeline";
import { FilteredOwners } from "./FilteredOwners";
import { NeedsActionBar } from "./NeedsActionBar";
import { isFiltered, parseSweep, sweepFilter, sweepParams, type Sweep } from "./sweep";

export function CompaniesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const sweep = parseSweep(params);
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  // Kept here so that what the user expanded is still expanded after a search or a refetch.
  const expansion = useExpansion();
  const filtered = isFiltered(sweep);
  const onSweep = (next: Sweep) => setParams((current) => sweepParams(next, current));

  let title = t("companies.all");
  if (filtered) {
    title = sweepFilter(sweep.key)?.title() ?? t("companies.connected");
    if (sweep.region) title = t("companies.titleInRegion", { title, region: sweep.region });
  }

  return (
    <>
      <h1>{t("companies.title")}</h1>
      <ExpiryTimeline />
      <NeedsActionBar sweep={sweep} onChange={onSweep} />
      {me.canTest && <BulkTestPanel sweep={sweep} />}
      <section className="panel" aria-labelledby="tree-title">
        <div className="panel-head">
          <h2 id="tree-title">{title}</h2>
          <div className="search">
            <label htmlFor="company-search">{t("companies.searchLabel")}</label>
            <input
              id="company-search"
              type="search"
              value={search}
              placeholder={t("companies.searchPlaceholder")}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        </div>
        {filtered ? (
          <FilteredOwners sweep={sweep} q={q} />
        ) : q ? (
          <CompanySearchResults q={q} />
        ) : (
          <CompanyTree expansion={expansion} />
        )}
      </section>
      {me.isAdmin && <CreateCompanyForm />}
    </>
  );
}
