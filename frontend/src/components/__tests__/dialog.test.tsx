import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { ConfirmDialog } from "../Dialog";

function Page({ onConfirm }: { onConfirm: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Cancel draft
      </button>
      <button type="button">Elsewhere</button>
      {open && (
        <ConfirmDialog
          title="Discard your changes?"
          confirmLabel="Discard"
          cancelLabel="Keep editing"
          onConfirm={onConfirm}
          onCancel={() => setOpen(false)}
        >
          <p>Your changes will be thrown away.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

describe("confirm dialog", () => {
  it("takes the focus, keeps it inside on Tab and Shift+Tab, and gives it back on Escape", async () => {
    const onConfirm = vi.fn();
    render(<Page onConfirm={onConfirm} />);
    const opener = screen.getByRole("button", { name: "Cancel draft" });
    await userEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "Discard your changes?" });
    expect(dialog).toHaveAccessibleDescription("Your changes will be thrown away.");
    const keep = screen.getByRole("button", { name: "Keep editing" });
    const discard = screen.getByRole("button", { name: "Discard" });
    expect(keep).toHaveFocus();

    await userEvent.tab();
    expect(discard).toHaveFocus();
    await userEvent.tab();
    expect(keep).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(discard).toHaveFocus();

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("brings focus that got out back inside", async () => {
    render(<Page onConfirm={vi.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Cancel draft" }));
    screen.getByRole("button", { name: "Elsewhere" }).focus();
    expect(screen.getByRole("button", { name: "Keep editing" })).toHaveFocus();
  });
});
