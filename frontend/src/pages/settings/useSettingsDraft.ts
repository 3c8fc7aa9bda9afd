/**
 * The settings draft behind edit mode (?edit=<id>): start it, send each change, Save with If-Match, Cancel, and
 * the field errors, seller-change confirmations and 409 conflict that go with it. Every change and Save carries
 * the draft revision this tab last read, so a draft changed, saved or discarded in another tab is said so, never
 * overwritten or stored unseen.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import i18n from "i18next";
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
  // Regions whose new token Amazon's test doubts, saved on purpose (confirmGrantVerdict).
  const [verdictConfirmed, setVerdictConfirmed] = useState<Region[]>([]);
  const [conflict, setConflict] = useState<string | null>(null);
  const [elsewhere, setElsewhere] = useState<Elsewhere | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // One draft's changes and its Save run one after another, each with the revision the one before returned.
  const scope = { id: `draft:${editId ?? ""}` };

  const leaveEditMode = (message: Notice | null) => {
    setErrors({});
    setConfirmed([]);
    setVerdictConfirmed([]);
    setConflict(null);
    setElsewhere(null);
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
      setElsewhere(null);
      setErrors({});
      setParams({ edit: started.id });
    },
  });

  const change = useMutation({
    scope,
    mutationFn: async (changes: Changes) => {
      const id = draft!.id;
      const revision = await shownRevision(queryClient, id, draft!.revision);
      return unwrap(
        api.PATCH("/api/edits/{edit_id}", {
          params: { path: { edit_id: id } },
          body: { ...changes, revision },
        }),
      );
    },
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
      const other = elsewhereOf(error);
      if (other) return setElsewhere(other);
      const fields = fieldErrors(error);
      const named = Object.keys(fields).length
        ? fields
        : Object.fromEntries(Object.keys(changes).map((f) => [f, error.message]));
      setErrors((current) => ({ ...current, ...named }));
    },
  });

  const save = useMutation({
    scope,
    mutationFn: async (current: Draft) => {
      const revision = await shownRevision(queryClient, current.id, current.revision);
      return unwrap(
        api.POST("/api/edits/{edit_id}/save", {
          params: { path: { edit_id: current.id }, header: { "If-Match": `"${current.baseVersion}"` } },
          body: {
            revision,
            confirmSellerChange: confirmed.filter((r) => current.pendingGrants.some((g) => g.region === r)),
            ...confirmedVerdicts(current, verdictConfirmed),
          },
        }),
      );
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(keys.settings(companyId), saved);
      for (const key of [keys.allCompanies, keys.timeline, ["audit", companyId], keys.company(companyId)]) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
      leaveEditMode({ kind: "saved", version: saved.version });
    },
    onError: (error) => {
      const other = elsewhereOf(error);
      if (other) setElsewhere(other);
      else if (error instanceof ApiError && error.status === 409) setConflict(error.message);
      else setErrors(fieldErrors(error));
    },
  });

  const cancel = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/edits/{edit_id}", { params: { path: { edit_id: id } } })),
    onSuccess: () => leaveEditMode({ kind: "discarded" }),
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

  /** After another tab's change: read the draft again (its fields start afresh); after its Save: leave edit mode. */
  const reloadElsewhere = async () => {
    change.reset();
    save.reset();
    if (elsewhere?.kind !== "changed" || !draft) return leaveEditMode(null);
    setElsewhere(null);
    setErrors({});
    await queryClient.resetQueries({ queryKey: keys.draft(draft.id) });
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
    /** Pending tokens Amazon's test doubts (wrong region or role, none of the marketplaces), not confirmed yet. */
    unconfirmedVerdicts:
      draft?.pendingGrants.filter(
        (g) => g.verdict?.needsConfirmation && !verdictConfirmed.includes(g.region),
      ) ?? [],
    verdictConfirmed,
    confirmVerdict: (region: Region, yes: boolean) =>
      setVerdictConfirmed((list) => (yes ? [...list, region] : list.filter((r) => r !== region))),
    errors,
    confirmed,
    confirm: (region: Region, yes: boolean) =>
      setConfirmed((list) => (yes ? [...list, region] : list.filter((r) => r !== region))),
    conflict,
    /** The draft was changed, saved or discarded in another tab or window (a 409 or 410 on a change or Save). */
    elsewhere,
    reloadElsewhere,
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

/** What the page says after leaving edit mode (in the language shown then, whenever that changes). */
export type Notice = { kind: "saved"; version: number } | { kind: "discarded" };

type Elsewhere = { kind: "changed" | "closed"; message: string };

const CLOSED_ELSEWHERE = {
  draft_saved: "settings.elsewhere.saved",
  draft_cancelled: "settings.elsewhere.cancelled",
} as const;

/** A refusal because of another tab or window: the draft moved on (409), or it was saved or discarded (410). */
function elsewhereOf(error: unknown): Elsewhere | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 409 && error.code === "draft_changed_elsewhere")
    return { kind: "changed", message: error.message };
  if (error.status === 410) {
    const known = Object.hasOwn(CLOSED_ELSEWHERE, error.code)
      ? CLOSED_ELSEWHERE[error.code as keyof typeof CLOSED_ELSEWHERE]
      : null;
    return { kind: "closed", message: known ? i18n.t(known) : error.message };
  }
  return null;
}

/** The revision of the draft as this tab has it. A read under way (the one after Amazon's pop-up, say) is waited
 * for first: the change or Save is made on the draft it brings. */
async function shownRevision(queryClient: QueryClient, editId: string, fallback: number): Promise<number> {
  const queryKey = keys.draft(editId);
  if (queryClient.isFetching({ queryKey }) > 0)
    await queryClient.refetchQueries({ queryKey }, { cancelRefetch: false });
  return queryClient.getQueryData(draftQuery(editId).queryKey)?.revision ?? fallback;
}

/** Save's confirmGrantVerdict: the confirmed regions whose waiting token still needs it (left out when none). */
function confirmedVerdicts(draft: Draft, regions: Region[]) {
  const needed = regions.filter((r) =>
    draft.pendingGrants.some((g) => g.region === r && g.verdict?.needsConfirmation),
  );
  return needed.length ? { confirmGrantVerdict: needed } : {};
}
