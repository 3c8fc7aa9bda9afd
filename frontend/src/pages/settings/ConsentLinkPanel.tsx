/**
 * Ask the account holder by e-mail: send a region's authorization link from the draft, and the link waiting
 * ("OAuth began") with Resend and Withdraw. The token the holder gives arrives in the draft (polled while waiting).
 */
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage, fieldErrors, type Schemas } from "../../api/client";
import type { Region } from "../../api/companies";
import { draftQuery } from "../../api/settings";
import { useResendConsentLink, useSendConsentLink, useWithdrawConsentLink } from "../../api/tokens";
import { formatDateTime } from "../../lib/format";
import type { Draft } from "./fields";
import type { TFunction } from "i18next";

type Link = Schemas["ConsentLinkSent"];

/** How often the draft is read while the holder may be at Amazon: the token shows without a reload. */
export const WAITING_POLL_MS = 5_000;

type Props = {
  region: Region;
  draft: Draft;
  /** "Seller Central" or "Vendor Central": what the holder logs in to. */
  central: string;
  /** The country whose Central site the holder logs in to (left out: the server's choice, as for the token). */
  marketplaceId?: string;
};

export function ConsentLinkPanel({ region, draft, central, marketplaceId }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const link = draft.consentLinks?.find((l) => l.region === region);
  const live = link?.status === "waiting" || link?.status === "opened";
  // A second reader of the draft beside the page's own: it only adds the polling while a link waits (never a read
  // of its own when it appears, which could answer before a change the page has just made).
  useQuery({
    ...draftQuery(draft.id),
    refetchOnMount: false,
    refetchInterval: live ? WAITING_POLL_MS : false,
  });

  // Each ends once the draft has been read again (it shows the link as it now is).
  const send = useSendConsentLink({
    editId: draft.id,
    region,
    mutationConfig: {
      onSuccess: () => {
        setEmail("");
        setDone(null);
      },
    },
  });
  const resend = useResendConsentLink({ editId: draft.id });
  const withdraw = useWithdrawConsentLink({
    editId: draft.id,
    mutationConfig: { onSuccess: () => setDone(t("consentLink.withdrawn")) },
  });
  const failed = send.error ?? resend.error ?? withdraw.error;
  const emailError = send.error ? fieldErrors(send.error).email : undefined;
  const busy = send.isPending || resend.isPending || withdraw.isPending;

  return (
    <div className="consent-link" aria-label={t("consentLink.group", { region })} role="group">
      {link ? (
        <div className="notice">
          <p>{statusLine(link, t)}</p>
          <p className="muted">
            {t("consentLink.details", { by: link.requestedBy, expiresAt: formatDateTime(link.expiresAt) })}
          </p>
          <p>
            {link.status !== "opened" && (
              <button type="button" disabled={busy} onClick={() => resend.mutate(link)}>
                {t("consentLink.resend")}
              </button>
            )}{" "}
            <button type="button" disabled={busy} onClick={() => withdraw.mutate(link)}>
              {t("consentLink.withdraw")}
            </button>
          </p>
        </div>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send.mutate({ email: email.trim(), marketplaceId });
          }}
        >
          <p className="hint" id={`${id}-hint`}>
            {t("consentLink.hint", { region })}
          </p>
          <label htmlFor={id}>{t("consentLink.label", { central })}</label>{" "}
          <input
            id={id}
            type="email"
            required
            maxLength={254}
            autoComplete="off"
            value={email}
            aria-describedby={`${id}-hint`}
            aria-invalid={emailError ? true : undefined}
            onChange={(e) => setEmail(e.target.value)}
          />{" "}
          <button type="submit" disabled={busy || !email.trim()}>
            {send.isPending ? t("consentLink.sending") : t("consentLink.send")}
          </button>
        </form>
      )}
      {done && !link && <p role="status">{done}</p>}
      {failed && (
        <p className="error-box" role="alert">
          {emailError ?? errorMessage(failed)}
        </p>
      )}
    </div>
  );
}

function statusLine(link: Link, t: TFunction): string {
  switch (link.status) {
    case "waiting":
      return t("consentLink.waiting", { email: link.email, sentAt: formatDateTime(link.sentAt) });
    case "opened":
      return t("consentLink.opened", { email: link.email, openedAt: formatDateTime(link.openedAt) });
    case "expired":
      return t("consentLink.expired", { email: link.email, expiresAt: formatDateTime(link.expiresAt) });
    case "unfinished":
      return t("consentLink.unfinished", { email: link.email, openedAt: formatDateTime(link.openedAt) });
  }
}
