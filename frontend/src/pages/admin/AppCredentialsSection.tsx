/** The app's SP-API credentials per account type and environment, changed through Edit → Save like settings. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { appCredentialsQuery, credentialsDraftQuery, keys } from "../../api/queries";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { daysText, formatDate, formatDateTime } from "../../lib/format";
import { CredentialsEditor } from "./CredentialsEditor";

type Credentials = Schemas["AppCredentials"];

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
