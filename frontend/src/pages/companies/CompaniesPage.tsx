/** Companies: the expiry timeline, then the tree with search, and (for admins) the create form. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { companiesQuery } from "../../api/queries";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { useMe } from "../../lib/useMe";
import { CompanyTree } from "./CompanyTree";
import { CreateCompanyForm } from "./CreateCompanyForm";
import { ExpiryTimeline } from "./ExpiryTimeline";

export function CompaniesPage() {
  const me = useMe();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const companies = useQuery({ ...companiesQuery(q), placeholderData: keepPreviousData });
  const all = useQuery({ ...companiesQuery(""), enabled: me.isAdmin });

  return (
    <>
      <h1>Companies</h1>
      <ExpiryTimeline />
      <section className="panel" aria-labelledby="tree-title">
        <div className="panel-head">
          <h2 id="tree-title">All companies</h2>
          <div className="search">
            <label htmlFor="company-search">Search companies</label>
            <input
              id="company-search"
              type="search"
              value={search}
              placeholder="Code or name"
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        </div>
        {companies.isPending ? (
          <Loading what="companies" />
        ) : companies.isError ? (
          <ErrorBox error={companies.error} onRetry={() => void companies.refetch()} />
        ) : companies.data.items.length === 0 ? (
          <Empty>{q ? `No company matches “${q}”.` : "No companies yet."}</Empty>
        ) : (
          <>
            <CompanyTree companies={companies.data.items} />
            {companies.data.total > companies.data.items.length && (
              <p className="muted">
                Showing {companies.data.items.length} of {companies.data.total}; search to narrow the list.
              </p>
            )}
          </>
        )}
      </section>
      {me.isAdmin && <CreateCompanyForm companies={all.data?.items ?? []} />}
    </>
  );
}
