import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi } from "../../test/api";
import { basics, draft, marketplaces, settings } from "../../test/fixtures";
import { renderApp } from "../../test/render";

vi.mock("../../lib/browser", () => ({ leaveTo: vi.fn() }));

const EDIT = draft().id;
const AU = "A39IBJ37TRP1C6";
const CATALOGUE: Schemas["MarketplaceInfo"][] = [
  ...marketplaces,
  { id: "A19VAU5U5O7RUS", region: "FE", countryCode: "SG", name: "Singapore" },
  { id: AU, region: "FE", countryCode: "AU", name: "Australia" },
  { id: "A1VC38T7YXB528", region: "FE", countryCode: "JP", name: "Japan" },
];

function grant(verdict: Schemas["GrantVerdict"] | null): Schemas["PendingGrant"] {
  return {
    region: "NA",
    sellingPartnerId: "A1SIMEUSELLER1",
    tokenFingerprint: "abcd",
    obtainedAt: "2026-11-23T09:05:00Z",
    sellerChanged: false,
    verdict,
  };
}

const WRONG_REGION: Schemas["GrantVerdict"] = {
  kind: "wrong_region_or_role",
  message:
    "Amazon refused this token in NA: the account you logged in to is probably in another region, or the app lacks the role. Get the token again, logging in to Seller Central for NA.",
  needsConfirmation: true,
  testedAt: "2026-11-23T09:05:00Z",
  marketplacesSeen: [],
};

function setup(role: "admin" | "support" = "admin", pending: Schemas["PendingGrant"][] = []) {
  return fakeApi({
    ...basics(role),
    "GET /api/marketplaces": CATALOGUE,
    "GET /api/companies/1/amazon": settings("US"),
    "GET /api/edits/:id": draft({ pendingGrants: pending }),
    "POST /api/edits/:id/regions/:region/authorize": (call) => ({
      region: call.params.region,
      consentUrl: `http://localhost:3000/_sim/amazon/central/x/apps/authorize/consent?r=${call.params.region}`,
      expiresAt: "2026-11-23T09:10:00Z",
    }),
    "POST /api/edits/:id/save": settings("US", { version: 4 }),
  });
}

async function chooseAction(region: string, action: string) {
  await userEvent.click(await screen.findByRole("button", { name: `${region} actions` }));
  const menu = screen.getByRole("menu", { name: `${region} actions` });
  await userEvent.click(within(menu).getByRole("menuitem", { name: action }));
}

