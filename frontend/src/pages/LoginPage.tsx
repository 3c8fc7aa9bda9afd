/** Sign in, then go back to where the user was (only to a path on this site); says so when a session ended. */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { api, ApiError, errorMessage, setCsrfToken, unwrap } from "../api/client";
import { keys, storeLanguage } from "../api/queries";
import { LanguageMenu } from "../components/LanguageMenu";
import { applyUserLanguage, type Language } from "../i18n";
import { leaveTo } from "../lib/browser";
import { isPagePath, safeNext } from "../lib/safeNext";

// The code of the server's 401 for a session cookie whose session ended (app/accounts/auth.py).
const SESSION_EXPIRED = "session_expired";

/**
 * Whether the browser still holds the cookie of a session the server has ended: what tells a page reached straight
 * from the server (Amazon's Log-in URI, a reload, a bookmark) from a plain first visit.
 */
const sessionEndedQuery = queryOptions({
  queryKey: ["auth", "session-ended"],
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

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  // A language picked here, before signing in, is the user's choice: it is stored for them once signed in.
  const [chosen, setChosen] = useState<Language | null>(null);
  const login = useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/login", { body: { username, password } })),
    onSuccess: (signedIn) => {
      setCsrfToken(signedIn.csrfToken);
      const user = chosen ? { ...signedIn.user, language: chosen } : signedIn.user;
      // Should storing fail, the page still shows the choice; the next sign-in shows the stored language again.
      if (chosen && chosen !== signedIn.user.language) void storeLanguage(chosen).catch(() => undefined);
      applyUserLanguage(user.language);
      queryClient.clear();
      queryClient.setQueryData(keys.me, { ...signedIn, user });
      const next = safeNext(params.get("next"));
      // The router draws only the page's own paths; a server route (Amazon's Log-in URI, /oauth/…) would be
      // "Not found" there, so the browser loads it.
      if (isPagePath(next)) void navigate(next, { replace: true });
      else leaveTo(next);
    },
  });
  // Asked once, before signing in: the sign-in clears the query cache, and a new session has nothing to say here.
  const sessionEnded = useQuery({ ...sessionEndedQuery, enabled: login.isIdle });
  // Sent here by a 401 on a page of this app (see app.tsx), or the server says the session behind the cookie ended.
  const expired =
    Boolean((location.state as { expired?: boolean } | null)?.expired) || sessionEnded.data === true;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  const error = login.error;
  return (
    <main id="main" className="login-page">
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-title">
        <div style={{ alignSelf: "flex-end" }}>
          <LanguageMenu signedIn={false} onChoose={setChosen} />
        </div>
        <h1 id="login-title">{t("app.name")}</h1>
        <p className="muted">{t("login.intro")}</p>
        {expired && !error && <p className="notice">{t("login.expired")}</p>}
        {error && (
          <p className="error-box" role="alert" id="login-error">
            {error instanceof ApiError && error.status === 401
              ? t("login.wrongCredentials")
              : errorMessage(error)}
          </p>
        )}
        <label htmlFor="username">{t("login.username")}</label>
        <input
          id="username"
          name="username"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="password">{t("login.password")}</label>
        <input
          id="password"
          name="password"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? t("login.signingIn") : t("login.signIn")}
        </button>
      </form>
    </main>
  );
}
