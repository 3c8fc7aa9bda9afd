/**
 * The settings draft behind edit mode (?edit=<id>): start it, send each change, Save with If-Match, Cancel, and
 * the field errors, seller-change confirmations and 409 conflict that go with it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { api, ApiError, fieldErrors, unwrap } from "../../api/client";
import { draftQuery, keys, type Region } from "../../api/queries";
import { errorFor, type Changes, type Draft } from "./fields";

export function useSettingsDraft(companyId: number) {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const editId = params.get("edit");
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
  const [conflict, setConflict] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

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
    onSuccess: () => leaveEditMode("Your changes were discarded."),
    onError: (error) => {
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

  const dirty = Boolean(draft && (Object.keys(draft.changes).length > 0 || draft.pendingGrants.length > 0));
  return {
    editId,
    draftResult,
    draft,
    /** The draft was asked for but is closed, expired, of another company, or could not be read. */
    draftGone: Boolean(editId && (draftResult.isError || (draftResult.data && !draft))),
    dirty,
    pendingRegions: draft?.pendingGrants.map((g) => g.region) ?? [],
    /** Pending tokens of a different seller that the user has not confirmed yet: Save waits for them. */
    unconfirmed: draft?.pendingGrants.filter((g) => g.sellerChanged && !confirmed.includes(g.region)) ?? [],
    errors,
    confirmed,
    confirm: (region: Region, yes: boolean) =>
      setConfirmed((list) => (yes ? [...list, region] : list.filter((r) => r !== region))),
    conflict,
    notice,
    begin,
    change,
    save,
    cancel,
    reloadAfterConflict,
    leaveEditMode,
  };
}

export type SettingsDraft = ReturnType<typeof useSettingsDraft>;
