/** The app's SP-API credentials per account type and environment, changed through Edit → Save like settings. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import i18n from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  appCredentialsQuery,
  credentialsDraftQuery,
  forgetCredentialsDraft,
  useBeginCredentialsDraft,
} from "../../api/admin";
import type { Schemas } from "../../api/client";
import { invalidate } from "../../api/keys";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { daysText, formatDate, formatDateTime } from "../../lib/format";
import { CredentialsEditor } from "./CredentialsEditor";

type Credentials = Schemas["AppCredentials"];

export function AppCredentialsSection() {
  const { t } = useTranslation();
  const list = useQuery(appCredentialsQuery);
  let body;
  if (list.isPending) body = <Loading text={t("admin.credentials.loading")} />;
  else if (list.isError) body = <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.length === 0) body = <Empty>{t("admin.credentials.none")}</Empty>;
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
      <h2 id="credentials-title">{t("admin.credentials.title")}</h2>
      <p className="muted">{t("admin.credentials.intro")}</p>
      {body}
    </section>
  );
}

function title(c: { accountType: string; environment: string }) {
  const environment =
    c.environment === "production"
      ? i18n.t("admin.credentials.production")
      : c.environment === "sandbox"
        ? i18n.t("admin.credentials.sandbox")
        : c.environment;
  return c.accountType === "seller"
    ? i18n.t("admin.credentials.sellerApp", { environment })
    : i18n.t("admin.credentials.vendorApp", { environment });
}

function CredentialsCard({ credentials: c }: { credentials: Credentials }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editId, setEditId] = useState<string | null>(null);
  const draft = useQuery({ ...credentialsDraftQuery(editId ?? ""), enabled: Boolean(editId) });
  const begin = useBeginCredentialsDraft({
    accountType: c.accountType,
    environment: c.environment,
    mutationConfig: { onSuccess: (d) => setEditId(d.id) },
  });
  const close = () => {
    if (editId) forgetCredentialsDraft(queryClient, editId);
    setEditId(null);
    void invalidate.appCredentials(queryClient);
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
            aria-label={t("admin.credentials.editLabel", { heading })}
          >
            {t("common.edit")}
          </button>
        )}
      </div>
      {begin.isError && <ErrorBox error={begin.error} />}
      {editId && draft.isPending && <Loading text={t("admin.credentials.loadingDraft")} />}
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
  const { t } = useTranslation();
  if (!c.configured) return <p className="muted">{t("admin.credentials.notConfigured")}</p>;
  return (
    <dl className="kv">
      <div className="kv-row">
        <dt>{t("admin.credentials.applicationId")}</dt>
        <dd>{c.applicationId ?? "—"}</dd>
      </div>
      <div className="kv-row">
        <dt>{t("admin.credentials.lwaClientId")}</dt>
        <dd>{c.lwaClientId ?? "—"}</dd>
      </div>
      <div className="kv-row">
        <dt>{t("admin.credentials.clientSecret")}</dt>
        <dd>{c.clientSecretFingerprint ? c.clientSecretFingerprint : t("admin.credentials.notSet")}</dd>
      </div>
      <div className="kv-row">
        <dt>{t("admin.credentials.secretExpires")}</dt>
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
        <dt>{t("admin.credentials.redirectUri")}</dt>
        <dd>{c.redirectUri ?? "—"}</dd>
      </div>
      <div className="kv-row">
        <dt>{t("admin.credentials.draftApp")}</dt>
        <dd>{c.draftApp ? t("admin.credentials.draftAppYes") : t("common.no")}</dd>
      </div>
      <div className="kv-row">
        <dt>{t("admin.credentials.lastSaved")}</dt>
        <dd>
          {c.updatedBy
            ? t("admin.credentials.savedBy", {
                when: formatDateTime(c.updatedAt),
                name: c.updatedBy,
                version: c.version,
              })
            : t("admin.credentials.saved", { when: formatDateTime(c.updatedAt), version: c.version })}
        </dd>
      </div>
    </dl>
  );
}
