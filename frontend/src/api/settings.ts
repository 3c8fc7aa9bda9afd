/**
 * A company's Amazon settings: reading them, the marketplaces, the connection test, and the settings draft behind
 * edit mode (begin, change, Save with If-Match, Cancel). Every change and Save carries the draft revision this tab
 * last read, and one draft's writes run one after another (the mutation scope `draft:<id>`).
 */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { MutationConfig } from "../lib/react-query";
import { api, unwrap, type Schemas } from "./client";
import type { Region } from "./companies";
import { invalidate, keys } from "./keys";

type Draft = Schemas["Draft"];
type Changes = Schemas["SettingsChanges"];
type Settings = Schemas["AmazonSettings"];

export const settingsQuery = (id: number) =>
  queryOptions({
    queryKey: keys.settings(id),
    queryFn: () =>
      unwrap(api.GET("/api/companies/{company_id}/amazon", { params: { path: { company_id: id } } })),
  });

export const marketplacesQuery = queryOptions({
  queryKey: keys.marketplaces,
  queryFn: () => unwrap(api.GET("/api/marketplaces")),
  staleTime: Infinity,
});

export const draftQuery = (editId: string) =>
  queryOptions({
    queryKey: keys.draft(editId),
    queryFn: async ({ client, queryKey }) => {
      const read = await unwrap(api.GET("/api/edits/{edit_id}", { params: { path: { edit_id: editId } } }));
      // A draft's revision only goes up: a read that answers after a newer change's answer keeps that one.
      const held = client.getQueryData<typeof read>(queryKey);
      return held && read.status === "open" && held.revision > read.revision ? held : read;
    },
  });

function refreshConnection(companyId: number, region: Region) {
  return unwrap(
    api.POST("/api/companies/{company_id}/amazon/regions/{region}/refresh", {
      params: { path: { company_id: companyId, region } },
    }),
  );
}

/** Test a region's connection (and refresh its access token); the settings and the lists show the new status. */
export function useRefreshConnection({
  companyId,
  mutationConfig,
}: {
  companyId: number;
  mutationConfig?: MutationConfig<Awaited<ReturnType<typeof refreshConnection>>, Region>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: (region: Region) => refreshConnection(companyId, region),
    onSuccess: (...args) => {
      void onSuccess?.(...args);
      void invalidate.settings(queryClient, companyId);
      void invalidate.companies(queryClient);
    },
  });
}

const draftScope = (editId: string | null) => ({ id: `draft:${editId ?? ""}` });

/** Begin editing the company's settings: the draft the server opened is the one shown. */
export function useBeginDraft({
  companyId,
  mutationConfig,
}: {
  companyId: number;
  mutationConfig?: MutationConfig<Draft>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: () =>
      unwrap(
        api.POST("/api/companies/{company_id}/amazon/edits", { params: { path: { company_id: companyId } } }),
      ),
    onSuccess: (started, ...more) => {
      queryClient.setQueryData(keys.draft(started.id), started);
      return onSuccess?.(started, ...more);
    },
  });
}

/** Send changed fields to the open draft (`draft`, of edit `editId`); the draft the server answers is shown. */
export function useChangeDraft({
  editId,
  draft,
  mutationConfig,
}: {
  editId: string | null;
  draft: Draft | null;
  mutationConfig?: MutationConfig<Draft, Changes>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    scope: draftScope(editId),
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
    onSuccess: (updated, ...more) => {
      queryClient.setQueryData(keys.draft(updated.id), updated);
      return onSuccess?.(updated, ...more);
    },
  });
}

/**
 * Save the draft over the version it was begun on. `confirmSellerChange` and `confirmGrantVerdict`: the regions
 * whose different seller, or doubted token, the user confirmed (sent for those the draft still holds).
 */
export function useSaveDraft({
  companyId,
  editId,
  confirmSellerChange,
  confirmGrantVerdict,
  mutationConfig,
}: {
  companyId: number;
  editId: string | null;
  confirmSellerChange: Region[];
  confirmGrantVerdict: Region[];
  mutationConfig?: MutationConfig<Settings, Draft>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    scope: draftScope(editId),
    mutationFn: async (current: Draft) => {
      const revision = await shownRevision(queryClient, current.id, current.revision);
      return unwrap(
        api.POST("/api/edits/{edit_id}/save", {
          params: { path: { edit_id: current.id }, header: { "If-Match": `"${current.baseVersion}"` } },
          body: {
            revision,
            confirmSellerChange: confirmSellerChange.filter((r) =>
              current.pendingGrants.some((g) => g.region === r),
            ),
            ...confirmedVerdicts(current, confirmGrantVerdict),
          },
        }),
      );
    },
    onSuccess: (saved, ...more) => {
      queryClient.setQueryData(keys.settings(companyId), saved);
      void invalidate.companies(queryClient);
      void invalidate.timeline(queryClient);
      void invalidate.audit(queryClient, companyId);
      void invalidate.company(queryClient, companyId);
      return onSuccess?.(saved, ...more);
    },
  });
}

/** Discard a draft (its changes and the tokens waiting in it). */
export function discardDraft(editId: string) {
  return unwrap(api.DELETE("/api/edits/{edit_id}", { params: { path: { edit_id: editId } } }));
}

export function useCancelDraft({
  mutationConfig,
}: { mutationConfig?: MutationConfig<Awaited<ReturnType<typeof discardDraft>>, string> } = {}) {
  return useMutation({
    ...mutationConfig,
    mutationFn: (editId: string) => discardDraft(editId),
  });
}

/** Forget what this tab holds of the draft and read it afresh (after another tab changed it). */
export function rereadDraft(queryClient: QueryClient, editId: string) {
  return queryClient.resetQueries({ queryKey: keys.draft(editId) });
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
