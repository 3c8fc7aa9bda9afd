import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi, type Call } from "../../test/api";
import { basics, company, companyDirectory, listedCompany, signedIn } from "../../test/fixtures";
import { renderApp } from "../../test/render";

function timeline(): Schemas["ExpiryTimeline"] {
  const weeks: Schemas["ExpiryWeek"][] = [];
  for (let i = 0; i < 12; i++) {
    const start = new Date(Date.UTC(2026, 10, 23 + 7 * i));
    const end = new Date(Date.UTC(2026, 10, 29 + 7 * i));
    weeks.push({
      start: start.toISOString().slice(0, 10),
      end: end.toISOString().slice(0, 10),
      count: 0,
      connections: [],
    });
  }
  weeks[1]!.connections = [
    {
      companyId: 1,
      companyCode: "US-01",
      companyName: "Acme US",
      region: "NA",
      authorizationExpiresAt: "2026-12-02T10:00:00Z",
      daysLeft: 9,
      unifiedMembers: ["CA-01"],
    },
    {
      companyId: 5,
      companyCode: "UK-01",
      companyName: "Acme UK",
      region: "EU",
      authorizationExpiresAt: "2026-12-04T10:00:00Z",
      daysLeft: 11,
      unifiedMembers: [],
    },
  ];
  weeks[1]!.count = 2;
  return { weeks };
}

const US = { id: 1, code: "US-01" };
const UK = { id: 5, code: "UK-01" };

/** The demo's shape: US-01 with CA-01 (unified) and UK-01 below it, DE-01 below UK-01, JP-01 on its own. */
function demo(): Schemas["Company"][] {
  return [
    company("US"),
    company("CA"),
    listedCompany(5, "UK-01", "Acme UK", US),
    listedCompany(6, "DE-01", "Acme Germany", UK, true),
    listedCompany(7, "JP-01", "Sakura Trading Japan"),
  ];
}

/** Many companies: `roots` top-level ones (R-000, R-001, …) besides US-01 with CA-01 below it. */
function large(roots: number): Schemas["Company"][] {
  const extra = Array.from({ length: roots }, (_, i) =>
    listedCompany(100 + i, `R-${String(i).padStart(3, "0")}`, `Root ${i}`),
  );
  return [company("US"), company("CA"), ...extra];
}

function setup(role: "admin" | "viewer" = "admin", companies = demo()) {
  return fakeApi({
    ...basics(role),
    "GET /api/companies": companyDirectory(companies),
    "GET /api/amazon/expiry-timeline": timeline(),
    "GET /api/bulk-tests/current": null,
  });
}

const listCalls = (api: ReturnType<typeof setup>) =>
  api.callsTo("GET /api/companies").map((c) => Object.fromEntries(c.query.entries()));

