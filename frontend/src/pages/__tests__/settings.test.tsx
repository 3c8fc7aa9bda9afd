import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import * as browser from "../../lib/browser";
import { fakeApi, reply } from "../../test/api";
import { basics, draft, settings } from "../../test/fixtures";
import { renderApp } from "../../test/render";

vi.mock("../../lib/browser", () => ({ leaveTo: vi.fn() }));

const EDIT = draft().id;
const CONSENT = "http://localhost:3000/_sim/amazon/consent?state=abc";

function setup(role: "admin" | "support" | "viewer" = "admin") {
  return fakeApi({
    ...basics(role),
    "GET /api/companies/1/amazon": settings("US"),
    "GET /api/companies/2/amazon": settings("CA"),
    "POST /api/companies/1/amazon/edits": reply(201, draft()),
    "GET /api/edits/:id": draft(),
    "POST /api/edits/:id/regions/:region/authorize": (call) => ({
      region: call.params.region,
      consentUrl: CONSENT,
      expiresAt: "2026-11-23T09:10:00Z",
    }),
  });
}

async function openMenu(region: string) {
  await userEvent.click(await screen.findByRole("button", { name: `${region} actions` }));
  return screen.getByRole("menu", { name: `${region} actions` });
}

describe("settings page", () => {
  it("edits, marks the changed field, and saves with If-Match and the draft's revision", async () => {
    const api = setup();
    api.on("PATCH /api/edits/:id", (call) => {
      const { revision, ...body } = call.body as { orderImportEnabled: boolean; revision: number };
      return draft({
        changes: body,
        values: { ...draft().values, orderImportEnabled: body.orderImportEnabled },
        revision: revision + 1,
      });
    });
    api.on("POST /api/edits/:id/save", settings("US", { version: 4 }));
    const { router } = renderApp("/companies/1/amazon");

    expect(await screen.findByRole("heading", { name: "Amazon General Settings" })).toBeInTheDocument();
    expect(await screen.findByText("Acme US")).toBeInTheDocument();
    const na = screen.getByRole("region", { name: "NA credentials" });
    expect(na).toHaveTextContent("active");
    expect(na).toHaveTextContent("A1SELLER");

    await userEvent.click(screen.getByRole("button", { name: "Edit" }));
    const orderImport = await screen.findByLabelText("Order import");
    expect(router.state.location.search).toBe(`?edit=${EDIT}`);
    expect(orderImport.closest(".edit-field")).not.toHaveTextContent("changed");

    await userEvent.click(orderImport);
    await waitFor(() => expect(orderImport.closest(".edit-field")).toHaveTextContent("changed"));
    expect(orderImport.closest(".edit-field")).toHaveClass("changed");
    expect(api.callsTo("PATCH /api/edits/:id")[0]!.body).toEqual({ orderImportEnabled: false, revision: 1 });
    expect(api.callsTo("PATCH /api/edits/:id")[0]!.headers.get("X-CSRF-Token")).toBe("csrf-123");

    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/Saved\. The settings are now at version 4/);
    const save = api.callsTo("POST /api/edits/:id/save")[0]!;
    expect(save.headers.get("If-Match")).toBe('"3"');
    expect(save.body).toEqual({ revision: 2, confirmSellerChange: [] });
    expect(save.headers.get("X-CSRF-Token")).toBe("csrf-123");
    expect(await screen.findByRole("button", { name: "Edit" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("");
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
  });

  it("shows a field error from the server next to the field", async () => {
    const api = setup();
    api.on(
      "PATCH /api/edits/:id",
      reply(400, {
        error: "bad_input",
        message: "Invalid request",
        fields: { notificationEmail: "not an e-mail address" },
      }),
    );
    renderApp(`/companies/1/amazon?edit=${EDIT}`);
    const email = await screen.findByLabelText("Notification e-mail");
    await userEvent.clear(email);
    await userEvent.type(email, "nope{Enter}");
    expect(await screen.findByText("not an e-mail address")).toBeInTheDocument();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("not an e-mail address");
  });

  it("opens the pop-up on the click, then sends it to Amazon's consent page", async () => {
    setup();
    const popup = { location: { href: "about:blank" }, close: vi.fn() };
    const open = vi.spyOn(window, "open").mockReturnValue(popup as unknown as Window);
    renderApp(`/companies/1/amazon?edit=${EDIT}`);
    await screen.findByRole("button", { name: "Save" });
    const menu = await openMenu("NA");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Get Selling Partner API token" }));
    expect(open).toHaveBeenCalledWith("about:blank", "amazon-consent", "popup,width=720,height=760");
    await waitFor(() => expect(popup.location.href).toBe(CONSENT));
  });

  it("falls back to this tab when the pop-up is blocked", async () => {
    const api = setup();
    vi.spyOn(window, "open").mockReturnValue(null);
    renderApp(`/companies/1/amazon?edit=${EDIT}`);
    await screen.findByRole("button", { name: "Save" });
    const menu = await openMenu("NA");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Get Selling Partner API token" }));
    expect(await screen.findByText("Your browser blocked the pop-up window.")).toBeInTheDocument();
    expect(api.callsTo("POST /api/edits/:id/regions/:region/authorize")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Continue in this tab" }));
    await waitFor(() => expect(browser.leaveTo).toHaveBeenCalledWith(CONSENT));
    expect(api.callsTo("POST /api/edits/:id/regions/:region/authorize")[0]!.path).toBe(
      `/api/edits/${EDIT}/regions/NA/authorize`,
    );
  });

  it("ignores token messages from other origins and refetches the draft on ours", async () => {
    const api = setup();
    renderApp(`/companies/1/amazon?edit=${EDIT}`);
    await screen.findByRole("button", { name: "Save" });
    const before = api.callsTo("GET /api/edits/:id").length;
    api.on(
      "GET /api/edits/:id",
      draft({
        // The token landed in the draft: its revision went up, and Save must carry the new one.
        revision: 2,
        pendingGrants: [
          {
            region: "NA",
            sellingPartnerId: "A2NEWSELLER",
            tokenFingerprint: "abcd",
            obtainedAt: "2026-11-23T09:05:00Z",
            sellerChanged: true,
          },
        ],
      }),
    );
    const data = {
      type: "amazon-token",
      editId: EDIT,
      companyId: 1,
      region: "NA",
      sellingPartnerId: "A2NEWSELLER",
      sellerChanged: true,
    };

    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: "https://evil.example", data }));
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(api.callsTo("GET /api/edits/:id")).toHaveLength(before);
    expect(screen.queryByText(/New token for NA/)).not.toBeInTheDocument();

    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, data }));
    });
    expect(
      await screen.findByText(/^New token for NA \(seller A2NEWSELLER\) received — Save to store it/),
    ).toBeInTheDocument();
    expect(api.callsTo("GET /api/edits/:id").length).toBeGreaterThan(before);

    // A different seller must be confirmed before Save.
    const save = screen.getByRole("button", { name: "Save" });
    expect(save).toBeDisabled();
    await userEvent.click(screen.getByLabelText("I confirm the new seller account for NA"));
    expect(save).toBeEnabled();
    api.on("POST /api/edits/:id/save", settings("US", { version: 4 }));
    await userEvent.click(save);
    await waitFor(() => expect(api.callsTo("POST /api/edits/:id/save")).toHaveLength(1));
    expect(api.callsTo("POST /api/edits/:id/save")[0]!.body).toEqual({
      revision: 2,
      confirmSellerChange: ["NA"],
    });
  });

  it("on a 409 says who saved when, and Reload discards the stale draft", async () => {
    const api = setup();
    api.on(
      "POST /api/edits/:id/save",
      reply(409, {
        error: "stale_version",
        message:
          "Bob Admin saved these settings at 2026-11-23 09:30:00 UTC (version 4) after your draft started from version 3. Reload to see their changes, then edit again.",
        fields: { "If-Match": "current version is 4" },
      }),
    );
    api.on("DELETE /api/edits/:id", reply(204));
    const { router } = renderApp(`/companies/1/amazon?edit=${EDIT}`);
    await userEvent.click(await screen.findByRole("button", { name: "Save" }));
    const alert = await screen.findByText(/Bob Admin saved these settings at 2026-11-23 09:30:00/);
    expect(alert).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Reload" }));
    await screen.findByRole("button", { name: "Edit" });
    expect(api.callsTo("DELETE /api/edits/:id")).toHaveLength(1);
    expect(router.state.location.search).toBe("");
  });

  it("asks before discarding a pending token on Cancel", async () => {
    const api = setup();
    api.on(
      "GET /api/edits/:id",
      draft({
        pendingGrants: [
          {
            region: "NA",
            sellingPartnerId: "A1SELLER",
            tokenFingerprint: "abcd",
            obtainedAt: "2026-11-23T09:05:00Z",
            sellerChanged: false,
          },
        ],
      }),
    );
    api.on("DELETE /api/edits/:id", reply(204));
    renderApp(`/companies/1/amazon?edit=${EDIT}`);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    const dialog = screen.getByRole("dialog", { name: "Discard the new token for NA?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Discard" }));
    await screen.findByRole("button", { name: "Edit" });
    expect(api.callsTo("DELETE /api/edits/:id")).toHaveLength(1);
  });

  it("shows a viewer no Edit button and no actions menus", async () => {
    setup("viewer");
    renderApp("/companies/1/amazon");
    expect(await screen.findByRole("region", { name: "NA credentials" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /actions$/ })).not.toBeInTheDocument();
  });

  it("on a unified member: inherited values, Get disabled with the reason, Refresh runs on the owner", async () => {
    const api = setup("support");
    api.on("POST /api/companies/:id/amazon/regions/:region/refresh", {
      verdict: "ok",
      message: "Connected: Amazon answered for US-01 in NA.",
      action: null,
      checkedAt: "2026-11-23T09:00:00Z",
      region: "NA",
      ranOn: { id: 1, code: "US-01" },
      ranOnOwner: true,
      marketplacesSeen: ["ATVPDKIKX0DER"],
      warnings: [],
    });
    renderApp("/companies/2/amazon");
    const na = await screen.findByRole("region", { name: "NA credentials" });
    expect(within(na).getByText(/inherited from/)).toHaveTextContent("inherited from US-01");
    expect(screen.queryByRole("button", { name: "Edit" })).not.toBeInTheDocument();

    const menu = await openMenu("NA");
    const get = within(menu).getByRole("menuitem", { name: "Get Selling Partner API token" });
    expect(get).toHaveAttribute("aria-disabled", "true");
    expect(get).toHaveTextContent("CA-01 uses US-01's account: get the token on US-01");
    expect(within(menu).getByRole("menuitem", { name: "Open US-01" })).toHaveAttribute(
      "href",
      "/companies/1/amazon",
    );

    await userEvent.click(
      within(menu).getByRole("menuitem", { name: "Refresh Selling Partner API Access Token" }),
    );
    const status = await within(na).findByText("Connection OK");
    const box = status.closest('[role="status"]')!;
    expect(box).toHaveTextContent("ran on US-01");
    expect(api.callsTo("POST /api/companies/:id/amazon/regions/:region/refresh")[0]!.path).toBe(
      "/api/companies/2/amazon/regions/NA/refresh",
    );
  });

  it("a test refused for Amazon's quota says when the next can run and shows the last result", async () => {
    const api = setup("support");
    api.on("POST /api/companies/:id/amazon/regions/:region/refresh", {
      verdict: "quota_exhausted",
      message:
        "Amazon allows about one test a minute for this seller; the next can run at 09:01:09 UTC (in 69 s).",
      action: null,
      checkedAt: "2026-11-23T09:00:00Z",
      region: "NA",
      ranOn: { id: 1, code: "US-01" },
      ranOnOwner: false,
      marketplacesSeen: [],
      warnings: [],
      nextTestAt: "2026-11-23T09:01:09Z",
      lastResult: {
        checkedAt: "2026-11-23T08:59:00Z",
        result: "ok",
        errorCode: null,
        errorMessage: null,
      },
    });
    renderApp("/companies/1/amazon");
    const na = await screen.findByRole("region", { name: "NA credentials" });
    const menu = await openMenu("NA");
    await userEvent.click(
      within(menu).getByRole("menuitem", { name: "Refresh Selling Partner API Access Token" }),
    );
    const box = (await within(na).findByText(/quota is used up/)).closest('[role="status"]')!;
    expect(box).toHaveTextContent("Next test possible at");
    expect(box).toHaveTextContent("09:01:09");
    expect(box).toHaveTextContent(/Last result: Connection OK/);
  });

  it("the actions menu works with the keyboard", async () => {
    setup("admin");
    renderApp("/companies/1/amazon");
    // NA: connected, so Refresh can be chosen (on a region not connected it is disabled too).
    const button = await screen.findByRole("button", { name: "NA actions" });
    button.focus();
    await userEvent.keyboard("{Enter}");
    const menu = screen.getByRole("menu", { name: "NA actions" });
    const items = within(menu).getAllByRole("menuitem");
    // The first item that can be chosen gets the focus; the disabled one stays reachable with its reason.
    expect(items[1]).toHaveFocus();
    expect(items[1]).toHaveAccessibleName("Refresh Selling Partner API Access Token");
    await userEvent.keyboard("{ArrowDown}");
    expect(items[0]).toHaveFocus();
    expect(items[0]).toHaveAccessibleDescription("Click Edit first");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });
});
