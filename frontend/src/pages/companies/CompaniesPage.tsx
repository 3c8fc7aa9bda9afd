/** Companies: the expiry timeline, then the tree (or the matches of a search), and (for admins) the create form. */
import { useEffect, useState } from "react";
import { useMe } from "../../lib/useMe";
import { CompanySearchResults } from "./CompanySearchResults";
import { CompanyTree, useExpansion } from "./CompanyTree";
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
  // Kept here so that what the user expanded is still expanded after a search or a refetch.
  const expansion = useExpansion();

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
        {q ? <CompanySearchResults q={q} /> : <CompanyTree expansion={expansion} />}
      </section>
      {me.isAdmin && <CreateCompanyForm />}
    </>
  );
}