describe("companies page", () => {
  it("opens a small tree fully, with unified members and a status badge per region", async () => {
    const api = setup();
    renderApp("/companies");
    expect(await screen.findByRole("heading", { name: "Companies" })).toBeInTheDocument();
    const us = await screen.findByRole("link", { name: "US-01" });
    // Every level is open: DE-01 sits below UK-01, below US-01.
    await screen.findByRole("link", { name: "DE-01" });
    const rows = within(screen.getByRole("table", { name: "Companies by parent" })).getAllByRole("row");
    const at = (code: string) => rows.findIndex((r) => within(r).queryByRole("link", { name: code }));
    expect(["JP-01", "US-01", "CA-01", "UK-01", "DE-01"].map(at)).toEqual([1, 2, 3, 4, 5]);
    expect(us).toHaveAttribute("href", "/companies/1/amazon");
    expect(screen.getByRole("button", { name: "Show companies under US-01" })).toHaveAttribute(
      "aria-expanded",
      "true",
    );
    expect(screen.queryByRole("button", { name: "Show companies under JP-01" })).not.toBeInTheDocument();
    const caRow = screen.getByRole("link", { name: "CA-01" }).closest("tr")!;
    expect(caRow).toHaveTextContent("Acme Canada");
    expect(caRow).toHaveTextContent("uses US-01's account");
    expect(caRow).toHaveTextContent("expiring in 12 days");
    expect(caRow).toHaveTextContent("re-authorization required");
    expect(caRow).toHaveTextContent("not connected");
    expect(screen.getByRole("link", { name: "DE-01" }).closest("tr")).toHaveTextContent(
      "uses UK-01's account",
    );
    expect(screen.getByRole("button", { name: "Create company" })).toBeInTheDocument();
    // Level by level, never the whole list.
    const calls = listCalls(api);
    expect(calls).toContainEqual({ rootsOnly: "true", limit: "50", offset: "0" });
    expect(calls).toContainEqual({ parentId: "1", limit: "50", offset: "0" });
    expect(calls).toContainEqual({ parentId: "5", limit: "50", offset: "0" });
    expect(calls.every((c) => Number(c.limit) <= 50)).toBe(true);
  });

  it("pages through the top-level companies with Show more", async () => {
    const api = setup("admin", large(69));
    renderApp("/companies");
    await screen.findByRole("link", { name: "R-000" });
    expect(screen.getAllByRole("link", { name: /^R-\d+$/ })).toHaveLength(50);
    expect(screen.queryByRole("link", { name: "US-01" })).not.toBeInTheDocument();
    expect(screen.getByText("71 companies in all.")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Show 20 more of 20" }));
    expect(await screen.findByRole("link", { name: "US-01" })).toBeInTheDocument();
    expect(listCalls(api)).toContainEqual({ rootsOnly: "true", limit: "50", offset: "50" });
    expect(screen.getAllByRole("link", { name: /^(R-\d+|US-01)$/ })).toHaveLength(70);
    expect(screen.queryByRole("button", { name: /^Show \d+ more/ })).not.toBeInTheDocument();
  });

  it("starts a large tree collapsed and loads a company's children when it is expanded", async () => {
    const api = setup("admin", large(60));
    const { queryClient } = renderApp("/companies");
    await userEvent.click(await screen.findByRole("button", { name: "Show 11 more of 11" }));
    const toggle = await screen.findByRole("button", { name: "Show companies under US-01" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByRole("link", { name: "CA-01" })).not.toBeInTheDocument();
    expect(listCalls(api).some((c) => c.parentId)).toBe(false);

    await userEvent.click(toggle);
    const ca = await screen.findByRole("link", { name: "CA-01" });
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(ca.closest("tr")).toHaveAttribute("data-depth", "1");
    expect(listCalls(api)).toContainEqual({ parentId: "1", limit: "50", offset: "0" });

    // A refetch (after a change anywhere) keeps what is open.
    const before = api.calls.length;
    await queryClient.invalidateQueries({ queryKey: ["companies"] });
    await waitFor(() => expect(api.calls.length).toBeGreaterThan(before));
    expect(screen.getByRole("link", { name: "CA-01" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Show companies under US-01" })).toHaveAttribute(
      "aria-expanded",
      "true",
    );

    await userEvent.click(screen.getByRole("button", { name: "Show companies under US-01" }));
    expect(screen.queryByRole("link", { name: "CA-01" })).not.toBeInTheDocument();
  });

  it("pages through the children of an expanded company", async () => {
    const many = Array.from({ length: 55 }, (_, i) =>
      listedCompany(300 + i, `C-${String(i).padStart(2, "0")}`, `Child ${i}`, US),
    );
    const api = setup("admin", [company("US"), ...many]);
    renderApp("/companies");
    await userEvent.click(await screen.findByRole("button", { name: "Show companies under US-01" }));
    await screen.findByRole("link", { name: "C-49" });
    expect(screen.queryByRole("link", { name: "C-50" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Show 5 more of 5 under US-01" }));
    expect(await screen.findByRole("link", { name: "C-54" })).toBeInTheDocument();
    expect(listCalls(api)).toContainEqual({ parentId: "1", limit: "50", offset: "50" });
  });

  it("lists the companies of a week when its timeline bar is clicked", async () => {
    setup();
    renderApp("/companies");
    const bar = await screen.findByRole("button", { name: "2 authorizations expiring, week of 30 Nov" });
    expect(
      screen.getByRole("button", { name: "0 authorizations expiring, week of 23 Nov" }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /, week of / })).toHaveLength(12);
    expect(bar).toHaveAttribute("title", "Week of 30 Nov 2026 – 6 Dec 2026: 2 authorizations expiring");
    await userEvent.click(bar);
    const detail = screen.getByRole("heading", { name: /Week of 30 Nov 2026/ }).parentElement!;
    expect(within(detail).getByRole("link", { name: "UK-01" })).toHaveAttribute(
      "href",
      "/companies/5/amazon",
    );
    expect(within(detail).getByRole("link", { name: "US-01" })).toBeInTheDocument();
    expect(detail).toHaveTextContent("also used by CA-01");
  });

  it.each(["en", "de", "fr"] as const)(
    "names each timeline bar with what it shows, count then day, in %s (WCAG 2.5.3)",
    async (language) => {
      const me = signedIn("admin");
      fakeApi({
        ...basics("admin"),
        "GET /api/auth/me": { ...me, user: { ...me.user, language } },
        "GET /api/companies": companyDirectory(demo()),
        "GET /api/amazon/expiry-timeline": timeline(),
        "GET /api/bulk-tests/current": null,
      });
      renderApp("/companies");
      await waitFor(() => expect(document.documentElement.lang).toBe(language));
      await screen.findByRole("button", { name: /^2 / });
      const timelineBars = [...document.querySelectorAll(".timeline-bar")];
      expect(timelineBars).toHaveLength(12);
      for (const bar of timelineBars) {
        // Shown: the count above the bar (weeks with none show none), the day below it.
        const count = bar.parentElement!.querySelector(".timeline-count")?.textContent ?? "";
        const day = bar.querySelector(".timeline-label")!.textContent!;
        const name = bar.getAttribute("aria-label")!;
        expect(day).not.toBe("");
        expect(name.startsWith(count)).toBe(true);
        expect(name.indexOf(day, count.length)).toBeGreaterThanOrEqual(count.length);
      }
      const busy = timelineBars[1]!;
      expect(busy.parentElement!.querySelector(".timeline-count")).toHaveTextContent(/^2$/);
    },
  );

  it("shows the matches of a search as a flat list, each with its parent", async () => {
    const api = setup();
    renderApp("/companies");
    await screen.findByRole("link", { name: "DE-01" });
    await userEvent.type(screen.getByLabelText("Search companies"), "acme");
    await waitFor(() => expect(listCalls(api)).toContainEqual({ q: "acme", limit: "50", offset: "0" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "JP-01" })).not.toBeInTheDocument());
    expect(screen.getByText("4 companies match “acme”.")).toBeInTheDocument();
    const de = screen.getByRole("link", { name: "DE-01" }).closest("tr")!;
    expect(de).toHaveTextContent("Acme Germany");
    expect(de).toHaveTextContent("under UK-01");
    expect(de).toHaveTextContent("uses UK-01's account");
    expect(screen.getByRole("link", { name: "US-01" }).closest("tr")).toHaveTextContent("top-level company");
    // Flat: no tree toggles, every match at the top level.
    expect(screen.queryByRole("button", { name: /^Show companies under/ })).not.toBeInTheDocument();
    expect(de).toHaveAttribute("data-depth", "0");

    await userEvent.clear(screen.getByLabelText("Search companies"));
    await userEvent.type(screen.getByLabelText("Search companies"), "nothing like it");
    expect(await screen.findByText("No company matches “nothing like it”.")).toBeInTheDocument();
  });

  it("creates a company under a parent chosen by keyboard in the combobox", async () => {
    const api = setup();
    api.on("POST /api/companies", (call: Call) => ({
      ...listedCompany(9, "FR-01", "Acme France", UK, true),
      ...(call.body as object),
    }));
    renderApp("/companies");
    await screen.findByRole("link", { name: "DE-01" });
    await userEvent.type(screen.getByLabelText("Code", { exact: true }), "fr-01");
    await userEvent.type(screen.getByLabelText("Name", { exact: true }), "Acme France");
    const parent = screen.getByRole("combobox", { name: "Parent" });
    expect(parent).toHaveAttribute("aria-expanded", "false");
    expect(screen.getByLabelText(/Unified/)).toBeDisabled();

    await userEvent.type(parent, "UK");
    const list = await screen.findByRole("listbox", { name: "Parent companies" });
    await waitFor(() => expect(listCalls(api)).toContainEqual({ q: "UK", limit: "20" }));
    await within(list).findByRole("option", { name: /^UK-01 — Acme UK/ });
    expect(parent).toHaveAttribute("aria-expanded", "true");
    await userEvent.keyboard("{ArrowDown}");
    expect(parent).toHaveAttribute("aria-activedescendant", "new-parent-option-5");
    expect(within(list).getByRole("option", { name: /^UK-01/ })).toHaveAttribute("aria-selected", "true");
    await userEvent.keyboard("{Enter}");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
    expect(parent).toHaveValue("UK-01 — Acme UK");

    await userEvent.click(screen.getByLabelText(/Unified/));
    await userEvent.click(screen.getByRole("button", { name: "Create company" }));
    await screen.findByText(/Created/);
    expect(api.callsTo("POST /api/companies")[0]!.body).toEqual({
      code: "FR-01",
      name: "Acme France",
      parentId: 5,
      unified: true,
      // The language of its e-mails: the page's unless chosen.
      language: "en",
    });
    // The form is cleared: no parent any more.
    expect(parent).toHaveValue("");
  });

  it("offers none (a top-level company) in the combobox, and Escape keeps the choice", async () => {
    const api = setup();
    api.on("POST /api/companies", (call: Call) => ({
      ...listedCompany(9, "FR-01", "x"),
      ...(call.body as object),
    }));
    renderApp("/companies");
    await screen.findByRole("link", { name: "DE-01" });
    const parent = screen.getByRole("combobox", { name: "Parent" });
    parent.focus();
    await userEvent.keyboard("{ArrowDown}");
    const list = await screen.findByRole("listbox", { name: "Parent companies" });
    await within(list).findByRole("option", { name: /^US-01/ });
    expect(
      within(list)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual([
      "none (top-level company)",
      "CA-01 — Acme Canada (under US-01)",
      "DE-01 — Acme Germany (under UK-01)",
      "JP-01 — Sakura Trading Japan",
      "UK-01 — Acme UK (under US-01)",
      "US-01 — Acme US",
    ]);
    expect(within(list).getByRole("option", { name: "none (top-level company)" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await userEvent.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}{ArrowUp}{Enter}");
    expect(parent).toHaveValue("DE-01 — Acme Germany");

    await userEvent.type(parent, "{Control>}a{/Control}jp");
    await screen.findByRole("option", { name: /^JP-01/ });
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
    expect(parent).toHaveValue("DE-01 — Acme Germany");

    await userEvent.click(parent);
    await userEvent.click(await screen.findByRole("option", { name: "none (top-level company)" }));
    expect(parent).toHaveValue("");
    await userEvent.type(screen.getByLabelText("Code", { exact: true }), "FR-01");
    await userEvent.type(screen.getByLabelText("Name", { exact: true }), "x");
    await userEvent.click(screen.getByRole("button", { name: "Create company" }));
    await screen.findByText(/Created/);
    expect(api.callsTo("POST /api/companies")[0]!.body).toMatchObject({ parentId: null, unified: false });
  });

  it("offers no create form to a viewer", async () => {
    setup("viewer");
    renderApp("/companies");
    await screen.findByRole("link", { name: "US-01" });
    expect(screen.queryByRole("button", { name: "Create company" })).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
  });
});