describe("credentials panel", () => {
  it("shows Amazon's refusal of a new token in plain words, and Save waits for the confirmation", async () => {
    const api = setup("admin", [grant(WRONG_REGION)]);
    renderApp(`/companies/1/amazon?edit=${EDIT}`);

    const na = await screen.findByRole("region", { name: "NA credentials" });
    expect(await within(na).findByText(WRONG_REGION.message)).toBeInTheDocument();
    expect(na).not.toHaveTextContent("wrong_region_or_role");
    const save = screen.getByRole("button", { name: "Save" });
    expect(save).toBeDisabled();
    expect(save).toHaveAccessibleDescription(/Amazon's test doubts the new token for NA/);

    await userEvent.click(within(na).getByLabelText("Save this token for NA anyway"));
    expect(save).toBeEnabled();
    await userEvent.click(save);
    await waitFor(() => expect(api.callsTo("POST /api/edits/:id/save")).toHaveLength(1));
    expect(api.callsTo("POST /api/edits/:id/save")[0]!.body).toMatchObject({ confirmGrantVerdict: ["NA"] });
  });

  it("shows a good verdict and saves without asking", async () => {
    const ok: Schemas["GrantVerdict"] = {
      kind: "ok",
      message: "Amazon answered for US-01 in NA: United States.",
      needsConfirmation: false,
      marketplacesSeen: ["ATVPDKIKX0DER"],
    };
    const api = setup("admin", [grant(ok)]);
    renderApp(`/companies/1/amazon?edit=${EDIT}`);

    const na = await screen.findByRole("region", { name: "NA credentials" });
    expect(await within(na).findByText(ok.message)).toBeInTheDocument();
    expect(within(na).queryByRole("checkbox")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(api.callsTo("POST /api/edits/:id/save")).toHaveLength(1));
    expect(api.callsTo("POST /api/edits/:id/save")[0]!.body).not.toHaveProperty("confirmGrantVerdict");
  });

  it("lets a company without a marketplace in the region choose the country of its Seller Central", async () => {
    const api = setup();
    const popup = { location: { href: "about:blank" }, close: vi.fn() };
    vi.spyOn(window, "open").mockReturnValue(popup as unknown as Window);
    renderApp(`/companies/1/amazon?edit=${EDIT}`);

    const fe = await screen.findByRole("region", { name: "FE credentials" });
    const country = await within(fe).findByLabelText("Seller Central country for FE");
    expect(country).toHaveValue("A1VC38T7YXB528"); // the region's main site until the user picks another
    expect(
      within(screen.getByRole("region", { name: "NA credentials" })).queryByRole("combobox"),
    ).not.toBeInTheDocument(); // NA has the United States configured: its Seller Central is that one
    await userEvent.selectOptions(country, "Australia");
    await chooseAction("FE", "Get Selling Partner API token");
    await waitFor(() => expect(popup.location.href).toContain("r=FE"));
    await chooseAction("NA", "Get Selling Partner API token");
    await waitFor(() => expect(api.callsTo("POST /api/edits/:id/regions/:region/authorize")).toHaveLength(2));

    const [fromFe, fromNa] = api.callsTo("POST /api/edits/:id/regions/:region/authorize");
    expect(fromFe!.body).toEqual({ marketplaceId: AU });
    expect(fromNa!.body).toEqual({});
  });

  it("keeps the chosen country when the pop-up is blocked and the flow continues in this tab", async () => {
    const api = setup();
    vi.spyOn(window, "open").mockReturnValue(null);
    renderApp(`/companies/1/amazon?edit=${EDIT}`);

    const fe = await screen.findByRole("region", { name: "FE credentials" });
    await userEvent.selectOptions(
      await within(fe).findByLabelText("Seller Central country for FE"),
      "Australia",
    );
    await chooseAction("FE", "Get Selling Partner API token");
    await userEvent.click(await screen.findByRole("button", { name: "Continue in this tab" }));

    await waitFor(() => expect(api.callsTo("POST /api/edits/:id/regions/:region/authorize")).toHaveLength(1));
    expect(api.callsTo("POST /api/edits/:id/regions/:region/authorize")[0]!.body).toEqual({
      marketplaceId: AU,
    });
  });

  it("disables Refresh on a region that is not connected, saying why", async () => {
    setup("support");
    renderApp("/companies/1/amazon");

    await userEvent.click(await screen.findByRole("button", { name: "EU actions" }));
    const refresh = within(screen.getByRole("menu", { name: "EU actions" })).getByRole("menuitem", {
      name: "Refresh Selling Partner API Access Token",
    });
    expect(refresh).toHaveAttribute("aria-disabled", "true");
    expect(refresh).toHaveAccessibleDescription("Not connected: get a token first");
  });

  it("says a connection's last error in plain words with the action, never its code", async () => {
    const api = setup("support");
    const stored = settings("US");
    api.on("GET /api/companies/1/amazon", {
      ...stored,
      connections: stored.connections.map((c) =>
        c.region === "NA"
          ? {
              ...c,
              status: "wrong_region_or_role",
              lastErrorCode: "wrong_region_or_role",
              lastErrorMessage: "Access to requested resource is denied.",
            }
          : c,
      ),
    });
    renderApp("/companies/1/amazon");

    const na = await screen.findByRole("region", { name: "NA credentials" });
    expect(
      await within(na).findByText(
        "Wrong region or role: Access to requested resource is denied. Get the token again, logging in to Seller Central for NA.",
      ),
    ).toBeInTheDocument();
    expect(na).not.toHaveTextContent("wrong_region_or_role");
  });
});
