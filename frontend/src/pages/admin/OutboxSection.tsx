/** Mail that the app queued (expiry reminders); the only place to read it when no SMTP server is configured. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { OUTBOX_PAGE_SIZE, outboxQuery } from "../../api/admin";
import { Pager } from "../../components/Pager";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { formatDateTime } from "../../lib/format";

export function OutboxSection() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const outbox = useQuery({ ...outboxQuery(offset), placeholderData: keepPreviousData });
  let body;
  if (outbox.isPending) body = <Loading text={t("admin.outbox.loading")} />;
  else if (outbox.isError) body = <ErrorBox error={outbox.error} onRetry={() => void outbox.refetch()} />;
  else {
    const page = outbox.data;
    body = (
      <>
        <p className={page.smtpConfigured ? "muted" : "notice"}>
          {page.smtpConfigured ? t("admin.outbox.smtp") : t("admin.outbox.noSmtp")}
        </p>
        {page.items.length === 0 ? (
          <Empty>{t("admin.outbox.empty")}</Empty>
        ) : (
          <>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("admin.outbox.created")}</th>
                  <th scope="col">{t("admin.outbox.to")}</th>
                  <th scope="col">{t("admin.outbox.subject")}</th>
                  <th scope="col">{t("admin.outbox.sent")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((m) => (
                  <tr key={m.id}>
                    <td className="nowrap">{formatDateTime(m.createdAt)}</td>
                    <td data-label={t("admin.outbox.to")}>{m.recipient}</td>
                    <td>
                      <details>
                        <summary>{m.subject}</summary>
                        <pre className="mail-body">{m.body}</pre>
                      </details>
                    </td>
                    <td className="nowrap" data-label={t("admin.outbox.sent")}>
                      {m.sentAt ? formatDateTime(m.sentAt) : t("admin.outbox.notSent")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              offset={offset}
              shown={page.items.length}
              total={page.total}
              pageSize={OUTBOX_PAGE_SIZE}
              onOffset={setOffset}
            />
          </>
        )}
      </>
    );
  }
  return (
    <section className="panel" aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t("admin.outbox.title")}</h2>
      {body}
    </section>
  );
}
