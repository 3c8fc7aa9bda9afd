/** Sign in, then go back to where the user was (only to a path on this site); says so when a session ended. */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { ApiError, errorMessage } from "../api/client";
import { sessionEndedQuery, useLogin } from "../api/session";
import { LanguageMenu } from "../components/LanguageMenu";
import type { Language } from "../i18n";
import { leaveTo } from "../lib/browser";
import { isPagePath, safeNext } from "../lib/safeNext";

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  // A language picked here, before signing in, is the user's choice: it is stored for them once signed in.
  const [chosen, setChosen] = useState<Language | null>(null);
  const login = useLogin({
    language: chosen,
    mutationConfig: {
      onSuccess: () => {
        const next = safeNext(params.get("next"));
        // The router draws only the page's own paths; a server route (Amazon's Log-in URI, /oauth/…) would be
        // "Not found" there, so the browser loads it.
        if (isPagePath(next)) void navigate(next, { replace: true });
        else leaveTo(next);
      },
    },
  });
  // Asked once, before signing in: the sign-in clears the query cache, and a new session has nothing to say here.
  const sessionEnded = useQuery({ ...sessionEndedQuery, enabled: login.isIdle });
  // Sent here by a 401 on a page of this app (see app.tsx), or the server says the session behind the cookie ended.
  const expired =
    Boolean((location.state as { expired?: boolean } | null)?.expired) || sessionEnded.data === true;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password });
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
