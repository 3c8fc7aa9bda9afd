/** The signed-in user and what their role allows; only used below the signed-in layout. */
import { useQuery } from "@tanstack/react-query";
import { meQuery } from "../api/session";
import type { Schemas } from "../api/client";

export type Me = Schemas["CurrentUser"] & {
  isAdmin: boolean;
  canTest: boolean;
  canSeeAudit: boolean;
};

const NOBODY: Schemas["CurrentUser"] = { id: 0, username: "", displayName: "", role: "viewer" };

export function useMe(): Me {
  const { data } = useQuery(meQuery);
  // Between a sign-out (or an expired session) and leaving the page, act as a user who may do nothing.
  const user = data?.user ?? NOBODY;
  return {
    ...user,
    isAdmin: user.role === "admin",
    canTest: user.role === "admin" || user.role === "support",
    canSeeAudit: user.role === "admin" || user.role === "support",
  };
}
