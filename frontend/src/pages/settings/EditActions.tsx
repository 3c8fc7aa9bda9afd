/** The page's Edit, or Save and Cancel in edit mode, with the "discard?" and "leave?" confirmations. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Blocker } from "react-router";
import { ConfirmDialog } from "../../components/Dialog";
import { formatList } from "../../lib/format";
import type { SettingsDraft } from "./useSettingsDraft";

type Props = {
  editing: SettingsDraft;
  canEdit: boolean;
  onBegin: () => void;
};

export function EditActions({ editing, canEdit, onBegin }: Props) {
  const { t } = useTranslation();
  const { draft, begin, save, change, cancel, unconfirmed, unconfirmedVerdicts, pendingRegions } = editing;
  const waiting = unconfirmed.length + unconfirmedVerdicts.length > 0;
  // Changed, saved or discarded in another tab: Save would store what this tab does not show, until Reload.
  const stale = editing.elsewhere !== null;
  const [confirmCancel, setConfirmCancel] = useState(false);
  if (!draft) {
    if (!canEdit) return null;
    return (
      <button type="button" className="primary" onClick={onBegin} disabled={begin.isPending}>
        {begin.isPending ? t("settings.actions.opening") : t("common.edit")}
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
        {save.isPending ? t("settings.actions.saving") : t("common.save")}
      </button>
      <button
        type="button"
        onClick={() => (editing.dirty ? setConfirmCancel(true) : discard())}
        disabled={cancel.isPending || save.isPending}
      >
        {t("common.cancel")}
      </button>
      {confirmCancel && (
        <ConfirmDialog
          title={
            pendingRegions.length
              ? t("settings.actions.discardTokenTitle", { regions: formatList(pendingRegions) })
              : t("settings.actions.discardTitle")
          }
          confirmLabel={t("settings.actions.discard")}
          cancelLabel={t("settings.actions.keepEditing")}
          danger
          busy={cancel.isPending}
          onConfirm={discard}
          onCancel={() => setConfirmCancel(false)}
        >
          <p>
            {pendingRegions.length
              ? t("settings.actions.discardTokenText")
              : t("settings.actions.discardText")}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Asked when the user navigates away from a draft with unsaved changes. */
export function LeaveWarning({ blocker, pendingRegions }: { blocker: Blocker; pendingRegions: string[] }) {
  const { t } = useTranslation();
  if (blocker.state !== "blocked") return null;
  return (
    <ConfirmDialog
      title={t("settings.leave.title")}
      confirmLabel={t("settings.leave.leave")}
      cancelLabel={t("settings.leave.stay")}
      onConfirm={() => blocker.proceed()}
      onCancel={() => blocker.reset()}
    >
      <p>
        {pendingRegions.length
          ? t("settings.leave.textWithToken", { regions: formatList(pendingRegions) })
          : t("settings.leave.text")}
      </p>
    </ConfirmDialog>
  );
}
