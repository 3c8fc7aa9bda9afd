import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi, reply, type Call } from "../../test/api";
import { basics, companyDirectory, listedCompany } from "../../test/fixtures";
import { renderApp } from "../../test/render";

type Run = Schemas["BulkTestView"];

const COUNTS = {
  active: 400,
  expiring: 2,
  expired: 1,
  reauthorization_required: 2,
  wrong_region_or_role: 1,
  error: 4,
  needs_action: 10,
};

function run(extra: Partial<Run> = {}): Run {
  return {
    id: 7,
    state: "running",
    total: 3,
    tested: 0,
    failures: 0,
    startedBy: "Sam Support",
    createdAt: "2026-11-23T10:00:00Z",
    finishedAt: null,
    statusFilter: "reauthorization_required",
    regionFilter: null,
    ...extra,
  };
}

const RESULTS: Schemas["BulkTestResult"][] = [
  {
    companyId: 30,
    companyCode: "BB-3",
    region: "EU",
    verdict: "reauthorization_required",
    verdictText: "Re-authorization required",
    message: "Amazon refused the refresh token: the authorization was revoked.",
    action: "Open BB-3, click Edit, use Get Selling Partner API token for EU, confirm at Amazon, then Save.",
    testedAt: "2026-11-23T10:01:00Z",
  },
  {
    companyId: 41,
    companyCode: "DD",
    region: "NA",
    verdict: "wrong_region_or_role",
    verdictText: "Wrong region or role",
    message: "Amazon refused the call.",
    action: "Get the token again for NA, logging in to the right account.",
    testedAt: "2026-11-23T10:01:05Z",
  },
  {
    companyId: 42,
    companyCode: "EE",
    region: "FE",
    verdict: "ok",
    verdictText: "Works",
    message: "Connection OK",
    action: null,
    testedAt: "2026-11-23T10:01:09Z",
  },
];

function results(call: Call): Schemas["BulkTestResults"] {
  const items =
    call.query.get("failuresOnly") === "true" ? RESULTS.filter((r) => r.verdict !== "ok") : RESULTS;
  return { items, total: items.length, limit: 25, offset: 0 };
}

/** The fake server; `server.run` answers GET /api/bulk-tests/{id} and `server.current` the latest run. */
function setup(role: "admin" | "support" | "viewer", current: Run | null) {
  const directory = companyDirectory([listedCompany(7, "JP-01", "Sakura Trading Japan")]);
  const server = {
    current: (): Run | null => current,
    run: (): Run | null => current,
  };
  const api = fakeApi({
    ...basics(role),
    "GET /api/companies": (call: Call) => ({ ...directory(call), counts: COUNTS }),
    "GET /api/amazon/expiry-timeline": { weeks: [] },
    // Routes are tried last first: "current" before the ":id" it would match too.
    "GET /api/bulk-tests/:id": () => server.run(),
    "GET /api/bulk-tests/current": () => server.current(),
    "GET /api/bulk-tests/:id/results": results,
  });
  return Object.assign(api, { server });
}

const RAW_CODES = /reauthorization_required|wrong_region_or_role|needs_action|running|cancelled/;

afterEach(() => {
  vi.useRealTimers();
});

