/** Admins create a company: code, name, optional parent, and whether it uses the parent's Amazon account. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, ApiError, fieldErrors, unwrap, type Schemas } from "../../api/client";
import { keys } from "../../api/queries";
import { FieldError } from "../../components/FieldError";

export function CreateCompanyForm({ companies }: { companies: Schemas["Company"][] }) {
  const queryClient = useQueryClient();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [parentId, setParentId] = useState("");
  const [unified, setUnified] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/companies", {
          body: {
            code,
            name,
            parentId: parentId ? Number(parentId) : null,
            unified: Boolean(parentId) && unified,
          },
        }),
      ),
    onSuccess: () => {
      setCode("");
      setName("");
      setParentId("");
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
          <select
            id="new-parent"
            value={parentId}
            aria-invalid={Boolean(errors.parentId) || undefined}
            aria-describedby={errors.parentId ? "new-parent-error" : undefined}
            onChange={(e) => setParentId(e.target.value)}
          >
            <option value="">(none — a top-level company)</option>
            {[...companies]
              .sort((a, b) => a.code.localeCompare(b.code))
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} — {c.name}
                </option>
              ))}
          </select>
          <FieldError id="new-parent-error" message={errors.parentId} />
        </div>
        <div className="field checkbox-field">
          <input
            id="new-unified"
            type="checkbox"
            checked={unified && Boolean(parentId)}
            disabled={!parentId}
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
