/**
 * Ask the account holder by e-mail: send a region's authorization link from the draft, and the link waiting
 * ("OAuth began") with Resend and Withdraw. The token the holder gives arrives in the draft (polled while waiting).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, errorMessage, fieldErrors, unwrap, type Schemas } from "../../api/client";
import { draftQuery, keys, type Region } from "../../api/queries";
import { formatDateTime } from "../../lib/format";
import type { Draft } from "./fields";

type Link = Schemas["ConsentLinkSent"];

/** Every text of the panel, in one place (for the message catalogues). */
export const TEXT = {
  label: (central: string) => `E-mail of the ${central} account holder`,
  hint: (region: Region) =>
    `Or ask the account holder: they get a link to authorize ${region} at Amazon, without an ERP account. ` +
    "Their token comes back to this draft; Save stores it.",
  send: "Send authorization link",
  sending: "Sending…",
  waiting: (email: string, sentAt: string) => `Authorization link sent to ${email} on ${sentAt}, waiting.`,
  opened: (email: string, openedAt: string) =>
    `${email} opened the authorization link on ${openedAt} and is at Amazon's consent now.`,
  expired: (email: string, expiresAt: string) =>
    `The authorization link sent to ${email} expired on ${expiresAt} unused: send it again.`,
  unfinished: (email: string, openedAt: string) =>
    `${email} opened the authorization link on ${openedAt} but did not finish at Amazon: send it again.`,
  details: (by: string, expiresAt: string) => `Asked by ${by}; the link works once, until ${expiresAt}.`,
  resend: "Resend",
  withdraw: "Withdraw",
  withdrawn: "The authorization link was withdrawn: it no longer works.",
};

/** How often the draft is read while the holder may be at Amazon: the token shows without a reload. */
export const WAITING_POLL_MS = 5_000;

type Props = {
  region: Region;
  draft: Draft;
  /** "Seller Central" or "Vendor Central": what the holder logs in to. */
  central: string;
  /** The country whose Central site the holder logs in to (left out: the server's choice, as for the token). */
  marketplaceId?: string;
  /** Replaceable for the message catalogues; the English texts above by default. */
  text?: typeof TEXT;
};

export function ConsentLinkPanel({ region, draft, central, marketplaceId, text = TEXT }: Props) {
  const queryClient = useQueryClient();
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
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.draft(draft.id) });

  const send = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/edits/{edit_id}/regions/{region}/consent-links", {
          params: { path: { edit_id: draft.id, region } },
          body: { email: email.trim(), ...(marketplaceId ? { marketplaceId } : {}) },
        }),
      ),
    onSuccess: () => {
      setEmail("");
      setDone(null);
      return refresh();
    },
  });
  const resend = useMutation({
    mutationFn: (sent: Link) =>
      unwrap(
        api.POST("/api/edits/{edit_id}/consent-links/{link_id}/resend", {
          params: { path: { edit_id: draft.id, link_id: sent.id } },
        }),
      ),
    onSuccess: () => refresh(),
  });
  const withdraw = useMutation({
    mutationFn: (sent: Link) =>
      unwrap(
        api.DELETE("/api/edits/{edit_id}/consent-links/{link_id}", {
          params: { path: { edit_id: draft.id, link_id: sent.id } },
        }),
      ),
    onSuccess: () => {
      setDone(text.withdrawn);
      return refresh();
    },
  });
  const failed = send.error ?? resend.error ?? withdraw.error;
  const emailError = send.error ? fieldErrors(send.error).email : undefined;
  const busy = send.isPending || resend.isPending || withdraw.isPending;

  return (
    <div className="consent-link" aria-label={`${region} authorization link`} role="group">
      {link ? (
        <div className="notice">
          <p>{statusLine(link, text)}</p>
          <p className="muted">{text.details(link.requestedBy, formatDateTime(link.expiresAt))}</p>
          <p>
            {link.status !== "opened" && (
              <button type="button" disabled={busy} onClick={() => resend.mutate(link)}>
                {text.resend}
              </button>
            )}{" "}
            <button type="button" disabled={busy} onClick={() => withdraw.mutate(link)}>
              {text.withdraw}
            </button>
          </p>
        </div>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send.mutate();
          }}
        >
          <p className="hint" id={`${id}-hint`}>
            {text.hint(region)}
          </p>
          <label htmlFor={id}>{text.label(central)}</label>{" "}
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
            {send.isPending ? text.sending : text.send}
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

function statusLine(link: Link, text: typeof TEXT): string {
  switch (link.status) {
    case "waiting":
      return text.waiting(link.email, formatDateTime(link.sentAt));
    case "opened":
      return text.opened(link.email, formatDateTime(link.openedAt));
    case "expired":
      return text.expired(link.email, formatDateTime(link.expiresAt));
    case "unfinished":
      return text.unfinished(link.email, formatDateTime(link.openedAt));
  }
}
