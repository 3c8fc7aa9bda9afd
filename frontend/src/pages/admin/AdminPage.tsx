/** Admin: the app's SP-API credentials, users, and the mail outbox. */
import { useMe } from "../../lib/useMe";
import { AppCredentialsSection } from "./AppCredentialsSection";
import { OutboxSection } from "./OutboxSection";
import { UsersSection } from "./UsersSection";

export function AdminPage() {
  const me = useMe();
  if (!me.isAdmin) {
    return (
      <>
        <h1>Admin</h1>
        <p className="error-box" role="alert">
          Only admins can open this page.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Admin</h1>
      <AppCredentialsSection />
      <UsersSection />
      <OutboxSection />
    </>
  );
}
