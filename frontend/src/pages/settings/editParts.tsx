/** Pieces every edit-mode field uses: the "changed" mark, the inline error, and the ids that link them. */
import { useTranslation } from "react-i18next";
import { errorFor, isChanged, type Draft, type FieldName, type Settings } from "./fields";

export function Changed({ show }: { show: boolean }) {
  const { t } = useTranslation();
  return show ? <span className="changed-tag">{t("common.changed")}</span> : null;
}

/** How one field of the draft stands: changed or not, its server error, and the attributes that say so. */
export function fieldState(draft: Draft, settings: Settings, errors: Record<string, string>) {
  const changed = (field: FieldName) => isChanged(draft, settings, field);
  return {
    changed,
    /** The wrapper's class: marks the field changed and/or invalid. */
    wrap: (field: FieldName) =>
      `edit-field${changed(field) ? " changed" : ""}${errorFor(errors, field) ? " invalid" : ""}`,
    /** For aria-describedby: the error's id while the field has one. */
    described: (field: FieldName) => (errorFor(errors, field) ? `err-${field}` : undefined),
    invalid: (field: FieldName) => Boolean(errorFor(errors, field)) || undefined,
    error: (field: FieldName) => {
      const message = errorFor(errors, field);
      return message ? (
        <span className="field-error" id={`err-${field}`}>
          {message}
        </span>
      ) : null;
    },
  };
}
