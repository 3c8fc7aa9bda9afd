/** Companies as a tree (parent → children), with the account owner of unified members and a badge per region. */
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { REGIONS } from "../../api/queries";
import { StatusBadge } from "../../components/StatusBadge";

type Company = Schemas["Company"];
type Row = { company: Company; depth: number };

/** Depth-first order; a company whose parent is not in the list (a search result) starts at the top. */
export function treeRows(companies: Company[]): Row[] {
  const ids = new Set(companies.map((c) => c.id));
  const children = new Map<number | null, Company[]>();
  for (const company of companies) {
    const parent = company.parent && ids.has(company.parent.id) ? company.parent.id : null;
    children.set(parent, [...(children.get(parent) ?? []), company]);
  }
  const rows: Row[] = [];
  const visit = (parent: number | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.code.localeCompare(b.code));
    for (const company of list) {
      rows.push({ company, depth });
      if (depth < 40) visit(company.id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

export function CompanyTree({ companies }: { companies: Company[] }) {
  return (
    <table className="data-table company-tree">
      <thead>
        <tr>
          <th scope="col">Code</th>
          <th scope="col">Name</th>
          <th scope="col">Amazon account</th>
          {REGIONS.map((r) => (
            <th scope="col" key={r}>
              {r}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {treeRows(companies).map(({ company, depth }) => {
          const member = company.unified && company.parent != null;
          return (
            <tr key={company.id} data-depth={depth}>
              <td style={{ paddingLeft: `${0.75 + depth * 1.5}rem` }}>
                {depth > 0 && (
                  <span className="tree-branch" aria-hidden="true">
                    └{" "}
                  </span>
                )}
                <Link to={`/companies/${company.id}/amazon`} className="company-code">
                  {company.code}
                </Link>
              </td>
              <td>{company.name}</td>
              <td>
                {member ? (
                  <span className="unified-note">uses {company.accountOwner.code}'s account</span>
                ) : (
                  <span className="muted">own account</span>
                )}
              </td>
              {REGIONS.map((region) => {
                const status = company.regions.find((r) => r.region === region);
                return (
                  <td key={region}>
                    {status ? (
                      <StatusBadge status={status.status} daysLeft={status.daysLeft} />
                    ) : (
                      <StatusBadge status="not_connected" />
                    )}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
