/** The session: who is signed in, signing in and out, and the page language stored for the user. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { applyUserLanguage, type Language } from "../i18n";
import type { MutationConfig } from "../lib/react-query";
import { api, ApiError, setCsrfToken, unwrap, type Schemas } from "./client";
import { keys } from "./keys";

type SignedIn = Schemas["SignedIn"];

// The code of the server's 401 for a session cookie whose session ended (app/accounts/auth.py).
const SESSION_EXPIRED = "session_expired";

export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: async () => {
    const signedIn = await unwrap(api.GET("/api/auth/me"));
    setCsrfToken(signedIn.csrfToken);
    applyUserLanguage(signedIn.user.language);
    return signedIn;
  },
  staleTime: Infinity,
});

/**
 * Whether the browser still holds the cookie of a session the server has ended: what tells a page reached straight
 * from the server (Amazon's Log-in URI, a reload, a bookmark) from a plain first visit.
 */
export const sessionEndedQuery = queryOptions({
  queryKey: keys.sessionEnded,
  queryFn: async () => {
    try {
      await unwrap(api.GET("/api/auth/me"));
      return false;
    } catch (error) {
      return error instanceof ApiError && error.code === SESSION_EXPIRED;
    }
  },
  retry: false,
  staleTime: Infinity,
});

/** Store the page language the signed-in user chose, for all their sessions; answers the user as now stored. */
export function storeLanguage(language: NonNullable<Schemas["CurrentUser"]["language"]>) {
  return unwrap(api.PUT("/api/auth/me/language", { body: { language } }));
}

/** Store the signed-in user's language; the session then holds the user as stored. */
export function useStoreLanguage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: storeLanguage,
    onSuccess: (user) => queryClient.setQueryData<SignedIn>(keys.me, (old) => (old ? { ...old, user } : old)),
  });
}

type Credentials = Schemas["LoginRequest"];

/**
 * Sign in: the new session replaces whatever the cache held. `language`: one picked before signing in, the user's
 * choice: the page shows it and it is stored for them.
 */
export function useLogin({
  language,
  mutationConfig,
}: {
  language: Language | null;
  mutationConfig?: MutationConfig<SignedIn, Credentials>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: (credentials: Credentials) => unwrap(api.POST("/api/auth/login", { body: credentials })),
    onSuccess: (signedIn, ...more) => {
      setCsrfToken(signedIn.csrfToken);
      const user = language ? { ...signedIn.user, language } : signedIn.user;
      // Should storing fail, the page still shows the choice; the next sign-in shows the stored language again.
      if (language && language !== signedIn.user.language)
        void storeLanguage(language).catch(() => undefined);
      applyUserLanguage(user.language);
      queryClient.clear();
      queryClient.setQueryData(keys.me, { ...signedIn, user });
      return onSuccess?.(signedIn, ...more);
    },
  });
}

function logout() {
  return unwrap(api.POST("/api/auth/logout"));
}

/** Sign out: whatever the server answers, this page forgets the session and everything it read. */
export function useLogout({
  mutationConfig,
}: { mutationConfig?: MutationConfig<Awaited<ReturnType<typeof logout>>> } = {}) {
  const queryClient = useQueryClient();
  const { onSettled, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: logout,
    onSettled: (...args) => {
      setCsrfToken(null);
      queryClient.clear();
      return onSettled?.(...args);
    },
  });
}
