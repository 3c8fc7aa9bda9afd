/** Sign in, then go back to where the user was (only to a path on this site). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { api, ApiError, errorMessage, setCsrfToken, unwrap } from "../api/client";
import { keys } from "../api/queries";
import { safeNext } from "../lib/safeNext";

export function LoginPage() {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const expired = Boolean((location.state as { expired?: boolean } | null)?.expired);
  const login = useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/login", { body: { username, password } })),
    onSuccess: (signedIn) => {
      setCsrfToken(signedIn.csrfToken);
      queryClient.clear();
      queryClient.setQueryData(keys.me, signedIn);
      void navigate(safeNext(params.get("next")), { replace: true });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  const error = login.error;
  return (
    <main id="main" className="login-page">
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-title">
        <h1 id="login-title">ERP Settings</h1>
        <p className="muted">Sign in to manage your companies' Amazon settings.</p>
        {expired && !error && <p className="notice">Your session has expired. Sign in again to continue.</p>}
        {error && (
          <p className="error-box" role="alert" id="login-error">
            {error instanceof ApiError && error.status === 401
              ? "Wrong username or password."
              : errorMessage(error)}
          </p>
        )}
        <label htmlFor="username">Username</label>
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
        <label htmlFor="password">Password</label>
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
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
