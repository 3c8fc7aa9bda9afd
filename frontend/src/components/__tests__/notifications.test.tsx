import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { fakeApi } from "../../test/api";
import { basics } from "../../test/fixtures";
import { renderApp } from "../../test/render";

function notification(id: number, title: string, readAt: string | null = null): Schemas["NotificationView"] {
  return {
    id,
    kind: "authorization_expiring",
    severity: "warning",
    title,
    body: "Get a new Selling Partner API token before it expires.",
    companyId: 1,
    companyCode: "US-01",
    createdAt: "2026-11-23T08:00:00Z",
    readAt,
  };
}

function setup() {
  const items = [
    notification(1, "US-01 NA expires in 14 days"),
    notification(2, "UK-01 EU expires in 7 days"),
    notification(3, "DE-01 EU expired", "2026-11-22T08:00:00Z"),
  ];
  const page = () => ({
    items,
    total: items.length,
    unread: items.filter((n) => !n.readAt).length,
    limit: 50,
    offset: 0,
  });
  const api = fakeApi({ ...basics("admin"), "GET /api/notifications": page });
  api.on("POST /api/notifications/:id/read", (call) => {
    const index = items.findIndex((n) => n.id === Number(call.params.id));
    items[index] = { ...items[index]!, readAt: "2026-11-23T09:00:00Z" };
    return items[index];
  });
  return api;
}

describe("notifications bell", () => {
  it("shows the unread count, lists the notifications and marks one read", async () => {
    const api = setup();
    renderApp("/nowhere");
    const bell = await screen.findByRole("button", { name: "Notifications" });
    await waitFor(() => expect(bell).toHaveAccessibleDescription("2 unread"));
    expect(bell).toHaveAttribute("aria-expanded", "false");

    await userEvent.click(bell);
    expect(bell).toHaveAttribute("aria-expanded", "true");
    const panel = screen.getByRole("region", { name: "Notifications list" });
    const items = within(panel).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("US-01 NA expires in 14 days");
    expect(within(items[0]!).getByRole("link", { name: "Open US-01" })).toHaveAttribute(
      "href",
      "/companies/1/amazon",
    );
    // A read notification offers no "Mark read".
    expect(within(items[2]!).queryByRole("button")).not.toBeInTheDocument();

    await userEvent.click(
      within(panel).getByRole("button", { name: "Mark read: US-01 NA expires in 14 days" }),
    );
    await waitFor(() => expect(bell).toHaveAccessibleDescription("1 unread"));
    expect(api.callsTo("POST /api/notifications/:id/read")[0]!.path).toBe("/api/notifications/1/read");
    expect(api.callsTo("POST /api/notifications/:id/read")[0]!.headers.get("X-CSRF-Token")).toBe("csrf-123");
    expect(
      within(panel).queryByRole("button", { name: "Mark read: US-01 NA expires in 14 days" }),
    ).not.toBeInTheDocument();
    // The button is gone, the focus stays in the panel.
    await waitFor(() => expect(panel).toContainElement(document.activeElement as HTMLElement));
  });

  it("closes on Escape and gives the focus back to the bell", async () => {
    setup();
    renderApp("/nowhere");
    const bell = await screen.findByRole("button", { name: "Notifications" });
    await userEvent.click(bell);
    const panel = screen.getByRole("region", { name: "Notifications list" });
    await userEvent.tab();
    expect(panel).toContainElement(document.activeElement as HTMLElement);

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("region", { name: "Notifications list" })).not.toBeInTheDocument();
    expect(bell).toHaveAttribute("aria-expanded", "false");
    expect(bell).toHaveFocus();
  });
});
