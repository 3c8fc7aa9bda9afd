import { type RefObject, useEffect, useRef } from "react";

/** While `open`, a mouse press outside `ref`'s element calls `dismiss` (menus and pop-over panels). */
export function useDismissOnOutsideClick(
  ref: RefObject<HTMLElement | null>,
  open: boolean,
  dismiss: () => void,
) {
  // The latest callback, so that a new arrow function on each render does not re-subscribe the listener.
  const latest = useRef(dismiss);
  useEffect(() => {
    latest.current = dismiss;
  });
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) latest.current();
    };
    document.addEventListener("mousedown", onPointer);
    return () => document.removeEventListener("mousedown", onPointer);
  }, [ref, open]);
}
