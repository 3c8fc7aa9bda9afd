import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RouteObject } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setCsrfToken } from "../../api/client";
import * as browser from "../../lib/browser";
import { isPagePath, PAGE_PATHS, safeNext } from "../../lib/safeNext";
import { routes } from "../../routes";
import { fakeApi, reply, type FakeApi } from "../../test/api";
import { basics, settings, signedIn } from "../../test/fixtures";
import { renderApp } from "../../test/render";

vi.mock("../../lib/browser", () => ({ leaveTo: vi.fn() }));

const EXPIRED = "Your session expired: sign in again.";
const LOGIN_URI = "/oauth/amazon/login?amazon_callback_uri=x&amazon_state=s&selling_partner_id=A1SELLER";

async function signInAs(username: string) {
  await userEvent.type(await screen.findByLabelText("Username"), username);
  await userEvent.type(screen.getByLabelText("Password"), "secret");
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

/** Until the login page has heard from the server whether the browser's cookie names a session that ended. */
async function checked(api: FakeApi, times = 1) {
  await waitFor(() => expect(api.callsTo("GET /api/auth/me")).toHaveLength(times));
  await new Promise((resolve) => setTimeout(resolve, 50)); // the answer reaches the page on a later tick
}

/** Every path routes.tsx draws (nested paths joined), without the catch-all "Not found". */
function routePaths(list: RouteObject[], parent = ""): string[] {
  return list.flatMap((route) => {
    const here =
      route.path === undefined ? parent : `${parent.replace(/\/$/, "")}/${route.path.replace(/^\//, "")}`;
    const own = route.path === "*" ? [] : route.index || route.path !== undefined ? [here || "/"] : [];
    return [...own, ...routePaths(route.children ?? [], here)];
  });
}

beforeEach(() => {
  setCsrfToken(null); // each test starts as a page just loaded
  vi.mocked(browser.leaveTo).mockClear();
});

describe("signing in", () => {
  it("sends a signed-out visitor to the login page and back to where they were", async () => {
    const api = fakeApi({
      ...basics(),
      "GET /api/auth/me": reply(401, { error: "not_authenticated", message: "Sign in first" }),
      "POST /api/auth/login": signedIn("admin"),
      "GET /api/companies/1/amazon": settings("US"),
    });
    const { router } = renderApp("/companies/1/amazon?tab=x");

    await screen.findByRole("button", { name: "Sign in" });
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/companies/1/amazon?tab=x")}`);

    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "Amazon General Settings" })).toBeInTheDocument();
    expect(router.state.location.pathname + router.state.location.search).toBe("/companies/1/amazon?tab=x");
    expect(api.callsTo("POST /api/auth/login")[0]!.body).toEqual({ username: "admin", password: "secret" });
    expect(screen.getByRole("button", { name: /Ada Admin/ })).toHaveTextContent("Admin");
    expect(browser.leaveTo).not.toHaveBeenCalled();
  });

  it("goes on to a server route (Amazon's Log-in URI) with a full page load, not the page's router", async () => {
    fakeApi({
      "GET /api/auth/me": reply(401, { error: "not_authenticated", message: "Sign in first." }),
      "POST /api/auth/login": signedIn("admin"),
    });
    const { router } = renderApp(`/login?next=${encodeURIComponent(LOGIN_URI)}`);

    await signInAs("admin");

    await waitFor(() => expect(browser.leaveTo).toHaveBeenCalledWith(LOGIN_URI));
    expect(router.state.location.pathname).toBe("/login");
    expect(screen.queryByRole("heading", { name: "Not found" })).not.toBeInTheDocument();
  });

  it("tells the page's own paths from the server's, for every route the page has", () => {
    expect([...PAGE_PATHS].sort()).toEqual(routePaths(routes).sort());
    for (const path of ["/companies", "/companies/7/amazon?edit=abc", "/companies/7/audit", "/admin", "/"]) {
      expect(isPagePath(path), path).toBe(true);
    }
    for (const path of [
      LOGIN_URI,
      "/oauth/amazon/callback?state=s",
      "/api/auth/me",
      "/_sim/amazon/x",
      "/schema",
    ]) {
      expect(isPagePath(path), path).toBe(false);
    }
  });

  it("shows a wrong password as an alert", async () => {
    fakeApi({
      "POST /api/auth/login": reply(401, { error: "not_authenticated", message: "Invalid credentials" }),
    });
    renderApp("/login");
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong username or password.");
  });

  it("shows a refused sign-in with the wait the server states", async () => {
    fakeApi({
      "POST /api/auth/login": reply(429, {
        error: "too_many_requests",
        message: "Too many failed sign-ins for this user; try again in 16 s.",
        fields: {},
      }),
    });
    renderApp("/login");
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many failed sign-ins for this user; try again in 16 s.",
    );
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("only goes back to paths on this site", () => {
    expect(safeNext("/companies/2/amazon?edit=abc")).toBe("/companies/2/amazon?edit=abc");
    expect(safeNext("//evil.example/x")).toBe("/companies");
    expect(safeNext("/\\evil.example")).toBe("/companies");
    expect(safeNext("https://evil.example/")).toBe("/companies");
    expect(safeNext("javascript:alert(1)")).toBe("/companies");
    expect(safeNext(null)).toBe("/companies");
  });

  it("a 401 later on brings the user to the login page with the way back, saying the session expired", async () => {
    fakeApi({
      ...basics(),
      "GET /api/companies/1/amazon": reply(401, { error: "not_authenticated", message: "expired" }),
    });
    const { router } = renderApp("/companies/1/amazon");
    await screen.findByRole("button", { name: "Sign in" });
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/companies/1/amazon")}`);
    expect(screen.getByText(EXPIRED)).toBeInTheDocument();
  });

  it("reached straight from the server with the cookie of an ended session, says the session expired", async () => {
    fakeApi({
      "GET /api/auth/me": reply(401, { error: "session_expired", message: EXPIRED }),
    });
    renderApp(`/login?next=${encodeURIComponent(LOGIN_URI)}`);
    expect(await screen.findByText(EXPIRED)).toBeInTheDocument();
  });

  it("a page reloaded after the session ended sends to the login page saying so", async () => {
    fakeApi({
      ...basics(),
      "GET /api/auth/me": reply(401, { error: "session_expired", message: EXPIRED }),
    });
    const { router } = renderApp("/companies/1/amazon");
    expect(await screen.findByText(EXPIRED)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
  });

  it("a plain first visit to a page does not speak of an expired session", async () => {
    const api = fakeApi({
      "GET /api/auth/me": reply(401, { error: "not_authenticated", message: "Sign in first." }),
    });
    renderApp("/companies/1/amazon");
    await screen.findByRole("button", { name: "Sign in" });
    await checked(api, 2); // the signed-in frame's, then the login page's
    expect(screen.queryByText(EXPIRED)).not.toBeInTheDocument();
  });

  it("a plain first visit to the login page does not speak of an expired session", async () => {
    const api = fakeApi({
      "GET /api/auth/me": reply(401, { error: "not_authenticated", message: "Sign in first." }),
    });
    renderApp("/login");
    await checked(api);
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByText(EXPIRED)).not.toBeInTheDocument();
  });
});
