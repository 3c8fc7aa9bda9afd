/**
 * The settings draft behind edit mode (?edit=<id>): start it, send each change, Save with If-Match, Cancel, and
 * the field errors, seller-change confirmations and 409 conflict that go with it. Every change and Save carries
 * the draft revision this tab last read, so a draft changed, saved or discarded in another tab is said so, never
 * overwritten or stored unseen.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import i18n from "i18next";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, fieldErrors } from "../../api/client";
import type { Region } from "../../api/companies";
import { invalidate } from "../../api/keys";
import {
  discardDraft,
  draftQuery,
  rereadDraft,
  useBeginDraft,
  useCancelDraft,
  useChangeDraft,
  useSaveDraft,
} from "../../api/settings";
import { errorFor, type Draft } from "./fields";

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

  const leaveEditMode = (message: Notice | null) => {
    setErrors({});
    setConfirmed([]);
    setVerdictConfirmed([]);
    setConflict(null);
    setElsewhere(null);
    setNotice(message);
    setParams({}, { replace: true });
    void invalidate.settings(queryClient, companyId);
  };

  const begin = useBeginDraft({
    companyId,
    mutationConfig: {
      onSuccess: (started) => {
        setNotice(null);
        setElsewhere(null);
        setErrors({});
        setParams({ edit: started.id });
      },
    },
  });

  // One draft's changes and its Save run one after another, each with the revision the one before returned.
  const change = useChangeDraft({
    editId,
    draft,
    mutationConfig: {
      onSuccess: (_, changes) => {
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
    },
  });

  const save = useSaveDraft({
    companyId,
    editId,
    confirmSellerChange: confirmed,
    confirmGrantVerdict: verdictConfirmed,
    mutationConfig: {
      onSuccess: (saved) => leaveEditMode({ kind: "saved", version: saved.version }),
      onError: (error) => {
        const other = elsewhereOf(error);
        if (other) setElsewhere(other);
        else if (error instanceof ApiError && error.status === 409) setConflict(error.message);
        else setErrors(fieldErrors(error));
      },
    },
  });

  const cancel = useCancelDraft({
    mutationConfig: {
      onSuccess: () => leaveEditMode({ kind: "discarded" }),
      onError: (error) => {
        // A draft that is already closed or gone has nothing left to discard.
        if (error instanceof ApiError && (error.status === 404 || error.status === 410)) leaveEditMode(null);
      },
    },
  });

  const reloadAfterConflict = async () => {
    if (draft) await discardDraft(draft.id).catch(() => undefined);
    leaveEditMode(null);
  };

  /** After another tab's change: read the draft again (its fields start afresh); after its Save: leave edit mode. */
  const reloadElsewhere = async () => {
    change.reset();
    save.reset();
    if (elsewhere?.kind !== "changed" || !draft) return leaveEditMode(null);
    setElsewhere(null);
    setErrors({});
    await rereadDraft(queryClient, draft.id);
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
