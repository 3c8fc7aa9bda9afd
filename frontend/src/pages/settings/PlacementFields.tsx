/** Edit mode: where the company sits (its parent) and whether it uses the parent's Amazon account (unified). */
import { useQuery } from "@tanstack/react-query";
import { companiesQuery } from "../../api/queries";
import type { Schemas } from "../../api/client";
import { Changed, fieldState } from "./editParts";
import type { Changes, Draft, Settings } from "./fields";

type Props = {
  settings: Settings;
  draft: Draft;
  /** The draft's values with the user's latest choice applied. */
  values: Draft["values"];
  errors: Record<string, string>;
  onChange: (changes: Changes) => void;
};

/** The company itself and everything below it: none of these can become its parent. */
function ownSubtree(companies: Schemas["Company"][], companyId: number): Set<number> {
  const below = new Set([companyId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of companies) {
      if (c.parent && below.has(c.parent.id) && !below.has(c.id)) {
        below.add(c.id);
        grew = true;
      }
    }
  }
  return below;
}

export function PlacementFields({ settings, draft, values: v, errors, onChange }: Props) {
  const companies = useQuery(companiesQuery(""));
  const f = fieldState(draft, settings, errors);
  const excluded = ownSubtree(companies.data?.items ?? [], settings.company.id);
  const choices = (companies.data?.items ?? [])
    .filter((c) => !excluded.has(c.id))
    .sort((a, b) => a.code.localeCompare(b.code));
  // The current parent stays selectable even when the list does not include it (e.g. a scoped user).
  const parentMissing = v.parentId != null && !choices.some((c) => c.id === v.parentId);
  const hintId = "parentId-hint";

  const chooseParent = (value: string) => {
    const parentId = value === "" ? null : Number(value);
    // A company without a parent cannot use a parent's account: leaving the tree also ends "unified".
    onChange(parentId === null && v.unified ? { parentId, unified: false } : { parentId });
  };

  return (
    <>
      <div className={f.wrap("parentId")}>
        <label htmlFor="f-parentId">Parent company</label>
        <select
          id="f-parentId"
          value={v.parentId == null ? "" : String(v.parentId)}
          disabled={companies.isPending}
          aria-invalid={f.invalid("parentId")}
          aria-describedby={[f.described("parentId"), hintId].filter(Boolean).join(" ")}
          onChange={(e) => chooseParent(e.target.value)}
        >
          <option value="">(none: a top-level company)</option>
          {parentMissing && <option value={String(v.parentId)}>company #{v.parentId}</option>}
          {choices.map((c) => (
            <option key={c.id} value={String(c.id)}>
              {c.code} — {c.name}
            </option>
          ))}
        </select>
        <Changed show={f.changed("parentId")} />
        <span className="hint" id={hintId}>
          {companies.isPending
            ? "Loading the companies…"
            : companies.isError
              ? `The list of companies could not be loaded: ${companies.error.message}`
              : `${settings.company.code} and the companies below it are not offered.`}
        </span>
        {f.error("parentId")}
      </div>
      {v.parentId != null && (
        <div className={f.wrap("unified")}>
          <input
            type="checkbox"
            id="f-unified"
            checked={v.unified}
            aria-invalid={f.invalid("unified")}
            aria-describedby={f.described("unified")}
            onChange={(e) => onChange({ unified: e.target.checked })}
          />
          <label htmlFor="f-unified">Unified: use the parent company's Amazon account</label>
          <Changed show={f.changed("unified")} />
          {f.error("unified")}
        </div>
      )}
    </>
  );
}
