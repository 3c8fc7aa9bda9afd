/** Where to go after signing in: only a path on this site, never another origin. */
export const HOME = "/companies";

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

export function loginPathFor(here: string): string {
  return here === "/" || here.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}
