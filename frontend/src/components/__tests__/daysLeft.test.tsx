import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { makeQueryClient } from "../../app";
import { daysText } from "../../lib/format";
import { ExpiryTimeline } from "../../pages/companies/ExpiryTimeline";
import { fakeApi } from "../../test/api";
import { StatusBadge } from "../StatusBadge";

function expiring(code: string, daysLeft: number): Schemas["ExpiringConnection"] {
  // A date that disagrees with daysLeft on purpose: the page must say the server's number, not count again.
  return {
    companyId: 1,
    companyCode: code,
    companyName: `${code} Trading`,
    region: "NA",
    authorizationExpiresAt: "2031-03-01T12:00:00Z",
    daysLeft,
    unifiedMembers: [],
  };
}

describe("days left", () => {
  it("are the server's number in words: never 0 while valid, today under 24 hours", () => {
    render(
      <ul>
        <li>
          <StatusBadge region="NA" status="expiring" daysLeft={30} />
        </li>
        <li>
          <StatusBadge region="EU" status="expiring" daysLeft={2} />
        </li>
        <li>
          <StatusBadge region="FE" status="expiring" daysLeft={1} />
        </li>
      </ul>,
    );
    const badges = screen.getAllByRole("listitem");
    expect(badges[0]).toHaveTextContent("NA expiring in 30 days");
    expect(badges[1]).toHaveTextContent("EU expiring in 2 days");
    expect(badges[2]).toHaveTextContent("FE expiring today");
    expect(daysText(30)).toBe("30 days left");
    expect(daysText(1)).toBe("today");
    expect(daysText(0)).toBe("today");
    expect(daysText(-3)).toBe("3 days ago");
  });

  it("the expiry timeline says the server's daysLeft, whatever the date", async () => {
    fakeApi({
      "GET /api/amazon/expiry-timeline": {
        weeks: [
          {
            start: "2026-11-23",
            end: "2026-11-29",
            count: 2,
            connections: [expiring("US-01", 13), expiring("JP-01", 1)],
          },
        ],
      },
    });
    render(
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter>
          <ExpiryTimeline />
        </MemoryRouter>
      </QueryClientProvider>,
    );

    await userEvent.click(await screen.findByRole("button", { name: /week of 23 Nov$/ }));

    const listed = screen.getAllByRole("listitem");
    expect(listed[0]).toHaveTextContent("(13 days left)");
    expect(listed[1]).toHaveTextContent("(today)");
  });
});
