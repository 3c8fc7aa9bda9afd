/** The page's Edit, or Save and Cancel in edit mode, with the "discard?" and "leave?" confirmations. */
import { useState } from "react";
import type { Blocker } from "react-router";
import { ConfirmDialog } from "../../components/Dialog";
import type { SettingsDraft } from "./useSettingsDraft";

type Props = {
  editing: SettingsDraft;
  canEdit: boolean;
  onBegin: () => void;
};

export function EditActions({ editing, canEdit, onBegin }: Props) {
  const { draft, begin, save, change, cancel, unconfirmed, unconfirmedVerdicts, pendingRegions } = editing;
  const waiting = unconfirmed.length + unconfirmedVerdicts.length > 0;
  // Changed, saved or discarded in another tab: Save would store what this tab does not show, until Reload.
  const stale = editing.elsewhere !== null;
  const [confirmCancel, setConfirmCancel] = useState(false);
  if (!draft) {
    if (!canEdit) return null;
    return (
      <button type="button" className="primary" onClick={onBegin} disabled={begin.isPending}>
        {begin.isPending ? "Opening…" : "Edit"}
      </button>
    );
  }
  const discard = () =>
    cancel.mutate(draft.id, {
      onSettled: () => setConfirmCancel(false),
    });
  return (
    <>
      <button
        type="button"
        className="primary"
        onClick={() => save.mutate(draft)}
        disabled={save.isPending || change.isPending || waiting || stale}
        aria-describedby={stale ? "elsewhere-notice" : waiting ? "save-hint" : undefined}
      >
        {save.isPending ? "Saving…" : "Save"}
      </button>
      <button
        type="button"
        onClick={() => (editing.dirty ? setConfirmCancel(true) : discard())}
        disabled={cancel.isPending || save.isPending}
      >
        Cancel
      </button>
      {confirmCancel && (
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
          onConfirm={discard}
          onCancel={() => setConfirmCancel(false)}
        >
          <p>
            {pendingRegions.length
              ? "The token waits only in this draft; it will be thrown away and Amazon's authorization is not stored."
              : "Your changes to these settings will be thrown away."}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Asked when the user navigates away from a draft with unsaved changes. */
export function LeaveWarning({ blocker, pendingRegions }: { blocker: Blocker; pendingRegions: string[] }) {
  if (blocker.state !== "blocked") return null;
  return (
    <ConfirmDialog
      title="Leave with unsaved changes?"
      confirmLabel="Leave"
      cancelLabel="Stay"
      onConfirm={() => blocker.proceed()}
      onCancel={() => blocker.reset()}
    >
      <p>
        Your draft is not saved
        {pendingRegions.length ? `, and the new token for ${pendingRegions.join(", ")} is not stored` : ""}.
        It stays open for a while: come back and click Edit to continue it.
      </p>
    </ConfirmDialog>
  );
}
