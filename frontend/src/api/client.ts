/** The one API client: generated types, same-origin cookies, the CSRF header, and "session expired" on 401. */
import i18n from "i18next";
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type ErrorBody = Schemas["ErrorBody"];

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const NO_EXPIRY_REDIRECT = ["/api/auth/login", "/api/auth/logout"];

let csrfToken: string | null = null;
// Whether this page had a session (from a sign-in or /api/auth/me) since it loaded or was signed out: a 401 then
// means that session ended, not that there never was one.
let hadSession = false;
let onSessionExpired: ((ended: boolean) => void) | null = null;
let expired = false;

/** True between a 401 and the next sign-in: pages let the user leave without asking about unsaved changes. */
export function sessionHasExpired(): boolean {
  return expired;
}

/** Remember the session's CSRF token (from login or /api/auth/me); null after sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
  hadSession = token !== null;
  if (token) expired = false;
}

/**
 * Called once by the app with what to do when the server answers 401 (go to the login page); `ended` is true when
 * this page had a session, false when there never was one (the login page asks the server about a cookie it holds).
 */
export function setSessionExpiredHandler(handler: ((ended: boolean) => void) | null): void {
  onSessionExpired = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && csrfToken) {
      request.headers.set("X-CSRF-Token", csrfToken);
    }
    return request;
  },
  onResponse({ request, response }) {
    const path = new URL(request.url).pathname;
    if (response.status === 401 && !NO_EXPIRY_REDIRECT.includes(path)) {
      csrfToken = null;
      expired = true;
      onSessionExpired?.(hadSession);
    }
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  credentials: "same-origin",
  // Looked up on every call, so that tests can replace fetch after this module was loaded.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(session);

/** An answer other than 2xx, with the server's error body (message and per-field errors). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;

  constructor(status: number, body: Partial<ErrorBody> | undefined) {
    super(body?.message || i18n.t("errors.serverAnswered", { status }));
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error ?? "error";
    this.fields = body?.fields ?? {};
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a 2xx answer; anything else throws ApiError. Network failures throw a readable Error. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (cause) {
    throw new Error(i18n.t("errors.unreachable"), { cause });
  }
  if (!answer.response.ok) {
    const body =
      typeof answer.error === "object" && answer.error !== null ? (answer.error as ErrorBody) : undefined;
    throw new ApiError(answer.response.status, body);
  }
  return answer.data as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return i18n.t("errors.somethingWentWrong");
}

export function fieldErrors(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fields : {};
}
