/** The app's SP-API credentials per account type and environment, changed through Edit → Save like settings. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, ApiError, fieldErrors, unwrap, type Schemas } from "../../api/client";
import { appCredentialsQuery, credentialsDraftQuery, keys } from "../../api/queries";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { daysText, formatDate, formatDateTime } from "../../lib/format";

type Credentials = Schemas["AppCredentials"];
type CredentialsDraft = Schemas["CredentialsDraft"];
type Changes = Schemas["CredentialsChanges"];

export function AppCredentialsSection() {
  const list = useQuery(appCredentialsQuery);
  let body;
  if (list.isPending) body = <Loading what="app credentials" />;
  else if (list.isError) body = <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.length === 0) body = <Empty>No app credentials are known.</Empty>;
  else
    body = (
      <div className="cards">
        {list.data.map((c) => (
          <CredentialsCard key={`${c.accountType}-${c.environment}`} credentials={c} />
        ))}
      </div>
    );
  return (
    <section className="panel" aria-labelledby="credentials-title">
      <h2 id="credentials-title">App credentials</h2>
      <p className="muted">
        The ERP's Selling Partner API application, the same for every company. Secrets are never shown: only
        their last characters.
      </p>
      {body}
    </section>
  );
}

function title(c: { accountType: string; environment: string }) {
  return `${c.accountType === "seller" ? "Seller" : "Vendor"} app — ${c.environment}`;
}

function CredentialsCard({ credentials: c }: { credentials: Credentials }) {
  const queryClient = useQueryClient();
  const [editId, setEditId] = useState<string | null>(null);
  const draft = useQuery({ ...credentialsDraftQuery(editId ?? ""), enabled: Boolean(editId) });
  const begin = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/integration-credentials/{account_type}/{environment}/edits", {
          params: { path: { account_type: c.accountType, environment: c.environment } },
        }),
      ),
    onSuccess: (d) => {
      queryClient.setQueryData(keys.credentialsDraft(d.id), d);
      setEditId(d.id);
    },
  });
  const close = () => {
    if (editId) queryClient.removeQueries({ queryKey: keys.credentialsDraft(editId) });
    setEditId(null);
    void queryClient.invalidateQueries({ queryKey: keys.appCredentials });
  };
  const heading = title(c);
  const headingId = `cred-${c.accountType}-${c.environment}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <div className="panel-head">
        <h3 id={headingId}>{heading}</h3>
        {!editId && (
          <button
            type="button"
            onClick={() => begin.mutate()}
            disabled={begin.isPending}
            aria-label={`Edit ${heading}`}
          >
            Edit
          </button>
        )}
      </div>
      {begin.isError && <ErrorBox error={begin.error} />}
      {editId && draft.isPending && <Loading what="the draft" />}
      {editId && draft.isError && <ErrorBox error={draft.error} onRetry={close} />}
      {draft.data && editId ? (
        <CredentialsEditor draft={draft.data} heading={heading} onClosed={close} />
      ) : (
        <CredentialsView c={c} />
      )}
    </article>
  );
}

function CredentialsView({ c }: { c: Credentials }) {
  if (!c.configured) return <p className="muted">Not configured.</p>;
  return (
    <dl className="kv">
      <div className="kv-row">
        <dt>Application ID</dt>
        <dd>{c.applicationId ?? "—"}</dd>
      </div>
      <div className="kv-row">
        <dt>LWA client ID</dt>
        <dd>{c.lwaClientId ?? "—"}</dd>
      </div>
      <div className="kv-row">
        <dt>Client secret</dt>
        <dd>{c.clientSecretFingerprint ? c.clientSecretFingerprint : "not set"}</dd>
      </div>
      <div className="kv-row">
        <dt>Secret expires on</dt>
        <dd
          className={
            c.daysUntilSecretExpires != null && c.daysUntilSecretExpires <= 30 ? "warning-text" : undefined
          }
        >
          {formatDate(c.clientSecretExpiresAt)}
          {c.daysUntilSecretExpires != null && ` (${daysText(c.daysUntilSecretExpires)})`}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Redirect URI</dt>
        <dd>{c.redirectUri ?? "—"}</dd>
      </div>
      <div className="kv-row">
        <dt>Draft app</dt>
        <dd>{c.draftApp ? "Yes (consent URLs add version=beta)" : "No"}</dd>
      </div>
      <div className="kv-row">
        <dt>Last saved</dt>
        <dd>
          {formatDateTime(c.updatedAt)}
          {c.updatedBy && ` by ${c.updatedBy}`} (version {c.version})
        </dd>
      </div>
    </dl>
  );
}

type TextField = "applicationId" | "lwaClientId" | "redirectUri";

function CredentialsEditor({
  draft,
  heading,
  onClosed,
}: {
  draft: CredentialsDraft;
  heading: string;
  onClosed: () => void;
}) {
  const queryClient = useQueryClient();
  const current = draft.current;
  const [text, setText] = useState<Record<TextField, string>>({
    applicationId: draft.changes.applicationId ?? current.applicationId ?? "",
    lwaClientId: draft.changes.lwaClientId ?? current.lwaClientId ?? "",
    redirectUri: draft.changes.redirectUri ?? current.redirectUri ?? "",
  });
  const [secret, setSecret] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<string | null>(null);
  // The checkbox shows the user's choice at once, until the server's draft comes back.
  const [draftAppChoice, setDraftAppChoice] = useState<{ base: CredentialsDraft; value: boolean } | null>(
    null,
  );
  const change = useMutation({
    mutationFn: (changes: Changes) =>
      unwrap(
        api.PATCH("/api/integration-credentials/edits/{edit_id}", {
          params: { path: { edit_id: draft.id } },
          body: changes,
        }),
      ),
    onSuccess: (d, changes) => {
      queryClient.setQueryData(keys.credentialsDraft(d.id), d);
      setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in changes))));
      if ("lwaClientSecret" in changes) setSecret("");
    },
    onError: (error, changes) => {
      setDraftAppChoice(null);
      const f = fieldErrors(error);
      setErrors((e) => ({
        ...e,
        ...(Object.keys(f).length
          ? f
          : Object.fromEntries(Object.keys(changes).map((k) => [k, error.message]))),
      }));
    },
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/integration-credentials/edits/{edit_id}/save", {
          params: { path: { edit_id: draft.id }, header: { "If-Match": `"${draft.baseVersion}"` } },
        }),
      ),
    onSuccess: onClosed,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setConflict(error.message);
      else setErrors(fieldErrors(error));
    },
  });
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE("/api/integration-credentials/edits/{edit_id}", {
          params: { path: { edit_id: draft.id } },
        }),
      ),
    onSettled: onClosed,
  });
  const changed = (f: keyof Changes) => f in draft.changes;
  const cls = (f: keyof Changes) => `edit-field${changed(f) ? " changed" : ""}${errors[f] ? " invalid" : ""}`;
  const tag = (f: keyof Changes) => (changed(f) ? <span className="changed-tag">changed</span> : null);
  const err = (f: keyof Changes, id: string) =>
    errors[f] ? (
      <span className="field-error" id={`${id}-error`}>
        {errors[f]}
      </span>
    ) : null;
  const id = `ce-${draft.accountType}-${draft.environment}`;
  const textInput = (f: TextField, label: string) => (
    <div className={cls(f)}>
      <label htmlFor={`${id}-${f}`}>{label}</label>
      <input
        id={`${id}-${f}`}
        value={text[f]}
        aria-invalid={Boolean(errors[f]) || undefined}
        aria-describedby={errors[f] ? `${id}-${f}-error` : undefined}
        onChange={(e) => setText((t) => ({ ...t, [f]: e.target.value }))}
        onBlur={() => {
          const value = text[f].trim();
          const before = draft.changes[f] ?? current[f] ?? "";
          if (value !== before || errors[f]) change.mutate({ [f]: value });
        }}
      />
      {tag(f)}
      {err(f, `${id}-${f}`)}
    </div>
  );
  const expiry = draft.changes.clientSecretExpiresAt ?? current.clientSecretExpiresAt ?? "";
  return (
    <div className="edit-grid" aria-label={`Editing ${heading}`} role="group">
      {textInput("applicationId", "Application ID")}
      {textInput("lwaClientId", "LWA client ID")}
      <div className={cls("lwaClientSecret")}>
        <label htmlFor={`${id}-secret`}>New client secret</label>
        <input
          id={`${id}-secret`}
          type="password"
          autoComplete="new-password"
          value={secret}
          placeholder="leave empty to keep the current secret"
          aria-describedby={`${id}-secret-hint${errors.lwaClientSecret ? ` ${id}-lwaClientSecret-error` : ""}`}
          onChange={(e) => setSecret(e.target.value)}
          onBlur={() => secret && change.mutate({ lwaClientSecret: secret })}
        />
        <span className="hint" id={`${id}-secret-hint`}>
          {draft.newSecretFingerprint
            ? `A new secret (${draft.newSecretFingerprint}) waits for Save.`
            : `Current secret: ${current.clientSecretFingerprint ? current.clientSecretFingerprint : "none"}.`}
        </span>
        {tag("lwaClientSecret")}
        {err("lwaClientSecret", `${id}-lwaClientSecret`)}
      </div>
      <div className={cls("clientSecretExpiresAt")}>
        <label htmlFor={`${id}-expiry`}>Secret expires on</label>
        <input
          id={`${id}-expiry`}
          type="date"
          value={expiry ? expiry.slice(0, 10) : ""}
          onChange={(e) =>
            e.target.value && change.mutate({ clientSecretExpiresAt: `${e.target.value}T00:00:00Z` })
          }
        />
        {tag("clientSecretExpiresAt")}
        {err("clientSecretExpiresAt", `${id}-clientSecretExpiresAt`)}
      </div>
      {textInput("redirectUri", "Redirect URI")}
      <div className={cls("draftApp")}>
        <input
          id={`${id}-draftApp`}
          type="checkbox"
          checked={
            draftAppChoice?.base === draft
              ? draftAppChoice.value
              : (draft.changes.draftApp ?? current.draftApp)
          }
          onChange={(e) => {
            setDraftAppChoice({ base: draft, value: e.target.checked });
            change.mutate({ draftApp: e.target.checked });
          }}
        />
        <label htmlFor={`${id}-draftApp`}>Draft app (consent with version=beta)</label>
        {tag("draftApp")}
      </div>
      {conflict && (
        <div className="error-box" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={() => cancel.mutate()}>
            Reload
          </button>
        </div>
      )}
      {save.isError && !conflict && Object.keys(fieldErrors(save.error)).length === 0 && (
        <ErrorBox error={save.error} title="Not saved." />
      )}
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={save.isPending || change.isPending}
          onClick={() => save.mutate()}
        >
          Save
        </button>
        <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          Cancel
        </button>
      </div>
    </div>
  );
}
