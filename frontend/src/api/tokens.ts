/**
 * Getting a region's token into a settings draft: Amazon's consent started from this page, or an authorization
 * link e-mailed to the account holder (sent, resent, withdrawn). Either token arrives in the draft.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { MutationConfig } from "../lib/react-query";
import { api, unwrap, type Schemas } from "./client";
import type { Region } from "./companies";
import { invalidate } from "./keys";

type Link = Schemas["ConsentLinkSent"];

/**
 * Start Amazon's consent for a region of the draft; answers the consent URL. `marketplaceId`: the country whose
 * Central site it opens on (the server's choice if left out).
 */
export function authorizeRegion(editId: string, region: Region, marketplaceId?: string) {
  return unwrap(
    api.POST("/api/edits/{edit_id}/regions/{region}/authorize", {
      params: { path: { edit_id: editId, region } },
      body: marketplaceId ? { marketplaceId } : {},
    }),
  );
}

type ConsentLinkRequest = { email: string; marketplaceId?: string };

/** E-mail the region's authorization link to the account holder; the mutation ends once the draft is read again. */
export function useSendConsentLink({
  editId,
  region,
  mutationConfig,
}: {
  editId: string;
  region: Region;
  mutationConfig?: MutationConfig<Link, ConsentLinkRequest>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: ({ email, marketplaceId }: ConsentLinkRequest) =>
      unwrap(
        api.POST("/api/edits/{edit_id}/regions/{region}/consent-links", {
          params: { path: { edit_id: editId, region } },
          body: { email, ...(marketplaceId ? { marketplaceId } : {}) },
        }),
      ),
    onSuccess: (...args) => {
      void onSuccess?.(...args);
      return invalidate.draft(queryClient, editId);
    },
  });
}

function resendConsentLink(editId: string, link: Pick<Link, "id">) {
  return unwrap(
    api.POST("/api/edits/{edit_id}/consent-links/{link_id}/resend", {
      params: { path: { edit_id: editId, link_id: link.id } },
    }),
  );
}

/** Send the waiting link again; the mutation ends once the draft is read again. */
export function useResendConsentLink({ editId }: { editId: string }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (link: Pick<Link, "id">) => resendConsentLink(editId, link),
    onSuccess: () => invalidate.draft(queryClient, editId),
  });
}

function withdrawConsentLink(editId: string, link: Pick<Link, "id">) {
  return unwrap(
    api.DELETE("/api/edits/{edit_id}/consent-links/{link_id}", {
      params: { path: { edit_id: editId, link_id: link.id } },
    }),
  );
}

/** Withdraw the link (it no longer opens Amazon's consent); the mutation ends once the draft is read again. */
export function useWithdrawConsentLink({
  editId,
  mutationConfig,
}: {
  editId: string;
  mutationConfig?: MutationConfig<Awaited<ReturnType<typeof withdrawConsentLink>>, Pick<Link, "id">>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: (link: Pick<Link, "id">) => withdrawConsentLink(editId, link),
    onSuccess: (...args) => {
      void onSuccess?.(...args);
      return invalidate.draft(queryClient, editId);
    },
  });
}
