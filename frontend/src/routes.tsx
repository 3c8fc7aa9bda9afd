/** Every route of the app; main.tsx makes a browser router of them, tests a memory router. */
import { Navigate, type RouteObject } from "react-router";
import { SignedInLayout } from "./components/Layout";
import { AdminPage } from "./pages/admin/AdminPage";
import { AuditPage } from "./pages/AuditPage";
import { CompaniesPage } from "./pages/companies/CompaniesPage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SettingsPage } from "./pages/settings/SettingsPage";

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage /> },
  {
    element: <SignedInLayout />,
    children: [
      { index: true, element: <Navigate to="/companies" replace /> },
      { path: "companies", element: <CompaniesPage /> },
      { path: "companies/:companyId/amazon", element: <SettingsPage /> },
      { path: "companies/:companyId/audit", element: <AuditPage /> },
      { path: "admin", element: <AdminPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
