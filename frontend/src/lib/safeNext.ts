/** Where to go after signing in: only a path on this site, never another origin; the page's own or the server's. */
import { matchPath } from "react-router";

export const HOME = "/companies";

/**
 * The paths the page draws itself (routes.tsx; a test keeps the two lists equal). Any other path of this site is
 * the server's (/oauth/…, /api/…, Amazon's Log-in URI): the browser must load it, the page's router cannot.
 */
export const PAGE_PATHS = [
  "/",
  "/login",
  "/companies",
  "/companies/:companyId/amazon",
  "/companies/:companyId/audit",
  "/admin",
] as const;

export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return HOME;
  if ([...next].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return HOME;
  try {
    const origin = window.location.origin;
    const url = new URL(next, origin);
    if (url.origin !== origin) return HOME;
    if (url.pathname === "/login") return HOME;
    return url.pathname + url.search + url.hash;
  } catch {
    return HOME;
  }
}

/** Whether a path of this site (as safeNext returns it) is one of the page's own, reached without a reload. */
export function isPagePath(path: string): boolean {
  const { pathname } = new URL(path, window.location.origin);
  return PAGE_PATHS.some((pattern) => matchPath(pattern, pathname) !== null);
}

export function loginPathFor(here: string): string {
  return here === "/" || here.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}
