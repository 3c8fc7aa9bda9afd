/** Admin: the app's SP-API credentials, users, and the mail outbox. */
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/useMe";
import { AppCredentialsSection } from "./AppCredentialsSection";
import { OutboxSection } from "./OutboxSection";
import { UsersSection } from "./UsersSection";

export function AdminPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.isAdmin) {
    return (
      <>
        <h1>{t("admin.title")}</h1>
        <p className="error-box" role="alert">
          {t("admin.onlyAdmins")}
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <AppCredentialsSection />
      <UsersSection />
      <OutboxSection />
    </>
  );
}
