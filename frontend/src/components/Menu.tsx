/** A menu button (WAI-ARIA pattern): Enter/Space/arrows open it, arrows move, Escape closes and returns focus. */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Link } from "react-router";
import { useDismissOnOutsideClick } from "../lib/useDismissOnOutsideClick";

export type MenuItem =
  | {
      kind: "action";
      label: string;
      onSelect: () => void;
      disabled?: boolean;
      /** Shown under the label and read as the item's description, e.g. why it is disabled. */
      note?: string;
    }
  | { kind: "link"; label: string; to: string };

type Props = {
  label: string;
  /** The button's visible content; the accessible name is `label`. */
  children: ReactNode;
  items: MenuItem[];
  className?: string;
  align?: "left" | "right";
};

export function Menu({ label, children, items, className, align = "right" }: Props) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);

  useEffect(() => {
    if (!open) return;
    const items = menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]');
    items?.[focusIndex]?.focus();
  }, [open, focusIndex]);

  useDismissOnOutsideClick(wrapperRef, open, () => setOpen(false));

  const enabled = items.flatMap((item, index) => (item.kind === "action" && item.disabled ? [] : [index]));
  /** Opening focuses the first (or last) item that can be chosen; disabled items stay reachable by arrows. */
  const openAt = (end: "first" | "last") => {
    const index = end === "first" ? (enabled[0] ?? 0) : (enabled[enabled.length - 1] ?? items.length - 1);
    setFocusIndex(index);
    setOpen(true);
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onButtonKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "ArrowDown" || event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openAt("first");
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      openAt("last");
    }
  };

  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        setFocusIndex((i) => (i + 1) % items.length);
        break;
      case "ArrowUp":
        event.preventDefault();
        setFocusIndex((i) => (i - 1 + items.length) % items.length);
        break;
      case "Home":
        event.preventDefault();
        setFocusIndex(0);
        break;
      case "End":
        event.preventDefault();
        setFocusIndex(items.length - 1);
        break;
      case "Escape":
        event.preventDefault();
        close(true);
        break;
      case "Tab":
        // From the button, the browser's Tab goes on to the element after (or before) the menu.
        close(true);
        break;
    }
  };

  return (
    <div
      className={`menu ${className ?? ""}`}
      ref={wrapperRef}
      onBlur={(event) => {
        // Focus that leaves the menu by other means than Tab or Escape (a screen reader, a click elsewhere).
        if (open && event.relatedTarget && !wrapperRef.current?.contains(event.relatedTarget as Node)) {
          setOpen(false);
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="menu-button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => (open ? close(false) : openAt("first"))}
        onKeyDown={onButtonKey}
      >
        {children}
      </button>
      {open && (
        <ul
          id={id}
          role="menu"
          aria-label={label}
          className={`menu-list menu-${align}`}
          ref={menuRef}
          onKeyDown={onMenuKey}
        >
          {items.map((item, index) => (
            <li role="none" key={item.label}>
              {item.kind === "link" ? (
                <Link
                  role="menuitem"
                  to={item.to}
                  tabIndex={-1}
                  className="menu-item"
                  onClick={() => close(false)}
                  onFocus={() => setFocusIndex(index)}
                  onKeyDown={(event) => {
                    // Enter follows a link natively; a menu item also answers to Space.
                    if (event.key !== " ") return;
                    event.preventDefault();
                    event.currentTarget.click();
                  }}
                >
                  {item.label}
                </Link>
              ) : (
                <div
                  role="menuitem"
                  tabIndex={-1}
                  className="menu-item"
                  aria-disabled={item.disabled || undefined}
                  aria-describedby={item.note ? `${id}-note-${index}` : undefined}
                  onFocus={() => setFocusIndex(index)}
                  onClick={() => {
                    if (item.disabled) return;
                    close(false);
                    item.onSelect();
                  }}
                  onKeyDown={(event) => {
                    if (event.key !== "Enter" && event.key !== " ") return;
                    event.preventDefault();
                    if (item.disabled) return;
                    close(false);
                    item.onSelect();
                  }}
                >
                  <span>{item.label}</span>
                  {item.note && (
                    // Read as the item's description (aria-describedby), not as part of its name.
                    <span className="menu-note" id={`${id}-note-${index}`} aria-hidden="true">
                      {item.note}
                    </span>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
