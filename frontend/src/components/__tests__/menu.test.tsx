import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { Menu, type MenuItem } from "../Menu";

function renderMenu(items: MenuItem[]) {
  const router = createMemoryRouter(
    [
      {
        path: "/",
        element: (
          <>
            <button type="button">Before</button>
            <Menu label="NA actions" items={items}>
              <span aria-hidden="true">⋯</span>
            </Menu>
            <button type="button">After</button>
          </>
        ),
      },
      { path: "/elsewhere", element: <p>Elsewhere</p> },
    ],
    { initialEntries: ["/"] },
  );
  render(<RouterProvider router={router} />);
  return { router, button: screen.getByRole("button", { name: "NA actions" }) };
}

function items() {
  const get = vi.fn();
  const refresh = vi.fn();
  const list: MenuItem[] = [
    { kind: "action", label: "Get token", onSelect: get, disabled: true, note: "Click Edit first" },
    { kind: "action", label: "Refresh", onSelect: refresh },
    { kind: "link", label: "Open US-01", to: "/elsewhere" },
  ];
  return { get, refresh, list };
}

const menuItems = () => screen.getAllByRole("menuitem");

describe("menu button", () => {
  it.each(["{Enter}", " ", "{ArrowDown}"])(
    "%s opens it on the first item that can be chosen",
    async (key) => {
      const { button } = renderMenu(items().list);
      button.focus();
      await userEvent.keyboard(key);
      expect(screen.getByRole("menu", { name: "NA actions" })).toBeInTheDocument();
      expect(button).toHaveAttribute("aria-expanded", "true");
      expect(screen.getByRole("menuitem", { name: "Refresh" })).toHaveFocus();
    },
  );

  it("ArrowUp opens it on the last item", async () => {
    const { button } = renderMenu(items().list);
    button.focus();
    await userEvent.keyboard("{ArrowUp}");
    expect(screen.getByRole("menuitem", { name: "Open US-01" })).toHaveFocus();
  });

  it("arrows, Home and End move through every item, wrapping around", async () => {
    const { button } = renderMenu(items().list);
    button.focus();
    await userEvent.keyboard("{Enter}");
    const [get, refresh, open] = menuItems();
    await userEvent.keyboard("{ArrowDown}");
    expect(open).toHaveFocus();
    await userEvent.keyboard("{ArrowDown}");
    expect(get).toHaveFocus();
    expect(get).toHaveAttribute("aria-disabled", "true");
    expect(get).toHaveAccessibleDescription("Click Edit first");
    await userEvent.keyboard("{ArrowUp}");
    expect(open).toHaveFocus();
    await userEvent.keyboard("{Home}");
    expect(get).toHaveFocus();
    await userEvent.keyboard("{End}");
    expect(open).toHaveFocus();
    await userEvent.keyboard("{ArrowUp}");
    expect(refresh).toHaveFocus();
  });

  it("Enter or Space chooses an item and closes; a disabled item does nothing", async () => {
    const { get, refresh, list } = items();
    const { button } = renderMenu(list);
    button.focus();
    await userEvent.keyboard("{Enter}");
    await userEvent.keyboard("{ArrowUp}{Enter}");
    expect(get).not.toHaveBeenCalled();
    expect(screen.getByRole("menu")).toBeInTheDocument();

    await userEvent.keyboard("{ArrowDown} ");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });

  it("Space follows a link item", async () => {
    const { router, button } = renderMenu(items().list);
    button.focus();
    await userEvent.keyboard("{ArrowUp}");
    expect(screen.getByRole("menuitem", { name: "Open US-01" })).toHaveFocus();
    await userEvent.keyboard(" ");
    expect(router.state.location.pathname).toBe("/elsewhere");
  });

  it("Escape closes it and gives the focus back to the button", async () => {
    const { button } = renderMenu(items().list);
    await userEvent.click(button);
    expect(screen.getByRole("menuitem", { name: "Refresh" })).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(button).toHaveFocus();
  });

  it("Tab closes it and moves on to the next element; Shift+Tab to the one before", async () => {
    const { button } = renderMenu(items().list);
    button.focus();
    await userEvent.keyboard("{Enter}");
    await userEvent.tab();
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "After" })).toHaveFocus();

    button.focus();
    await userEvent.keyboard("{Enter}");
    await userEvent.tab({ shift: true });
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Before" })).toHaveFocus();
  });

  it("a click outside closes it", async () => {
    const { button } = renderMenu(items().list);
    await userEvent.click(button);
    await userEvent.click(screen.getByRole("button", { name: "Before" }));
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });
});
