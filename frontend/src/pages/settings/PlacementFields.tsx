/** Edit mode: where the company sits (its parent) and whether it uses the parent's Amazon account (unified). */
import { useTranslation } from "react-i18next";
import { CompanyPicker } from "../../components/CompanyPicker";
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

export function PlacementFields({ settings, draft, values: v, errors, onChange }: Props) {
  const { t } = useTranslation();
  const f = fieldState(draft, settings, errors);
  const self = settings.company;
  const hintId = "parentId-hint";

  const chooseParent = (parentId: number | null) => {
    // A company without a parent cannot use a parent's account: leaving the tree also ends "unified".
    onChange(parentId === null && v.unified ? { parentId, unified: false } : { parentId });
  };

  return (
    <>
      <div className={f.wrap("parentId")}>
        <label htmlFor="f-parentId">{t("settings.placement.parent")}</label>
        <CompanyPicker
          id="f-parentId"
          value={v.parentId}
          onChange={(company) => chooseParent(company?.id ?? null)}
          listLabel={t("companies.create.parentCompanies")}
          // Below-the-company choices beyond its direct children are refused by the server (shown as an error).
          exclude={(c) => c.id === self.id || c.parent?.id === self.id}
          invalid={f.invalid("parentId")}
          describedBy={[f.described("parentId"), hintId].filter(Boolean).join(" ")}
        />
        <Changed show={f.changed("parentId")} />
        <span className="hint" id={hintId}>
          {t("settings.placement.parentHint", { code: self.code })}
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
          <label htmlFor="f-unified">{t("settings.placement.unified")}</label>
          <Changed show={f.changed("unified")} />
          {f.error("unified")}
        </div>
      )}
    </>
  );
}
