/** The signed-in frame: top bar (app name, nav, language, notifications, user menu) and the page. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { ApiError } from "../api/client";
import { meQuery, useLogout } from "../api/session";
import { roleText } from "../lib/format";
import { loginPathFor } from "../lib/safeNext";
import { useMe } from "../lib/useMe";
import { LanguageMenu } from "./LanguageMenu";
import { Menu } from "./Menu";
import { NotificationsBell } from "./NotificationsBell";
import { ErrorBox, Loading } from "./QueryState";

export function SignedInLayout() {
  const { t } = useTranslation();
  const me = useQuery(meQuery);
  const location = useLocation();
  if (me.isPending) {
    return (
      <main id="main" className="page">
        <Loading text={t("app.loadingSession")} />
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
  const { t } = useTranslation();
  const me = useMe();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        <nav aria-label={t("app.mainNavigation")}>
          <NavLink to="/companies">{t("app.companies")}</NavLink>
          {me.isAdmin && <NavLink to="/admin">{t("app.admin")}</NavLink>}
        </nav>
        <div className="topbar-right">
          <LanguageMenu signedIn />
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
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const logout = useLogout({
    mutationConfig: {
      onSettled: () => {
        void navigate("/login", { replace: true });
      },
    },
  });
  return (
    <Menu
      label={t("app.userMenu", { name: me.displayName, role: roleText(me.role) })}
      className="user-menu"
      items={[{ kind: "action", label: t("app.signOut"), onSelect: () => logout.mutate() }]}
    >
      <span className="user-name">{me.displayName}</span>{" "}
      <span className="user-role">{t("app.roleInParentheses", { role: roleText(me.role) })}</span>
    </Menu>
  );
}
