/** Editing one set of app credentials: each field goes into a server-side draft; the secret is write-only. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  useCancelCredentialsDraft,
  useChangeCredentialsDraft,
  useSaveCredentialsDraft,
} from "../../api/admin";
import { ApiError, fieldErrors, type Schemas } from "../../api/client";
import { ErrorBox } from "../../components/QueryState";

type CredentialsDraft = Schemas["CredentialsDraft"];
type Changes = Schemas["CredentialsChanges"];

type TextField = "applicationId" | "lwaClientId" | "redirectUri";

export function CredentialsEditor({
  draft,
  heading,
  onClosed,
}: {
  draft: CredentialsDraft;
  heading: string;
  onClosed: () => void;
}) {
  const { t } = useTranslation();
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
  const change = useChangeCredentialsDraft({
    editId: draft.id,
    mutationConfig: {
      onSuccess: (_, changes) => {
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
    },
  });
  const save = useSaveCredentialsDraft({
    editId: draft.id,
    baseVersion: draft.baseVersion,
    mutationConfig: {
      onSuccess: onClosed,
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409) setConflict(error.message);
        else setErrors(fieldErrors(error));
      },
    },
  });
  const cancel = useCancelCredentialsDraft({ editId: draft.id, mutationConfig: { onSettled: onClosed } });
  const changed = (f: keyof Changes) => f in draft.changes;
  const cls = (f: keyof Changes) => `edit-field${changed(f) ? " changed" : ""}${errors[f] ? " invalid" : ""}`;
  const tag = (f: keyof Changes) =>
    changed(f) ? <span className="changed-tag">{t("common.changed")}</span> : null;
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
    <div className="edit-grid" aria-label={t("admin.editor.editing", { heading })} role="group">
      {textInput("applicationId", t("admin.credentials.applicationId"))}
      {textInput("lwaClientId", t("admin.credentials.lwaClientId"))}
      <div className={cls("lwaClientSecret")}>
        <label htmlFor={`${id}-secret`}>{t("admin.editor.newSecret")}</label>
        <input
          id={`${id}-secret`}
          type="password"
          autoComplete="new-password"
          value={secret}
          placeholder={t("admin.editor.keepSecret")}
          aria-invalid={Boolean(errors.lwaClientSecret) || undefined}
          aria-describedby={`${id}-secret-hint${errors.lwaClientSecret ? ` ${id}-lwaClientSecret-error` : ""}`}
          onChange={(e) => setSecret(e.target.value)}
          onBlur={() => secret && change.mutate({ lwaClientSecret: secret })}
        />
        <span className="hint" id={`${id}-secret-hint`}>
          {draft.newSecretFingerprint
            ? t("admin.editor.newSecretWaits", { fingerprint: draft.newSecretFingerprint })
            : current.clientSecretFingerprint
              ? t("admin.editor.currentSecret", { fingerprint: current.clientSecretFingerprint })
              : t("admin.editor.noSecret")}
        </span>
        {tag("lwaClientSecret")}
        {err("lwaClientSecret", `${id}-lwaClientSecret`)}
      </div>
      <div className={cls("clientSecretExpiresAt")}>
        <label htmlFor={`${id}-expiry`}>{t("admin.credentials.secretExpires")}</label>
        <input
          id={`${id}-expiry`}
          type="date"
          value={expiry ? expiry.slice(0, 10) : ""}
          aria-invalid={Boolean(errors.clientSecretExpiresAt) || undefined}
          aria-describedby={errors.clientSecretExpiresAt ? `${id}-clientSecretExpiresAt-error` : undefined}
          onChange={(e) =>
            e.target.value && change.mutate({ clientSecretExpiresAt: `${e.target.value}T00:00:00Z` })
          }
        />
        {tag("clientSecretExpiresAt")}
        {err("clientSecretExpiresAt", `${id}-clientSecretExpiresAt`)}
      </div>
      {textInput("redirectUri", t("admin.credentials.redirectUri"))}
      <div className={cls("draftApp")}>
        <input
          id={`${id}-draftApp`}
          type="checkbox"
          aria-describedby={errors.draftApp ? `${id}-draftApp-error` : undefined}
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
        <label htmlFor={`${id}-draftApp`}>{t("admin.editor.draftApp")}</label>
        {tag("draftApp")}
        {err("draftApp", `${id}-draftApp`)}
      </div>
      {conflict && (
        <div className="error-box" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={() => cancel.mutate()}>
            {t("common.reload")}
          </button>
        </div>
      )}
      {save.isError && !conflict && Object.keys(fieldErrors(save.error)).length === 0 && (
        <ErrorBox error={save.error} title={t("common.notSaved")} />
      )}
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={save.isPending || change.isPending}
          onClick={() => save.mutate()}
        >
          {t("common.save")}
        </button>
        <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          {t("common.cancel")}
        </button>
      </div>
    </div>
  );
}
