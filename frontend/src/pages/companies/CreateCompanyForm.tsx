/** Admins create a company: code, name, optional parent, and whether it uses the parent's Amazon account. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, ApiError, fieldErrors, unwrap } from "../../api/client";
import { keys } from "../../api/queries";
import { CompanyPicker } from "../../components/CompanyPicker";
import { FieldError } from "../../components/FieldError";

export function CreateCompanyForm() {
  const queryClient = useQueryClient();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [parentId, setParentId] = useState<number | null>(null);
  const [unified, setUnified] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/companies", {
          body: {
            code,
            name,
            parentId,
            unified: parentId != null && unified,
          },
        }),
      ),
    onSuccess: () => {
      setCode("");
      setName("");
      setParentId(null);
      setUnified(false);
      void queryClient.invalidateQueries({ queryKey: keys.allCompanies });
      void queryClient.invalidateQueries({ queryKey: keys.timeline });
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const general = create.error && !(create.error instanceof ApiError && Object.keys(errors).length > 0);
  return (
    <section className="panel" aria-labelledby="create-company-title">
      <h2 id="create-company-title">Create company</h2>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor="new-code">Code</label>
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
            A–Z, 0–9, _ and -
          </span>
          <FieldError id="new-code-error" message={errors.code} />
        </div>
        <div className="field">
          <label htmlFor="new-name">Name</label>
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
          <label htmlFor="new-parent">Parent</label>
          <CompanyPicker
            id="new-parent"
            value={parentId}
            onChange={(company) => setParentId(company?.id ?? null)}
            listLabel="Parent companies"
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
          <label htmlFor="new-unified">Unified (uses the parent's Amazon account)</label>
          <FieldError id="new-unified-error" message={errors.unified} />
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create company"}
        </button>
      </form>
      {general && (
        <p className="error-box" role="alert">
          {create.error.message}
        </p>
      )}
      {create.isSuccess && (
        <p className="notice">
          Created <Link to={`/companies/${create.data.id}/amazon`}>{create.data.code}</Link>.
        </p>
      )}
    </section>
  );
}
