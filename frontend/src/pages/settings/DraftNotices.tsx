/** What edit mode tells the user above the panels: the draft's state, errors, a 409, warnings, a blocked pop-up. */
import type { Schemas } from "../../api/client";
import { ApiError, fieldErrors } from "../../api/client";
import { ErrorBox, Loading } from "../../components/QueryState";
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
  const { draft, draftResult, save, change, begin, unconfirmed, unconfirmedVerdicts } = editing;
  const { conflict, elsewhere, notice } = editing;
  const generalError =
    save.error && !elsewhere && !(save.error instanceof ApiError && save.error.status === 409);
  return (
    <>
      {(unconfirmed.length > 0 || unconfirmedVerdicts.length > 0) && (
        <div className="hint" id="save-hint">
          {unconfirmed.length > 0 && (
            <p>Confirm the new seller account for {unconfirmed.map((g) => g.region).join(", ")} to save.</p>
          )}
          {unconfirmedVerdicts.length > 0 && (
            <p>
              Amazon's test doubts the new token for {unconfirmedVerdicts.map((g) => g.region).join(", ")}:
              get it again, or confirm to save it anyway.
            </p>
          )}
        </div>
      )}
      {draft && <p className="edit-banner">Edit mode: nothing is stored until you click Save.</p>}
      <EditorsBanner editors={draft ? draft.otherEditors : settings.openEdits.filter((e) => !e.mine)} />
      {!draft && settings.openEdits.some((e) => e.mine) && isAdmin && (
        <p className="notice">You have an open draft of these settings. Click Edit to continue it.</p>
      )}
      {notice && <p className="notice">{notice}</p>}
      {begin.isError && <ErrorBox error={begin.error} title="Could not start editing." />}
      {editing.editId && draftResult.isPending && <Loading what="your draft" />}
      {editing.draftGone && (
        <div className="error-box" role="alert">
          {draftResult.error
            ? draftResult.error.message
            : `This draft is ${draftResult.data?.status ?? "closed"} and can no longer be changed.`}{" "}
          <button type="button" className="link-button" onClick={() => editing.leaveEditMode(null)}>
            Back to the settings
          </button>
        </div>
      )}
      {conflict && (
        <div className="error-box conflict" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={() => void editing.reloadAfterConflict()}>
            Reload
          </button>
        </div>
      )}
      {elsewhere && (
        // Another tab or window changed, saved or discarded this draft: nothing this tab sent was stored.
        <div className="error-box conflict" role="alert">
          <p id="elsewhere-notice">{elsewhere.message}</p>
          <button type="button" onClick={() => void editing.reloadElsewhere()}>
            Reload
          </button>
        </div>
      )}
      {generalError && <ErrorBox error={save.error} title="Not saved." />}
      {change.isError && !elsewhere && Object.keys(fieldErrors(change.error)).length === 0 && (
        <ErrorBox error={change.error} title="That change was not accepted." />
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
    </>
  );
}
