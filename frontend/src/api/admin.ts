/** Admin: the app's SP-API credentials (changed through a server-side draft), the users, and the mail outbox. */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { MutationConfig } from "../lib/react-query";
import { api, unwrap, type Schemas } from "./client";
import { invalidate, keys } from "./keys";

type CredentialsDraft = Schemas["CredentialsDraft"];
type CredentialsChanges = Schemas["CredentialsChanges"];
type UserCreate = Schemas["UserCreate"];

export const appCredentialsQuery = queryOptions({
  queryKey: keys.appCredentials,
  queryFn: () => unwrap(api.GET("/api/integration-credentials")),
});

export const credentialsDraftQuery = (editId: string) =>
  queryOptions({
    queryKey: keys.credentialsDraft(editId),
    queryFn: () =>
      unwrap(
        api.GET("/api/integration-credentials/edits/{edit_id}", { params: { path: { edit_id: editId } } }),
      ),
  });

/** A closed credentials draft is dropped from the cache (the list is read again: `invalidate.appCredentials`). */
export function forgetCredentialsDraft(queryClient: QueryClient, editId: string) {
  queryClient.removeQueries({ queryKey: keys.credentialsDraft(editId) });
}

/** Begin editing one set of app credentials: the draft the server opened is the one shown. */
export function useBeginCredentialsDraft({
  accountType,
  environment,
  mutationConfig,
}: {
  accountType: Schemas["AppCredentials"]["accountType"];
  environment: Schemas["AppCredentials"]["environment"];
  mutationConfig?: MutationConfig<CredentialsDraft>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: () =>
      unwrap(
        api.POST("/api/integration-credentials/{account_type}/{environment}/edits", {
          params: { path: { account_type: accountType, environment } },
        }),
      ),
    onSuccess: (draft, ...more) => {
      queryClient.setQueryData(keys.credentialsDraft(draft.id), draft);
      return onSuccess?.(draft, ...more);
    },
  });
}

/** Put changed fields into the credentials draft; the draft the server answers is the one shown. */
export function useChangeCredentialsDraft({
  editId,
  mutationConfig,
}: {
  editId: string;
  mutationConfig?: MutationConfig<CredentialsDraft, CredentialsChanges>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: (changes: CredentialsChanges) =>
      unwrap(
        api.PATCH("/api/integration-credentials/edits/{edit_id}", {
          params: { path: { edit_id: editId } },
          body: changes,
        }),
      ),
    onSuccess: (draft, ...more) => {
      queryClient.setQueryData(keys.credentialsDraft(draft.id), draft);
      return onSuccess?.(draft, ...more);
    },
  });
}

function saveCredentialsDraft(editId: string, baseVersion: number) {
  return unwrap(
    api.POST("/api/integration-credentials/edits/{edit_id}/save", {
      params: { path: { edit_id: editId }, header: { "If-Match": `"${baseVersion}"` } },
    }),
  );
}

/** Save the credentials draft over the version it was begun on (a newer one is a 409). */
export function useSaveCredentialsDraft({
  editId,
  baseVersion,
  mutationConfig,
}: {
  editId: string;
  baseVersion: number;
  mutationConfig?: MutationConfig<Awaited<ReturnType<typeof saveCredentialsDraft>>>;
}) {
  return useMutation({
    ...mutationConfig,
    mutationFn: () => saveCredentialsDraft(editId, baseVersion),
  });
}

function discardCredentialsDraft(editId: string) {
  return unwrap(
    api.DELETE("/api/integration-credentials/edits/{edit_id}", {
      params: { path: { edit_id: editId } },
    }),
  );
}

export function useCancelCredentialsDraft({
  editId,
  mutationConfig,
}: {
  editId: string;
  mutationConfig?: MutationConfig<Awaited<ReturnType<typeof discardCredentialsDraft>>>;
}) {
  return useMutation({
    ...mutationConfig,
    mutationFn: () => discardCredentialsDraft(editId),
  });
}

export const usersQuery = queryOptions({
  queryKey: keys.users,
  queryFn: () => unwrap(api.GET("/api/users")),
});

function createUser(user: UserCreate) {
  return unwrap(api.POST("/api/users", { body: user }));
}

export function useCreateUser({
  mutationConfig,
}: { mutationConfig?: MutationConfig<Awaited<ReturnType<typeof createUser>>, UserCreate> } = {}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: createUser,
    onSuccess: (...args) => {
      void onSuccess?.(...args);
      void invalidate.users(queryClient);
    },
  });
}

function deactivateUser(id: number) {
  return unwrap(api.POST("/api/users/{user_id}/deactivate", { params: { path: { user_id: id } } }));
}

export function useDeactivateUser({
  mutationConfig,
}: { mutationConfig?: MutationConfig<Awaited<ReturnType<typeof deactivateUser>>, number> } = {}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: deactivateUser,
    onSuccess: (...args) => {
      void onSuccess?.(...args);
      void invalidate.users(queryClient);
    },
  });
}

export const OUTBOX_PAGE_SIZE = 50;

export const outboxQuery = (offset: number) =>
  queryOptions({
    queryKey: keys.outbox(offset),
    queryFn: () => unwrap(api.GET("/api/outbox", { params: { query: { limit: OUTBOX_PAGE_SIZE, offset } } })),
  });
