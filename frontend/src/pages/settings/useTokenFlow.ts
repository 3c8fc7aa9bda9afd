/**
 * "Get Selling Partner API token": the pop-up opens synchronously on the click (so browsers allow it), then gets
 * the consent URL. A blocked pop-up falls back to the same tab; the pop-up reports back with postMessage.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Region } from "../../api/companies";
import { invalidate } from "../../api/keys";
import { authorizeRegion } from "../../api/tokens";
import { leaveTo } from "../../lib/browser";

export type TokenMessage = {
  type: "amazon-token";
  editId: string;
  companyId: number;
  region: Region;
  sellingPartnerId: string;
  sellerChanged: boolean;
};

function isTokenMessage(data: unknown): data is TokenMessage {
  return (
    typeof data === "object" &&
    data !== null &&
    (data as { type?: unknown }).type === "amazon-token" &&
    typeof (data as { editId?: unknown }).editId === "string"
  );
}

export function useTokenFlow(editId: string | null, beforeLeaving: () => void) {
  const queryClient = useQueryClient();
  const [blocked, setBlocked] = useState<Region | null>(null);
  // The country chosen for the blocked pop-up's region, for the same-tab flow.
  const blockedMarketplace = useRef<string | undefined>(undefined);
  const [error, setError] = useState<{ region: Region; message: string } | null>(null);
  const [starting, setStarting] = useState<Region | null>(null);
  const editIdRef = useRef(editId);
  useEffect(() => {
    editIdRef.current = editId;
  }, [editId]);

  const refetchDraft = useCallback((id: string) => invalidate.draft(queryClient, id), [queryClient]);

  /** Must run inside the click handler: window.open is only allowed synchronously on a user action. */
  const start = (region: Region, marketplaceId?: string) => {
    if (!editId) return;
    setError(null);
    setBlocked(null);
    const popup = window.open("about:blank", "amazon-consent", "popup,width=720,height=760");
    if (!popup) {
      blockedMarketplace.current = marketplaceId;
      setBlocked(region);
      return;
    }
    setStarting(region);
    authorizeRegion(editId, region, marketplaceId)
      .then((started) => {
        popup.location.href = started.consentUrl;
        void refetchDraft(editId);
      })
      .catch((cause: unknown) => {
        popup.close();
        setError({ region, message: cause instanceof Error ? cause.message : String(cause) });
      })
      .finally(() => setStarting(null));
  };

  /** The same-tab flow: Amazon's callback brings the browser back to this draft (?edit=…). */
  const continueInTab = async () => {
    if (!editId || !blocked) return;
    setStarting(blocked);
    try {
      const started = await authorizeRegion(editId, blocked, blockedMarketplace.current);
      beforeLeaving();
      leaveTo(started.consentUrl);
    } catch (cause) {
      setError({ region: blocked, message: cause instanceof Error ? cause.message : String(cause) });
    } finally {
      setStarting(null);
    }
  };

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || !isTokenMessage(event.data)) return;
      void refetchDraft(event.data.editId);
      if (editIdRef.current && editIdRef.current !== event.data.editId) void refetchDraft(editIdRef.current);
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [refetchDraft]);

  return {
    start,
    continueInTab,
    blocked,
    dismissBlocked: () => setBlocked(null),
    error,
    starting,
  };
}
