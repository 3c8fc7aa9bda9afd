import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi, type Call } from "../../test/api";
import { basics, company, companyDirectory, listedCompany } from "../../test/fixtures";
import { renderApp } from "../../test/render";

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

const COUNTS = {
  active: 4,
  expiring: 2,
  expired: 1,
  reauthorization_required: 2,
  wrong_region_or_role: 1,
  error: 0,
  needs_action: 6,
};
const EU_COUNTS = { ...COUNTS, expiring: 0, expired: 0, reauthorization_required: 1, needs_action: 2 };

const ref = (id: number, code: string) => ({ id, code });

/** An account owner three levels down (under BB-2), whose EU authorization Amazon refused two hours ago. */
function deepOwner(): Schemas["Company"] {
  return {
    ...listedCompany(30, "BB-3", "Acme Deep", ref(22, "BB-2")),
    members: [ref(31, "BB-3U"), ref(32, "BB-3V")],
    regions: [
      { region: "NA", status: "not_connected" },
      {
        region: "EU",
        status: "reauthorization_required",
        lastCheckedAt: ago(2 * HOUR + 60_000),
        action:
          "Open BB-3, click Edit, use Get Selling Partner API token for EU, confirm at Amazon, then Save.",
      },
      { region: "FE", status: "active", lastCheckedAt: ago(HOUR), daysLeft: 200 },
    ],
  };
}

function expiredOwner(): Schemas["Company"] {
  return {
    ...listedCompany(40, "CC", "Acme Far East"),
    members: [],
    regions: [
      { region: "NA", status: "not_connected" },
      { region: "EU", status: "not_connected" },
      {
        region: "FE",
        status: "expired",
        daysLeft: -3,
        lastCheckedAt: null,
        action: "Open CC, click Edit, …",
      },
    ],
  };
}

function manyFailing(n: number): Schemas["Company"][] {
  return Array.from({ length: n }, (_, i) => ({
    ...listedCompany(500 + i, `F-${String(i).padStart(2, "0")}`, `Failing ${i}`),
    regions: [{ region: "NA", status: "error", lastCheckedAt: ago(HOUR), action: "Read the last error." }],
  }));
}

/** The owners per status the server would list (status and region filtered, paged, with counts). */
function healthServer(byStatus: Record<string, Schemas["Company"][]>, tree: Schemas["Company"][]) {
  const directory = companyDirectory(tree);
  return (call: Call): Schemas["CompanyList"] => {
    const status = call.query.get("status");
    const region = call.query.get("region");
    const counts = region === "EU" ? EU_COUNTS : COUNTS;
    if (!status && !region) {
      const list = directory(call);
      return call.query.get("withCounts") === "true" ? { ...list, counts } : list;
    }
    const limit = Number(call.query.get("limit") ?? 50);
    const offset = Number(call.query.get("offset") ?? 0);
    const matching = (byStatus[status ?? "any"] ?? []).filter(
      (c) => !region || c.regions.some((r) => r.region === region && r.status !== "not_connected"),
    );
    return { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset, counts };
  };
}

function setup(byStatus: Record<string, Schemas["Company"][]> = {}) {
  const tree = [company("US"), company("CA"), listedCompany(7, "JP-01", "Sakura Trading Japan")];
  return fakeApi({
    ...basics("support"),
    "GET /api/companies": healthServer(
      {
        reauthorization_required: [deepOwner()],
        expired: [expiredOwner()],
        ...byStatus,
      },
      tree,
    ),
    "GET /api/amazon/expiry-timeline": { weeks: [] },
    "GET /api/bulk-tests/current": null,
  });
}

const listCalls = (api: ReturnType<typeof setup>) =>
  api.callsTo("GET /api/companies").map((c) => Object.fromEntries(c.query.entries()));

