/** Warns before leaving a draft with unsaved changes: the browser's prompt on unload, a dialog on navigation. */
import { useEffect, useRef } from "react";
import { useBlocker } from "react-router";
import { sessionHasExpired } from "../../api/client";

export function useUnsavedWarning(dirty: boolean) {
  // Set just before leaving on purpose (the same-tab Amazon consent), so the browser does not ask.
  const leavingOnPurpose = useRef(false);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (leavingOnPurpose.current) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !sessionHasExpired() && currentLocation.pathname !== nextLocation.pathname,
  );

  return {
    blocker,
    leaveOnPurpose: () => {
      leavingOnPurpose.current = true;
    },
  };
}
