/**
 * The bell: unread count, and a panel listing expiry reminders and other notices with "Mark read"; a notice whose
 * problem is over shows as resolved.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../api/client";
import { notificationsQuery, useMarkNotificationRead } from "../api/notifications";
import { formatDateTime } from "../lib/format";
import { Empty, ErrorBox, Loading } from "./QueryState";
import { useDismissOnOutsideClick } from "../lib/useDismissOnOutsideClick";

/** Resolved (what it warned about is over) and read ones are muted; a resolved one is never unread. */
function itemClass(item: Schemas["NotificationView"]): string {
  if (item.resolvedAt) return "resolved";
  return item.readAt ? "read" : `unread severity-${item.severity}`;
}

export function NotificationsBell() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const countId = useId();
  const wrapperRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const notifications = useQuery(notificationsQuery);
  const markRead = useMarkNotificationRead();
  const unread = notifications.data?.unread ?? 0;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const markedRef = useRef(false);

  // "Mark read" disappears once the item is read: keep the keyboard user's focus in the panel.
  useEffect(() => {
    if (!markedRef.current || !open) return;
    markedRef.current = false;
    if (!panelRef.current?.contains(document.activeElement)) headingRef.current?.focus();
  }, [notifications.data, open]);

  useDismissOnOutsideClick(wrapperRef, open, () => setOpen(false));

  return (
    <div
      className="bell"
      ref={wrapperRef}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="bell-button"
        aria-label={t("notifications.title")}
        aria-describedby={countId}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
      >
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          />
        </svg>
      </button>
      {/* The count is read as the button's description; the badge only shows it. Inside the button, visible text
          that is not in its name ("Notifications") would confuse speech input (WCAG 2.5.3). */}
      <span id={countId} className="visually-hidden">
        {t("notifications.unread", { count: unread })}
      </span>
      {unread > 0 && (
        <span className="bell-count" aria-hidden="true">
          {unread}
        </span>
      )}
      <section
        id={panelId}
        ref={panelRef}
        className="bell-panel"
        aria-label={t("notifications.list")}
        hidden={!open}
      >
        <h2 ref={headingRef} tabIndex={-1}>
          {t("notifications.title")}
        </h2>
        {notifications.isPending ? (
          <Loading text={t("notifications.loading")} />
        ) : notifications.isError ? (
          <ErrorBox error={notifications.error} onRetry={() => void notifications.refetch()} />
        ) : notifications.data.items.length === 0 ? (
          <Empty>{t("notifications.none")}</Empty>
        ) : (
          <ul className="notification-list">
            {notifications.data.items.map((item) => (
              <li key={item.id} className={itemClass(item)}>
                <div className="notification-head">
                  <strong>{item.title}</strong>
                  <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
                </div>
                {item.resolvedAt && (
                  <p className="resolved-note">
                    {t("notifications.resolved")}{" "}
                    <time dateTime={item.resolvedAt} className="small-text">
                      ({formatDateTime(item.resolvedAt)})
                    </time>
                  </p>
                )}
                <p>{item.body}</p>
                <div className="notification-actions">
                  {item.companyId != null && (
                    <Link to={`/companies/${item.companyId}/amazon`} onClick={() => setOpen(false)}>
                      {item.companyCode
                        ? t("notifications.open", { code: item.companyCode })
                        : t("notifications.openCompany")}
                    </Link>
                  )}
                  {!item.readAt && !item.resolvedAt && (
                    <button
                      type="button"
                      className="small"
                      aria-label={t("notifications.markReadOf", { title: item.title })}
                      disabled={markRead.isPending}
                      onClick={() => {
                        markedRef.current = true;
                        markRead.mutate(item.id);
                      }}
                    >
                      {t("notifications.markRead")}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        {markRead.isError && <ErrorBox error={markRead.error} />}
      </section>
    </div>
  );
}