describe("needs action on the companies page", () => {
  it("shows the server's counts in plain words as toggles, zero ones shown but off", async () => {
    const api = setup();
    renderApp("/companies");
    const bar = await screen.findByRole("group", { name: /^Show only the companies/ });
    const buttons = within(bar).getAllByRole("button");
    expect(buttons.map((b) => b.textContent)).toEqual([
      "3 need a new token",
      "2 expiring",
      "1 wrong region or role",
      "0 failing",
      "All that need action (6)",
    ]);
    expect(buttons.every((b) => b.getAttribute("aria-pressed") === "false")).toBe(true);
    expect(within(bar).getByRole("button", { name: "0 failing" })).toBeDisabled();
    expect(within(bar).getByRole("button", { name: "2 expiring" })).toBeEnabled();
    expect(listCalls(api)).toContainEqual({ withCounts: "true", limit: "1" });
    // The tree stays while no filter is on.
    expect(await screen.findByRole("table", { name: "Companies by parent" })).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(
      /reauthorization_required|wrong_region_or_role|needs_action/,
    );
  });

  it("lists the affected owners flat, wherever they are, and the filter lives in the URL until cleared", async () => {
    const api = setup();
    const { router } = renderApp("/companies");
    await screen.findByRole("table", { name: "Companies by parent" });

    await userEvent.click(await screen.findByRole("button", { name: "3 need a new token" }));
    expect(screen.getByRole("button", { name: "3 need a new token" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    expect(router.state.location.search).toBe("?filter=new-token");
    expect(screen.getByRole("heading", { name: "Connections that need a new token" })).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Companies by parent" })).not.toBeInTheDocument();

    // The server filters one status at a time: both lists of "need a new token" are asked for, paged.
    const deep = await screen.findByRole("link", { name: "BB-3 Acme Deep" });
    expect(deep).toHaveAttribute("href", "/companies/30/amazon");
    expect(listCalls(api)).toContainEqual({ status: "reauthorization_required", limit: "25", offset: "0" });
    expect(listCalls(api)).toContainEqual({ status: "expired", limit: "25", offset: "0" });
    expect(screen.getByRole("heading", { name: "Re-authorization required" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Expired" })).toBeInTheDocument();

    const row = deep.closest("tr")!;
    expect(row).toHaveTextContent("under BB-2");
    expect(row).toHaveTextContent("Used by: BB-3U, BB-3V");
    expect(row).toHaveTextContent("EU re-authorization required checked 2 hours ago");
    expect(row).toHaveTextContent("use Get Selling Partner API token for EU");
    // Only the region that put it in the list.
    expect(row).not.toHaveTextContent("FE");
    const far = screen.getByRole("link", { name: "CC Acme Far East" }).closest("tr")!;
    expect(far).toHaveTextContent("FE expired never checked");
    expect(far).toHaveTextContent("top-level company");
    expect(far).not.toHaveTextContent("Used by");
    expect(screen.getByRole("group", { name: /^Pages of re-authorization required/i })).toHaveTextContent(
      "1–1 of 1",
    );

    await userEvent.selectOptions(screen.getByLabelText("Region"), "EU");
    expect(router.state.location.search).toBe("?filter=new-token&region=EU");
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "1 needs a new token" })).toBeInTheDocument(),
    );
    expect(listCalls(api)).toContainEqual({ withCounts: "true", region: "EU", limit: "1" });
    expect(listCalls(api)).toContainEqual({
      status: "reauthorization_required",
      region: "EU",
      limit: "25",
      offset: "0",
    });
    expect(
      screen.getByRole("heading", { name: "Connections that need a new token in EU" }),
    ).toBeInTheDocument();
    // Nothing expired in EU, as the server counts: no empty list of it.
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Expired" })).not.toBeInTheDocument());
    expect(await screen.findByRole("link", { name: "BB-3 Acme Deep" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Re-authorization required" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "CC Acme Far East" })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Clear filters and show the tree" }));
    expect(router.state.location.search).toBe("");
    expect(await screen.findByRole("table", { name: "Companies by parent" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "All companies" })).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(
      /reauthorization_required|wrong_region_or_role|needs_action/,
    );
  });

  it("opens a shared link with its filter on, and pages through the owners", async () => {
    const api = setup({ error: manyFailing(30), any: manyFailing(30) });
    renderApp("/companies?filter=failing&region=NA");
    const failing = await screen.findByRole("button", { name: "0 failing" });
    // A filter that is on stays switchable, even at zero.
    expect(failing).toHaveAttribute("aria-pressed", "true");
    expect(failing).toBeEnabled();
    await screen.findByRole("link", { name: "F-00 Failing 0" });
    expect(listCalls(api)).toContainEqual({ status: "error", region: "NA", limit: "25", offset: "0" });
    expect(screen.getByText("30 companies in the filter.")).toBeInTheDocument();
    expect(screen.getAllByRole("link", { name: /^F-\d+ / })).toHaveLength(25);

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByRole("link", { name: "F-29 Failing 29" })).toBeInTheDocument();
    expect(listCalls(api)).toContainEqual({ status: "error", region: "NA", limit: "25", offset: "25" });
    expect(screen.getByText("26–30 of 30")).toBeInTheDocument();

    await userEvent.click(failing);
    expect(await screen.findByRole("link", { name: "F-00 Failing 0" })).toBeInTheDocument();
    expect(listCalls(api)).toContainEqual({ region: "NA", limit: "25", offset: "0" });
    expect(screen.getByRole("heading", { name: "Companies connected in NA" })).toBeInTheDocument();
  });

  it("says when each connection was last checked in the tree and in search results, as visible text", async () => {
    const checked: Schemas["Company"] = {
      ...company("US"),
      regions: [
        { region: "NA", status: "active", daysLeft: 300, lastCheckedAt: ago(3 * HOUR + 60_000) },
        { region: "EU", status: "wrong_region_or_role", lastCheckedAt: ago(2 * 24 * HOUR) },
        { region: "FE", status: "not_connected" },
      ],
    };
    fakeApi({
      ...basics("viewer"),
      "GET /api/companies": healthServer({}, [checked, listedCompany(7, "JP-01", "Sakura Trading Japan")]),
      "GET /api/amazon/expiry-timeline": { weeks: [] },
    });
    renderApp("/companies");
    const row = (await screen.findByRole("link", { name: "US-01" })).closest("tr")!;
    const cells = within(row).getAllByRole("cell");
    expect(cells[3]).toHaveTextContent(/^active checked 3 hours ago$/);
    expect(cells[4]).toHaveTextContent(/^wrong region or role checked 2 days ago$/);
    expect(cells[5]).toHaveTextContent(/^not connected$/);
    // JP-01's listed regions carry no check: said so, not left blank.
    expect((await screen.findByRole("link", { name: "JP-01" })).closest("tr")).toHaveTextContent(
      "expiring in 12 days never checked",
    );

    await userEvent.type(screen.getByLabelText("Search companies"), "US");
    await screen.findByText("1 company matches “US”.");
    const found = screen.getByRole("link", { name: "US-01" }).closest("tr")!;
    expect(found).toHaveTextContent("active checked 3 hours ago");
    expect(document.body.textContent).not.toMatch(/wrong_region_or_role/);
    // A viewer may not test: no panel, and nothing asked about bulk tests.
    expect(screen.queryByRole("heading", { name: "Test connections" })).not.toBeInTheDocument();
  });
});

describe("notifications of connection health", () => {
  it("shows a resolved notification as resolved, muted and without Mark read", async () => {
    const base = {
      kind: "reauthorization_required",
      severity: "error",
      body: "Amazon says the authorization was revoked.",
      companyId: 30,
      companyCode: "BB-3",
      createdAt: "2026-11-23T08:00:00Z",
      readAt: null,
    };
    fakeApi({
      ...basics("support"),
      "GET /api/notifications": {
        items: [
          { ...base, id: 1, title: "Amazon refused the authorization of BB-3 (EU): re-authorize" },
          {
            ...base,
            id: 2,
            title: "Amazon refused the authorization of CC (FE): re-authorize",
            resolvedAt: "2026-11-23T09:30:00Z",
          },
        ],
        total: 2,
        unread: 1,
        limit: 50,
        offset: 0,
      },
    });
    renderApp("/nowhere");
    const bell = await screen.findByRole("button", { name: "Notifications" });
    await waitFor(() => expect(bell).toHaveAccessibleDescription("1 unread"));
    await userEvent.click(bell);
    const [open, resolved] = within(screen.getByRole("region", { name: "Notifications list" })).getAllByRole(
      "listitem",
    );
    expect(resolved).toHaveTextContent("Resolved · works again");
    expect(resolved).toHaveClass("resolved");
    expect(within(resolved!).queryByRole("button", { name: /^Mark read/ })).not.toBeInTheDocument();
    expect(open).not.toHaveTextContent("Resolved");
    expect(within(open!).getByRole("button", { name: /^Mark read/ })).toBeInTheDocument();
  });
});
