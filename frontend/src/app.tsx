/** The app's query client and the session-expiry hook-up, shared by main.tsx and the tests. */
import { QueryClient } from "@tanstack/react-query";
import { ApiError, setSessionExpiredHandler } from "./api/client";
import { loginPathFor } from "./lib/safeNext";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers will not change by asking again; network and 5xx failures get two more tries.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        staleTime: 10_000,
        refetchOnWindowFocus: false,
      },
    },
  });
}

type Navigator = {
  navigate: (to: string, options: { replace: boolean; state: unknown }) => unknown;
  state: { location: { pathname: string; search: string } };
};

/** On a 401: go to the login page (saying so when a session ended), which brings the user back here afterwards. */
export function connectSessionExpiry(router: Navigator): void {
  setSessionExpiredHandler((ended) => {
    const { pathname, search } = router.state.location;
    if (pathname.startsWith("/login")) return;
    // Cached data stays until the next sign-in clears it, so the page being left can still render meanwhile.
    void router.navigate(loginPathFor(pathname + search), { replace: true, state: { expired: ended } });
  });
}
