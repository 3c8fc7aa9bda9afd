import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi } from "../../test/api";
import { basics, company } from "../../test/fixtures";
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

function setup(role: "admin" | "viewer" = "admin") {
  return fakeApi({
    ...basics(role),
    "GET /api/companies": { items: [company("CA"), company("US")], total: 2, limit: 500, offset: 0 },
    "GET /api/amazon/expiry-timeline": timeline(),
  });
}

describe("companies page", () => {
  it("shows the tree with unified members and a status badge per region", async () => {
    setup();
    renderApp("/companies");
    expect(await screen.findByRole("heading", { name: "Companies" })).toBeInTheDocument();
    const us = await screen.findByRole("link", { name: "US-01" });
    const rows = screen.getAllByRole("row");
    // The parent comes first, its unified child below it.
    expect(rows.findIndex((r) => within(r).queryByText("US-01"))).toBeLessThan(
      rows.findIndex((r) => within(r).queryByText("CA-01")),
    );
    expect(us).toHaveAttribute("href", "/companies/1/amazon");
    const caRow = screen.getByRole("link", { name: "CA-01" }).closest("tr")!;
    expect(caRow).toHaveTextContent("uses US-01's account");
    expect(caRow).toHaveTextContent("expiring in 12 days");
    expect(caRow).toHaveTextContent("re-authorization required");
    expect(caRow).toHaveTextContent("not connected");
    expect(screen.getByRole("button", { name: "Create company" })).toBeInTheDocument();
  });

  it("lists the companies of a week when its timeline bar is clicked", async () => {
    setup();
    renderApp("/companies");
    const bar = await screen.findByRole("button", { name: "Week of 30 Nov 2026: 2 authorizations expiring" });
    expect(
      screen.getByRole("button", { name: "Week of 23 Nov 2026: 0 authorizations expiring" }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /^Week of / })).toHaveLength(12);
    await userEvent.click(bar);
    const detail = screen.getByRole("heading", { name: /Week of 30 Nov 2026/ }).parentElement!;
    expect(within(detail).getByRole("link", { name: "UK-01" })).toHaveAttribute(
      "href",
      "/companies/5/amazon",
    );
    expect(within(detail).getByRole("link", { name: "US-01" })).toBeInTheDocument();
    expect(detail).toHaveTextContent("also used by CA-01");
  });

  it("searches by what the user types", async () => {
    const api = setup();
    renderApp("/companies");
    await screen.findByRole("link", { name: "US-01" });
    await userEvent.type(screen.getByLabelText("Search companies"), "acme ca");
    await screen.findByRole("link", { name: "US-01" });
    await vi.waitFor(() =>
      expect(api.callsTo("GET /api/companies").some((c) => c.query.get("q") === "acme ca")).toBe(true),
    );
  });

  it("offers no create form to a viewer", async () => {
    setup("viewer");
    renderApp("/companies");
    await screen.findByRole("link", { name: "US-01" });
    expect(screen.queryByRole("button", { name: "Create company" })).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
  });
});
