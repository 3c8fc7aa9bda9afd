/** The signed-in frame: top bar (app name, nav, notifications, user menu) and the page. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { api, ApiError, setCsrfToken, unwrap } from "../api/client";
import { meQuery } from "../api/queries";
import { ROLE_TEXT } from "../lib/format";
import { loginPathFor } from "../lib/safeNext";
import { useMe } from "../lib/useMe";
import { Menu } from "./Menu";
import { NotificationsBell } from "./NotificationsBell";
import { ErrorBox, Loading } from "./QueryState";

export function SignedInLayout() {
  const me = useQuery(meQuery);
  const location = useLocation();
  if (me.isPending) {
    return (
      <main id="main" className="page">
        <Loading what="your session" />
      </main>
    );
  }
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      return <Navigate to={loginPathFor(location.pathname + location.search)} replace />;
    }
    return (
      <main id="main" className="page">
        <ErrorBox error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  }
  return <Frame />;
}

function Frame() {
  const me = useMe();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">ERP Settings</span>
        <nav aria-label="Main">
          <NavLink to="/companies">Companies</NavLink>
          {me.isAdmin && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <div className="topbar-right">
          <NotificationsBell />
          <UserMenu />
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

function UserMenu() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/logout")),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      void navigate("/login", { replace: true });
    },
  });
  return (
    <Menu
      label={`${me.displayName} (${ROLE_TEXT[me.role]})`}
      className="user-menu"
      items={[{ kind: "action", label: "Sign out", onSelect: () => logout.mutate() }]}
    >
      <span className="user-name">{me.displayName}</span>{" "}
      <span className="user-role">({ROLE_TEXT[me.role]})</span>
    </Menu>
  );
}
