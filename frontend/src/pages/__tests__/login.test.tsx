import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { safeNext } from "../../lib/safeNext";
import { fakeApi, reply } from "../../test/api";
import { basics, settings, signedIn } from "../../test/fixtures";
import { renderApp } from "../../test/render";

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

  it("a 401 later on brings the user to the login page with the way back", async () => {
    fakeApi({
      ...basics(),
      "GET /api/companies/1/amazon": reply(401, { error: "not_authenticated", message: "expired" }),
    });
    const { router } = renderApp("/companies/1/amazon");
    await screen.findByRole("button", { name: "Sign in" });
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/companies/1/amazon")}`);
    expect(screen.getByText(/session has expired/)).toBeInTheDocument();
  });
});