describe("bulk connection test on the companies page", () => {
  it("tests the filter, follows the progress every 2 s until it ends, then shows the results", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const api = setup("support", null);
    const progress = [run({ tested: 1, failures: 1 }), run({ tested: 2, failures: 2 })];
    api.on("POST /api/bulk-tests", reply(201, run()));
    api.server.run = () =>
      progress.shift() ?? run({ state: "done", tested: 3, failures: 2, finishedAt: "2026-11-23T10:02:00Z" });
    renderApp("/companies?filter=new-token");
    expect(await screen.findByText("No bulk test has run on your companies yet.")).toBeInTheDocument();
    // An expired authorization needs a new token whatever a test says: only the others are tested.
    await user.click(
      await screen.findByRole("button", { name: "Test the 2 connections that need re-authorization" }),
    );
    expect(api.callsTo("POST /api/bulk-tests")[0]!.body).toEqual({ status: "reauthorization_required" });
    expect(screen.getByText(/The 1 expired authorization is not tested/)).toBeInTheDocument();

    const bar = await screen.findByRole("progressbar", { name: "Bulk test #7" });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "1"));
    expect(bar).toHaveAttribute("aria-valuemax", "3");
    expect(screen.getByText("Tested 1 of 3 · 1 failure so far")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Bulk test #7: connections that need re-authorization" }));
    // No second test while this one runs.
    expect(screen.getByRole("button", { name: /^Test the 2 connections/ })).toBeDisabled();

    const polls = () => api.callsTo("GET /api/bulk-tests/:id").length;
    const before = polls();
    await act(() => vi.advanceTimersByTimeAsync(1_500));
    expect(polls()).toBe(before);
    await act(() => vi.advanceTimersByTimeAsync(600));
    await waitFor(() => expect(polls()).toBe(before + 1));
    expect(await screen.findByText("Tested 2 of 3 · 2 failures so far")).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(2_100));
    expect(await screen.findByText(/^Finished on .*: 3 tested, 2 need attention\.$/)).toHaveAttribute(
      "role",
      "status",
    );
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    // It ended: no more polling.
    const ended = polls();
    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(polls()).toBe(ended);

    const table = await screen.findByRole("table", { name: "Results of bulk test #7" });
    const rows = within(table).getAllByRole("row");
    expect(
      within(rows[0]!)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["Company", "Region", "Verdict", "Action"]);
    expect(within(table).getByRole("link", { name: "BB-3" })).toHaveAttribute("href", "/companies/30/amazon");
    expect(rows[1]).toHaveTextContent("Re-authorization required");
    expect(rows[1]).toHaveTextContent("use Get Selling Partner API token for EU");
    expect(rows[2]).toHaveTextContent("Wrong region or role");
    expect(rows[3]).toHaveTextContent("Works");
    expect(screen.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      "/api/bulk-tests/7/results.csv",
    );
    // The statuses the test learnt show everywhere: the counts and lists are asked for again.
    const countCalls = api.callsTo("GET /api/companies").filter((c) => c.query.get("withCounts") === "true");
    expect(countCalls.length).toBeGreaterThan(1);

    const failuresOnly = screen.getByRole("button", { name: "Failures only" });
    await user.click(failuresOnly);
    expect(failuresOnly).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(within(table).queryByRole("link", { name: "EE" })).not.toBeInTheDocument());
    expect(api.callsTo("GET /api/bulk-tests/:id/results").at(-1)!.query.get("failuresOnly")).toBe("true");
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(document.body.textContent).not.toMatch(RAW_CODES);
    // The page as a whole takes a few seconds in jsdom; the 2 s of polling themselves are faked.
  }, 15_000);

  it("finds a running test again after a reload, and cancels it only once confirmed", async () => {
    const running = run({
      id: 9,
      tested: 120,
      total: 410,
      failures: 6,
      statusFilter: "needs_action",
      regionFilter: "EU",
    });
    const api = setup("admin", running);
    api.on("POST /api/bulk-tests/:id/cancel", () => {
      const cancelled = {
        ...running,
        state: "cancelled",
        cancelledBy: "Ada Admin",
        finishedAt: "2026-11-23T10:05:00Z",
      };
      api.server.run = api.server.current = () => cancelled;
      return cancelled;
    });
    renderApp("/companies");
    const bar = await screen.findByRole("progressbar", { name: "Bulk test #9" });
    expect(bar).toHaveAttribute("aria-valuenow", "120");
    expect(bar).toHaveAttribute("aria-valuemax", "410");
    expect(bar).toHaveAttribute("aria-valuetext", "Tested 120 of 410 · 6 failures so far");
    expect(screen.getByText("Tested 120 of 410 · 6 failures so far")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Bulk test #9: connections that need action in EU" }));
    expect(screen.getByText(/^Started by Sam Support on$/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel the bulk test?" });
    expect(dialog).toHaveTextContent("the other 290 connections are not tested");
    await userEvent.click(within(dialog).getByRole("button", { name: "Keep testing" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(api.callsTo("POST /api/bulk-tests/:id/cancel")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await userEvent.click(screen.getByRole("button", { name: "Cancel the test" }));
    expect(await screen.findByText(/^Cancelled by Ada Admin on .* after testing 120 of 410: 6 failures\.$/));
    expect(api.callsTo("POST /api/bulk-tests/:id/cancel")[0]!.path).toBe("/api/bulk-tests/9/cancel");
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Results of bulk test #9" })).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(RAW_CODES);
  });

  it("shows a 409's message and follows the test that is running", async () => {
    let current: Run | null = null;
    const api = setup("support", null);
    api.server.current = () => current;
    const message =
      "A bulk test of these companies is running (#5, started by Ada Admin at 10:02 UTC): follow it, or cancel it before starting another.";
    api.on("POST /api/bulk-tests", () => {
      current = run({ id: 5, startedBy: "Ada Admin", tested: 40, total: 200, statusFilter: null });
      return reply(409, { error: "bulk_test_running", message, fields: {} });
    });
    api.server.run = () => current;
    renderApp("/companies");
    await userEvent.click(await screen.findByRole("button", { name: "Test all connections" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(message);
    expect(api.callsTo("POST /api/bulk-tests")[0]!.body).toEqual({});

    await userEvent.click(within(alert).getByRole("button", { name: "Follow the running test" }));
    expect(await screen.findByRole("progressbar", { name: "Bulk test #5" })).toHaveAttribute(
      "aria-valuenow",
      "40",
    );
    expect(screen.getByRole("heading", { name: "Bulk test #5: all connections" })).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("offers the test of a region's connections with the server's count", async () => {
    const api = setup("support", null);
    const empty = run({
      state: "done",
      total: 0,
      finishedAt: "2026-11-23T10:00:00Z",
      statusFilter: null,
      regionFilter: "FE",
    });
    api.on("POST /api/bulk-tests", reply(201, empty));
    api.server.run = () => empty;
    renderApp("/companies?region=FE");
    // 400 + 2 + 1 + 2 + 1 + 4 connections counted by the server in FE, whatever their status.
    await userEvent.click(
      await screen.findByRole("button", { name: "Test all 410 connections in this filter" }),
    );
    expect(api.callsTo("POST /api/bulk-tests")[0]!.body).toEqual({ region: "FE" });
    expect(await screen.findByText(/no connection was in the filter/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Bulk test #7: all connections in FE" })).toBeInTheDocument();
  });

  it("offers viewers no bulk test", async () => {
    const api = setup("viewer", null);
    renderApp("/companies");
    await screen.findByRole("link", { name: "JP-01" });
    expect(screen.queryByRole("heading", { name: "Test connections" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Test / })).not.toBeInTheDocument();
    expect(api.calls.some((c) => c.path.startsWith("/api/bulk-tests"))).toBe(false);
  });
});
