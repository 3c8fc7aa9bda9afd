/** Users: who may sign in, with which role and companies; create and deactivate (unscoped admins only). */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useCreateUser, useDeactivateUser, usersQuery } from "../../api/admin";
import { fieldErrors, type Schemas } from "../../api/client";
import { ConfirmDialog } from "../../components/Dialog";
import { FieldError } from "../../components/FieldError";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { formatDate, roleText } from "../../lib/format";
import { useMe } from "../../lib/useMe";

type UserView = Schemas["UserView"];
type Role = UserView["role"];

export function UsersSection() {
  const { t } = useTranslation();
  const me = useMe();
  const users = useQuery(usersQuery);
  const [toDeactivate, setToDeactivate] = useState<UserView | null>(null);
  const deactivate = useDeactivateUser({ mutationConfig: { onSuccess: () => setToDeactivate(null) } });

  let body;
  if (users.isPending) body = <Loading text={t("admin.users.loading")} />;
  else if (users.isError) body = <ErrorBox error={users.error} onRetry={() => void users.refetch()} />;
  else if (users.data.items.length === 0) body = <Empty>{t("admin.users.none")}</Empty>;
  else
    body = (
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t("admin.users.username")}</th>
            <th scope="col">{t("admin.users.name")}</th>
            <th scope="col">{t("admin.users.role")}</th>
            <th scope="col">{t("admin.users.companies")}</th>
            <th scope="col">{t("admin.users.created")}</th>
            <th scope="col">{t("admin.users.status")}</th>
          </tr>
        </thead>
        <tbody>
          {users.data.items.map((u) => (
            <tr key={u.id} className={u.active ? undefined : "inactive"}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td data-label={t("admin.users.role")}>{roleText(u.role)}</td>
              <td data-label={t("admin.users.companies")}>
                {u.companyScope ? u.companyScope.map((c) => c.code).join(", ") : t("admin.users.all")}
              </td>
              <td className="nowrap" data-label={t("admin.users.created")}>
                {formatDate(u.createdAt)}
              </td>
              <td data-label={t("admin.users.status")}>
                {u.active ? t("admin.users.active") : t("admin.users.deactivated")}
                {u.active && u.id !== me.id && (
                  <>
                    {" "}
                    <button
                      type="button"
                      className="small"
                      aria-label={t("admin.users.deactivateUser", { name: u.username })}
                      onClick={() => setToDeactivate(u)}
                    >
                      {t("admin.users.deactivate")}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section className="panel" aria-labelledby="users-title">
      <h2 id="users-title">{t("admin.users.title")}</h2>
      {body}
      {deactivate.isError && <ErrorBox error={deactivate.error} title={t("admin.users.notDeactivated")} />}
      <CreateUserForm />
      {toDeactivate && (
        <ConfirmDialog
          title={t("admin.users.deactivateTitle", { name: toDeactivate.username })}
          confirmLabel={t("admin.users.deactivate")}
          danger
          busy={deactivate.isPending}
          onConfirm={() => deactivate.mutate(toDeactivate.id)}
          onCancel={() => setToDeactivate(null)}
        >
          <p>{t("admin.users.deactivateText", { name: toDeactivate.displayName })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CreateUserForm() {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const [companies, setCompanies] = useState("");
  const create = useCreateUser({
    mutationConfig: {
      onSuccess: () => {
        setUsername("");
        setDisplayName("");
        setPassword("");
        setCompanies("");
      },
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      username,
      displayName,
      role,
      password,
      companyCodes: companies
        .split(/[\s,]+/)
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    });
  };
  const field = (id: string, name: string) => ({
    id,
    "aria-invalid": Boolean(errors[name]) || undefined,
    "aria-describedby": errors[name] ? `${id}-error` : undefined,
  });
  return (
    <form className="inline-form" onSubmit={onSubmit} aria-labelledby="new-user-title" noValidate>
      <h3 id="new-user-title">{t("admin.users.newUser")}</h3>
      <div className="field">
        <label htmlFor="user-username">{t("admin.users.username")}</label>
        <input
          {...field("user-username", "username")}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoComplete="off"
        />
        <FieldError id="user-username-error" message={errors.username} />
      </div>
      <div className="field">
        <label htmlFor="user-display">{t("admin.users.displayName")}</label>
        <input
          {...field("user-display", "displayName")}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <FieldError id="user-display-error" message={errors.displayName} />
      </div>
      <div className="field">
        <label htmlFor="user-role">{t("admin.users.role")}</label>
        <select
          {...field("user-role", "role")}
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          <option value="viewer">{roleText("viewer")}</option>
          <option value="support">{roleText("support")}</option>
          <option value="admin">{roleText("admin")}</option>
        </select>
        <FieldError id="user-role-error" message={errors.role} />
      </div>
      <div className="field">
        <label htmlFor="user-password">{t("admin.users.initialPassword")}</label>
        <input
          {...field("user-password", "password")}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <span className="hint">{t("admin.users.passwordHint")}</span>
        <FieldError id="user-password-error" message={errors.password} />
      </div>
      <div className="field">
        <label htmlFor="user-companies">{t("admin.users.limitTo")}</label>
        <input
          {...field("user-companies", "companyCodes")}
          value={companies}
          placeholder={t("admin.users.limitPlaceholder")}
          onChange={(e) => setCompanies(e.target.value)}
        />
        <FieldError id="user-companies-error" message={errors.companyCodes} />
      </div>
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? t("companies.create.creating") : t("admin.users.create")}
      </button>
      {create.isError && Object.keys(errors).length === 0 && <ErrorBox error={create.error} />}
      {create.isSuccess && (
        <p className="notice">{t("admin.users.createdUser", { name: create.data.username })}</p>
      )}
    </form>
  );
}
