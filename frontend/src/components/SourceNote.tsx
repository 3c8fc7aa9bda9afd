/** Where a value comes from: the company's own settings, or inherited from its account owner (a link). */
import { Link } from "react-router";
import type { Schemas } from "../api/client";

export function SourceNote({ source }: { source: Schemas["Source"] }) {
  if (source.kind === "own") return <span className="source source-own">own</span>;
  return (
    <span className="source source-inherited">
      inherited from <Link to={`/companies/${source.company.id}/amazon`}>{source.company.code}</Link>
    </span>
  );
}
