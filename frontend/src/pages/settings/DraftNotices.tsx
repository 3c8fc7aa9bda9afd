/** What edit mode tells the user above the panels: the draft's state, errors, a 409, warnings, a blocked pop-up. */
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { ApiError, fieldErrors } from "../../api/client";
import { ErrorBox, Loading } from "../../components/QueryState";
import { formatList } from "../../lib/format";
import { EditorsBanner } from "./EditorsBanner";
import type { SettingsDraft } from "./useSettingsDraft";
import type { useTokenFlow } from "./useTokenFlow";

type Props = {
  editing: SettingsDraft;
  token: ReturnType<typeof useTokenFlow>;
  settings: Schemas["AmazonSettings"];
  isAdmin: boolean;
};

export function DraftNotices({ editing, token, settings, isAdmin }: Props) {
  const { t } = useTranslation();
  const { draft, draftResult, save, change, begin, unconfirmed, unconfirmedVerdicts } = editing;
  const { conflict, elsewhere, notice } = editing;
  const generalError =
    save.error && !elsewhere && !(save.error instanceof ApiError && save.error.status === 409);
  return (
    <>
      {(unconfirmed.length > 0 || unconfirmedVerdicts.length > 0) && (
        <div className="hint" id="save-hint">
          {unconfirmed.length > 0 && (
            <p>
              {t("settings.notices.confirmSeller", { regions: formatList(unconfirmed.map((g) => g.region)) })}
            </p>
          )}
          {unconfirmedVerdicts.length > 0 && (
            <p>
              {t("settings.notices.verdictDoubts", {
                regions: formatList(unconfirmedVerdicts.map((g) => g.region)),
              })}
            </p>
          )}
        </div>
      )}
      {draft && <p className="edit-banner">{t("settings.notices.editMode")}</p>}
      <EditorsBanner editors={draft ? draft.otherEditors : settings.openEdits.filter((e) => !e.mine)} />
      {!draft && settings.openEdits.some((e) => e.mine) && isAdmin && (
        <p className="notice">{t("settings.notices.openDraft")}</p>
      )}
      {notice && (
        <p className="notice">
          {notice.kind === "saved"
            ? t("settings.notice.saved", { version: notice.version })
            : t("settings.notice.discarded")}
        </p>
      )}
      {begin.isError && <ErrorBox error={begin.error} title={t("settings.notices.notStarted")} />}
      {editing.editId && draftResult.isPending && <Loading text={t("settings.notices.loadingDraft")} />}
      {editing.draftGone && (
        <div className="error-box" role="alert">
          {draftResult.error ? draftResult.error.message : draftStatusText(t, draftResult.data?.status)}{" "}
          <button type="button" className="link-button" onClick={() => editing.leaveEditMode(null)}>
            {t("settings.notices.back")}
          </button>
        </div>
      )}
      {conflict && (
        <div className="error-box conflict" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={() => void editing.reloadAfterConflict()}>
            {t("common.reload")}
          </button>
        </div>
      )}
      {elsewhere && (
        // Another tab or window changed, saved or discarded this draft: nothing this tab sent was stored.
        <div className="error-box conflict" role="alert">
          <p id="elsewhere-notice">{elsewhere.message}</p>
          <button type="button" onClick={() => void editing.reloadElsewhere()}>
            {t("common.reload")}
          </button>
        </div>
      )}
      {generalError && <ErrorBox error={save.error} title={t("common.notSaved")} />}
      {change.isError && !elsewhere && Object.keys(fieldErrors(change.error)).length === 0 && (
        <ErrorBox error={change.error} title={t("settings.notices.changeRefused")} />
      )}
      {draft && (
        // Warnings come and go as the user changes the draft: announce them where they appear.
        <div className="draft-warnings" aria-live="polite">
          {draft.warnings.map((w) => (
            <p key={w.code} className="warning">
              {w.message}
            </p>
          ))}
        </div>
      )}
      {token.blocked && (
        <div className="error-box popup-blocked" role="alert">
          <p>{t("settings.notices.popupBlocked")}</p>
          <p>{t("settings.notices.inThisTab", { region: token.blocked })}</p>
          <button type="button" className="primary" onClick={() => void token.continueInTab()}>
            {t("settings.notices.continueInTab")}
          </button>{" "}
          <button type="button" onClick={token.dismissBlocked}>
            {t("settings.notices.notNow")}
          </button>
        </div>
      )}
    </>
  );
}

/** "This draft is saved and can no longer be changed." for a draft that is no longer open. */
function draftStatusText(t: TFunction, status: Schemas["Draft"]["status"] | undefined): string {
  switch (status) {
    case "saved":
      return t("settings.notices.draftSaved");
    case "cancelled":
      return t("settings.notices.draftCancelled");
    case "expired":
      return t("settings.notices.draftExpired");
    default:
      return t("settings.notices.draftClosed");
  }
}
