/**
 * Admins create a company: code, name, optional parent, whether it uses the parent's Amazon account, and the
 * language of its e-mails (the page's language unless chosen).
 */
import { useState, type FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError, fieldErrors } from "../../api/client";
import { useCreateCompany } from "../../api/companies";
import { CompanyPicker } from "../../components/CompanyPicker";
import { FieldError } from "../../components/FieldError";
import { currentLanguage, isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n";

export function CreateCompanyForm() {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [parentId, setParentId] = useState<number | null>(null);
  const [unified, setUnified] = useState(false);
  const [language, setLanguage] = useState<Language | null>(null);
  const create = useCreateCompany({
    mutationConfig: {
      onSuccess: () => {
        setCode("");
        setName("");
        setParentId(null);
        setUnified(false);
        setLanguage(null);
      },
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      code,
      name,
      parentId,
      unified: parentId != null && unified,
      language: language ?? currentLanguage(),
    });
  };
  const general = create.error && !(create.error instanceof ApiError && Object.keys(errors).length > 0);
  return (
    <section className="panel" aria-labelledby="create-company-title">
      <h2 id="create-company-title">{t("companies.create.title")}</h2>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor="new-code">{t("companies.create.code")}</label>
          <input
            id="new-code"
            value={code}
            required
            maxLength={32}
            aria-invalid={Boolean(errors.code) || undefined}
            aria-describedby={errors.code ? "new-code-error new-code-hint" : "new-code-hint"}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
          />
          <span id="new-code-hint" className="hint">
            {t("companies.create.codeHint")}
          </span>
          <FieldError id="new-code-error" message={errors.code} />
        </div>
        <div className="field">
          <label htmlFor="new-name">{t("companies.create.name")}</label>
          <input
            id="new-name"
            value={name}
            required
            maxLength={200}
            aria-invalid={Boolean(errors.name) || undefined}
            aria-describedby={errors.name ? "new-name-error" : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          <FieldError id="new-name-error" message={errors.name} />
        </div>
        <div className="field">
          <label htmlFor="new-parent">{t("companies.create.parent")}</label>
          <CompanyPicker
            id="new-parent"
            value={parentId}
            onChange={(company) => setParentId(company?.id ?? null)}
            listLabel={t("companies.create.parentCompanies")}
            invalid={Boolean(errors.parentId)}
            describedBy={errors.parentId ? "new-parent-error" : undefined}
          />
          <FieldError id="new-parent-error" message={errors.parentId} />
        </div>
        <div className="field checkbox-field">
          <input
            id="new-unified"
            type="checkbox"
            checked={unified && parentId != null}
            disabled={parentId == null}
            onChange={(e) => setUnified(e.target.checked)}
            aria-describedby={errors.unified ? "new-unified-error" : undefined}
          />
          <label htmlFor="new-unified">{t("companies.create.unified")}</label>
          <FieldError id="new-unified-error" message={errors.unified} />
        </div>
        <div className="field">
          <label htmlFor="new-language">{t("companies.create.language")}</label>
          <select
            id="new-language"
            value={language ?? currentLanguage()}
            aria-invalid={Boolean(errors.language) || undefined}
            aria-describedby={errors.language ? "new-language-error" : undefined}
            onChange={(e) => isLanguage(e.target.value) && setLanguage(e.target.value)}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
          <FieldError id="new-language-error" message={errors.language} />
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? t("companies.create.creating") : t("companies.create.submit")}
        </button>
      </form>
      {general && (
        <p className="error-box" role="alert">
          {create.error.message}
        </p>
      )}
      {create.isSuccess && (
        <p className="notice">
          <Trans
            i18nKey="companies.create.created"
            values={{ code: create.data.code }}
            components={{ a: <Link to={`/companies/${create.data.id}/amazon`} /> }}
          />
        </p>
      )}
    </section>
  );
}
