/** Company → Amazon General Settings: view mode, and Edit → Save/Cancel through a server-side draft (?edit=<id>). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useParams, useSearchParams } from "react-router";
import { api, ApiError, fieldErrors, unwrap } from "../../api/client";
import {
  companyQuery,
  draftQuery,
  keys,
  marketplacesQuery,
  REGIONS,
  settingsQuery,
  type Region,
} from "../../api/queries";
import { ConfirmDialog } from "../../components/Dialog";
import { ErrorBox, Loading } from "../../components/QueryState";
import { useMe } from "../../lib/useMe";
import { NotFoundPage } from "../NotFoundPage";
import { CompanyHeader } from "./CompanyHeader";
import { CredentialsPanel, type TestState } from "./CredentialsPanel";
import { EditorsBanner } from "./EditorsBanner";
import { errorFor, type Changes, type Draft } from "./fields";
import { GeneralPanel } from "./GeneralPanel";
import { useTokenFlow } from "./useTokenFlow";
import { useUnsavedWarning } from "./useUnsavedWarning";

export function SettingsPage() {
  const companyId = Number(useParams().companyId);
  if (!Number.isInteger(companyId) || companyId < 1) return <NotFoundPage />;
  return <Settings key={companyId} companyId={companyId} />;
}

function Settings({ companyId }: { companyId: number }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const editId = params.get("edit");
  const settings = useQuery(settingsQuery(companyId));
  const company = useQuery(companyQuery(companyId));
  const marketplaces = useQuery(marketplacesQuery);
  const draftResult = useQuery({
    ...draftQuery(editId ?? ""),
    enabled: Boolean(editId),
    // While Amazon's consent is open, look again now and then (in case the pop-up cannot report back).
    refetchInterval: (query) => (query.state.data?.authorizationsInProgress.length ? 4000 : false),
  });
  const draft: Draft | null =
    editId && draftResult.data?.status === "open" && draftResult.data.company.id === companyId
      ? draftResult.data
      : null;

  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirmed, setConfirmed] = useState<Region[]>([]);
  const [tests, setTests] = useState<Partial<Record<Region, TestState>>>({});
  const [conflict, setConflict] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const dirty = Boolean(draft && (Object.keys(draft.changes).length > 0 || draft.pendingGrants.length > 0));
  const { blocker, leaveOnPurpose } = useUnsavedWarning(dirty);
  const token = useTokenFlow(draft?.id ?? null, leaveOnPurpose);

  const leaveEditMode = (message: string | null) => {
    setErrors({});
    setConfirmed([]);
    setConflict(null);
    setNotice(message);
    setParams({}, { replace: true });
    void queryClient.invalidateQueries({ queryKey: keys.settings(companyId) });
  };

  const begin = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/companies/{company_id}/amazon/edits", { params: { path: { company_id: companyId } } }),
      ),
    onSuccess: (started) => {
      queryClient.setQueryData(keys.draft(started.id), started);
      setNotice(null);
      setErrors({});
      setTests({});
      setParams({ edit: started.id });
    },
  });

  const change = useMutation({
    mutationFn: (changes: Changes) =>
      unwrap(api.PATCH("/api/edits/{edit_id}", { params: { path: { edit_id: draft!.id } }, body: changes })),
    onSuccess: (updated, changes) => {
      queryClient.setQueryData(keys.draft(updated.id), updated);
      setErrors((current) => {
        const next = { ...current };
        for (const field of Object.keys(changes)) {
          for (const path of Object.keys(next)) if (errorFor({ [path]: "x" }, field)) delete next[path];
        }
        return next;
      });
    },
    onError: (error, changes) => {
      const fields = fieldErrors(error);
      const named = Object.keys(fields).length
        ? fields
        : Object.fromEntries(Object.keys(changes).map((f) => [f, error.message]));
      setErrors((current) => ({ ...current, ...named }));
    },
  });

  const save = useMutation({
    mutationFn: (current: Draft) =>
      unwrap(
        api.POST("/api/edits/{edit_id}/save", {
          params: { path: { edit_id: current.id }, header: { "If-Match": `"${current.baseVersion}"` } },
          body: {
            confirmSellerChange: confirmed.filter((r) => current.pendingGrants.some((g) => g.region === r)),
          },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(keys.settings(companyId), saved);
      for (const key of [keys.allCompanies, keys.timeline, ["audit", companyId], keys.company(companyId)]) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
      leaveEditMode(`Saved. The settings are now at version ${saved.version}.`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setConflict(error.message);
      else setErrors(fieldErrors(error));
    },
  });

  const cancel = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/edits/{edit_id}", { params: { path: { edit_id: id } } })),
    onSuccess: () => {
      setConfirmCancel(false);
      leaveEditMode("Your changes were discarded.");
    },
    onError: (error) => {
      setConfirmCancel(false);
      // A draft that is already closed or gone has nothing left to discard.
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) leaveEditMode(null);
    },
  });

  const reloadAfterConflict = async () => {
    if (draft)
      await unwrap(api.DELETE("/api/edits/{edit_id}", { params: { path: { edit_id: draft.id } } })).catch(
        () => undefined,
      );
    leaveEditMode(null);
  };

  const refresh = useMutation({
    mutationFn: (region: Region) =>
      unwrap(
        api.POST("/api/companies/{company_id}/amazon/regions/{region}/refresh", {
          params: { path: { company_id: companyId, region } },
        }),
      ),
    onMutate: (region) => setTests((t) => ({ ...t, [region]: { region, pending: true } })),
    onSuccess: (result, region) => {
      setTests((t) => ({ ...t, [region]: { region, pending: false, result } }));
      void queryClient.invalidateQueries({ queryKey: keys.settings(companyId) });
      void queryClient.invalidateQueries({ queryKey: keys.allCompanies });
    },
    onError: (error, region) => setTests((t) => ({ ...t, [region]: { region, pending: false, error } })),
  });

  if (settings.isPending) return <Loading what="the settings" />;
  if (settings.isError) {
    if (settings.error instanceof ApiError && settings.error.status === 404) return <NotFoundPage />;
    return (
      <>
        <h1>Amazon General Settings</h1>
        <ErrorBox error={settings.error} onRetry={() => void settings.refetch()} />
      </>
    );
  }
  const s = settings.data;
  const draftGone = editId && (draftResult.isError || (draftResult.data && !draft));
  const pendingRegions = draft?.pendingGrants.map((g) => g.region) ?? [];
  const unconfirmed =
    draft?.pendingGrants.filter((g) => g.sellerChanged && !confirmed.includes(g.region)) ?? [];
  const onCancelClick = () => {
    if (!draft) return;
    if (dirty) setConfirmCancel(true);
    else cancel.mutate(draft.id);
  };
  const generalError = save.error && !(save.error instanceof ApiError && save.error.status === 409);

  return (
    <>
      <CompanyHeader settings={s} company={company.data} tab="settings" showAudit={me.canSeeAudit}>
        {me.isAdmin && !draft && (
          <button type="button" className="primary" onClick={() => begin.mutate()} disabled={begin.isPending}>
            {begin.isPending ? "Opening…" : "Edit"}
          </button>
        )}
        {draft && (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => save.mutate(draft)}
              disabled={save.isPending || change.isPending || unconfirmed.length > 0}
              aria-describedby={unconfirmed.length ? "save-hint" : undefined}
            >
              {save.isPending ? "Saving…" : "Save"}
            </button>
            <button type="button" onClick={onCancelClick} disabled={cancel.isPending || save.isPending}>
              Cancel
            </button>
          </>
        )}
      </CompanyHeader>
      {unconfirmed.length > 0 && (
        <p className="hint" id="save-hint">
          Confirm the new seller account for {unconfirmed.map((g) => g.region).join(", ")} to save.
        </p>
      )}
      {draft && <p className="edit-banner">Edit mode: nothing is stored until you click Save.</p>}
      <EditorsBanner editors={draft ? draft.otherEditors : s.openEdits.filter((e) => !e.mine)} />
      {!draft && s.openEdits.some((e) => e.mine) && me.isAdmin && (
        <p className="notice">You have an open draft of these settings. Click Edit to continue it.</p>
      )}
      {notice && <p className="notice">{notice}</p>}
      {begin.isError && <ErrorBox error={begin.error} title="Could not start editing." />}
      {editId && draftResult.isPending && <Loading what="your draft" />}
      {draftGone && (
        <div className="error-box" role="alert">
          {draftResult.error
            ? draftResult.error.message
            : `This draft is ${draftResult.data?.status ?? "closed"} and can no longer be changed.`}{" "}
          <button type="button" className="link-button" onClick={() => leaveEditMode(null)}>
            Back to the settings
          </button>
        </div>
      )}
      {conflict && (
        <div className="error-box conflict" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={() => void reloadAfterConflict()}>
            Reload
          </button>
        </div>
      )}
      {generalError && <ErrorBox error={save.error} title="Not saved." />}
      {change.isError && Object.keys(fieldErrors(change.error)).length === 0 && (
        <ErrorBox error={change.error} title="That change was not accepted." />
      )}
      {draft?.warnings.map((w) => (
        <p key={w.code} className="warning">
          {w.message}
        </p>
      ))}
      {token.blocked && (
        <div className="error-box popup-blocked" role="alert">
          <p>Your browser blocked the pop-up window.</p>
          <p>
            You can get the {token.blocked} token in this tab instead; Amazon will bring you back to this
            draft.
          </p>
          <button type="button" className="primary" onClick={() => void token.continueInTab()}>
            Continue in this tab
          </button>{" "}
          <button type="button" onClick={token.dismissBlocked}>
            Not now
          </button>
        </div>
      )}
      <div className="settings-grid">
        <GeneralPanel
          settings={s}
          draft={draft}
          marketplaces={marketplaces.data ?? []}
          errors={errors}
          onChange={(changes) => change.mutateAsync(changes).then(() => undefined)}
        />
        <div className="credentials-column">
          {REGIONS.map((region) => (
            <CredentialsPanel
              key={region}
              region={region}
              settings={s}
              draft={draft}
              me={me}
              marketplaces={marketplaces.data ?? []}
              test={tests[region] ?? null}
              confirmed={confirmed.includes(region)}
              onConfirm={(yes) =>
                setConfirmed((list) => (yes ? [...list, region] : list.filter((r) => r !== region)))
              }
              onGetToken={token.start}
              onRefresh={(r) => refresh.mutate(r)}
              tokenStarting={token.starting === region}
              tokenError={
                token.error?.region === region
                  ? token.error.message
                  : errorFor(errors, "confirmSellerChange") && pendingRegions.includes(region)
                    ? errorFor(errors, "confirmSellerChange")!
                    : null
              }
            />
          ))}
        </div>
      </div>
      {confirmCancel && draft && (
        <ConfirmDialog
          title={
            pendingRegions.length
              ? `Discard the new token for ${pendingRegions.join(", ")}?`
              : "Discard your changes?"
          }
          confirmLabel="Discard"
          cancelLabel="Keep editing"
          danger
          busy={cancel.isPending}
          onConfirm={() => cancel.mutate(draft.id)}
          onCancel={() => setConfirmCancel(false)}
        >
          <p>
            {pendingRegions.length
              ? "The token waits only in this draft; it will be thrown away and Amazon's authorization is not stored."
              : "Your changes to these settings will be thrown away."}
          </p>
        </ConfirmDialog>
      )}
      {blocker.state === "blocked" && (
        <ConfirmDialog
          title="Leave with unsaved changes?"
          confirmLabel="Leave"
          cancelLabel="Stay"
          onConfirm={() => blocker.proceed()}
          onCancel={() => blocker.reset()}
        >
          <p>
            Your draft is not saved
            {pendingRegions.length
              ? `, and the new token for ${pendingRegions.join(", ")} is not stored`
              : ""}
            . It stays open for a while: come back and click Edit to continue it.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
