"""Notifications people must see, each once (by a dedupe key), and e-mail through SMTP or the outbox."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Sequence
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw

from app.audit.schemas import NotificationPage, NotificationView, OutboxMessageView, OutboxPage
from app.audit.tables import Notification, NotificationRead, OutboxMessage
from app.companies.hierarchy import subtree_condition
from app.lib.clock import Clock
from app.lib.errors import NotFound
from app.lib.i18n import DEFAULT_LANGUAGE, ENGLISH, Language, Phrase, Translator

log = logging.getLogger(__name__)

# A mail SMTP refused is tried again after 5 minutes, then twice as long each time up to a day: 12 tries span
# about four days.
RESEND_TRIES = 12
RESEND_FIRST = timedelta(minutes=5)
RESEND_LONGEST = timedelta(days=1)
# Mails tried per run (every 5 minutes): a relay that was away catches up at 240 an hour.
RESEND_BATCH = 20


def resend_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed try a mail waits for the next."""
    return min(RESEND_FIRST * (1 << (attempts - 1)), RESEND_LONGEST)


class ResendRun(msgspec.Struct, frozen=True):
    """What a resend run did: mails sent now, failed again (waiting for their next try), given up."""

    sent: int
    failed: int
    given_up: int


class Mailer:
    """Sends through SMTP when a host is configured; otherwise the message waits in the outbox table.

    A mail SMTP refuses (the server away, a temporary error) is kept with its next try, and `resend_due` (a worker
    cron) sends it then, backing off up to a day between tries; after RESEND_TRIES tries it is given up (logged, and
    "not sent" in the outbox). A try is claimed on the row first, so however many workers run, a mail goes once.
    """

    def __init__(self, clock: Clock, smtp_host: str | None, smtp_port: int, sender: str) -> None:
        self.clock = clock
        self.smtp_host = smtp_host
        self.smtp_port = smtp_port
        self.sender = sender

    async def send(self, recipient: str, subject: str, body: str) -> None:
        sent = await self._try(recipient, subject, body) if self.smtp_host else False
        now = self.clock.now()
        retry = self.smtp_host is not None and not sent
        await OutboxMessage.insert(
            OutboxMessage(
                recipient=recipient,
                subject=subject,
                body=body,
                created_at=now,
                sent_at=now if sent else None,
                attempts=1 if self.smtp_host else 0,
                next_attempt_at=now + resend_delay(1) if retry else None,
            )
        )

    async def resend_due(self, limit: int = RESEND_BATCH) -> ResendRun:
        """Try again the mails whose next try is due (the longest waiting first); each is claimed before it is sent.

        A run stops at the first failure: the relay is probably away, and the others keep their turn (the failed
        one's next try moves behind them)."""
        if not self.smtp_host:
            return ResendRun(sent=0, failed=0, given_up=0)
        now = self.clock.now()
        due = (
            await OutboxMessage.select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.next_attempt_at)
            .where(OutboxMessage.sent_at.is_null() & (OutboxMessage.next_attempt_at <= now))
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        )
        sent = failed = given_up = 0
        for row in due:
            attempt = int(row["attempts"]) + 1
            last = attempt >= RESEND_TRIES
            # The claim: only the worker whose UPDATE still sees the old next try sends this one.
            claimed = (
                await OutboxMessage.update(
                    {
                        OutboxMessage.attempts: attempt,
                        OutboxMessage.next_attempt_at: None if last else now + resend_delay(attempt),
                    }
                )
                .where((OutboxMessage.id == row["id"]) & (OutboxMessage.next_attempt_at == row["next_attempt_at"]))
                .returning(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
            )
            if not claimed:
                continue
            mail = claimed[0]
            if await self._try(mail["recipient"], mail["subject"], mail["body"]):
                await OutboxMessage.update(
                    {OutboxMessage.sent_at: self.clock.now(), OutboxMessage.next_attempt_at: None}
                ).where(OutboxMessage.id == row["id"])
                sent += 1
            elif last:
                given_up += 1
                log.error("mail %s given up after %d tries: it stays unsent in the outbox", row["id"], attempt)
                break
            else:
                failed += 1
                break
        return ResendRun(sent=sent, failed=failed, given_up=given_up)

    async def _try(self, recipient: str, subject: str, body: str) -> bool:
        try:
            await asyncio.to_thread(self._smtp, recipient, subject, body)
        except (OSError, smtplib.SMTPException) as failure:
            log.error("mail to the %s domain failed: %s", recipient.rsplit("@", 1)[-1], type(failure).__name__)
            return False
        return True

    async def outbox(self, limit: int, offset: int) -> OutboxPage:
        rows = (
            await OutboxMessage.select()
            .order_by(OutboxMessage.created_at, ascending=False)
            .order_by(OutboxMessage.id, ascending=False)
            .limit(limit)
            .offset(offset)
        )
        return OutboxPage(
            smtp_configured=bool(self.smtp_host),
            items=[
                OutboxMessageView(
                    id=r["id"],
                    recipient=r["recipient"],
                    subject=r["subject"],
                    body=r["body"],
                    created_at=r["created_at"],
                    sent_at=r["sent_at"],
                )
                for r in rows
            ],
            total=await OutboxMessage.count(),
            limit=limit,
            offset=offset,
        )

    def _smtp(self, recipient: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, recipient, subject
        message.set_content(body)
        with smtplib.SMTP(self.smtp_host or "", self.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """One notification to record (and mail), identified by its dedupe key.

    Title and body are phrases: the bell shows them in each reader's language, the e-mail goes out in `language`
    (the company's).
    """

    dedupe_key: str
    kind: str
    title: Sequence[Phrase]
    body: Sequence[Phrase]
    company_id: int | None = None
    severity: str = "warning"
    email: str | None = None
    language: Language = DEFAULT_LANGUAGE


class _Message(msgspec.Struct, frozen=True):
    """What the `message` column holds."""

    title: list[Phrase]
    body: list[Phrase]


_decode_message = msgspec.json.Decoder(_Message).decode


class NotificationService:
    def __init__(self, clock: Clock, mailer: Mailer) -> None:
        self.clock = clock
        self.mailer = mailer

    async def notify(
        self,
        *,
        dedupe_key: str,
        kind: str,
        title: Sequence[Phrase],
        body: Sequence[Phrase],
        company_id: int | None = None,
        severity: str = "warning",
        email: str | None = None,
        language: Language = DEFAULT_LANGUAGE,
    ) -> bool:
        """Record (and mail) a notification unless one with this key exists; True when it is new."""
        notice = Notice(
            dedupe_key=dedupe_key,
            kind=kind,
            title=title,
            body=body,
            company_id=company_id,
            severity=severity,
            email=email,
            language=language,
        )
        return await self.notify_many([notice]) == 1

    async def existing_keys(self, keys: list[str]) -> set[str]:
        """Which of these dedupe keys were notified already (in chunks: PostgreSQL takes 32,767 parameters)."""
        found: set[str] = set()
        for start in range(0, len(keys), 1000):
            rows = await Notification.select(Notification.dedupe_key).where(
                Notification.dedupe_key.is_in(keys[start : start + 1000])
            )
            found.update(r["dedupe_key"] for r in rows)
        return found

    async def notify_many(self, notices: list[Notice]) -> int:
        """`notify` for many at once: multi-row INSERT … ON CONFLICT DO NOTHING; mail only for the new ones."""
        created = 0
        for start in range(0, len(notices), 500):
            chunk = notices[start : start + 500]
            now = self.clock.now()
            args: list[Any] = []
            for n in chunk:
                title, body = ENGLISH.text(n.title), ENGLISH.text(n.body)
                message = msgspec.json.encode(_Message(list(n.title), list(n.body))).decode()
                args += [n.company_id, n.kind, n.severity, title[:300], body, message, n.dedupe_key[:200], now]
            # Only "{}" placeholders are joined into the statement; every value travels as a parameter.
            values = ", ".join(["({}, {}, {}, {}, {}, {}, {}, {})"] * len(chunk))
            statement = (
                "INSERT INTO notification (company, kind, severity, title, body, message, dedupe_key, created_at) "  # noqa: S608
                "VALUES " + values + " ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key"
            )
            rows = await Notification.raw(statement, *args)
            inserted = {r["dedupe_key"] for r in rows}
            created += len(inserted)
            for n in chunk:
                if n.email and n.dedupe_key[:200] in inserted:
                    t = Translator(n.language)
                    await self.mailer.send(n.email, t.text(n.title), t.text(n.body))
        return created

    async def resolve_prefixed(self, prefixes: list[str]) -> int:
        """Mark resolved the unresolved notifications whose dedupe key starts with one of `prefixes`."""
        resolved = 0
        for prefix in prefixes:
            pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = (
                await Notification.update({Notification.resolved_at: self.clock.now()})
                .where(WhereRaw("dedupe_key LIKE {} ESCAPE '\\'", pattern) & Notification.resolved_at.is_null())
                .returning(Notification.id)
            )
            resolved += len(rows)
        return resolved

    async def page(
        self,
        scope: list[int] | None,
        reader: int,
        *,
        unread_only: bool,
        limit: int,
        offset: int,
        language: Language = DEFAULT_LANGUAGE,
    ) -> NotificationPage:
        """The notifications of the companies in `scope`, newest first, in the reader's language; read and unread
        as `reader` marked them."""
        query = Notification.select(*Notification.all_columns(), Notification.company.code.as_alias("company_code"))
        count = Notification.count()
        conditions: list[Any] = []
        if scope is not None:
            sql, args = subtree_condition(scope, column="company")
            conditions.append(WhereRaw(sql, *args))
        unread_condition = WhereRaw(
            "notification.resolved_at IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM notification_read r WHERE r.notification = notification.id AND r.reader = {})",
            reader,
        )
        listed = [*conditions, unread_condition] if unread_only else conditions
        for condition in listed:
            query, count = query.where(condition), count.where(condition)
        rows = await query.order_by(Notification.created_at, ascending=False).limit(limit).offset(offset)
        unread = await Notification.count().where(*conditions, unread_condition)
        read_at = await self._read_at([r["id"] for r in rows], reader)
        return NotificationPage(
            items=[_view(r, read_at.get(r["id"]), Translator(language)) for r in rows],
            total=await count,
            unread=unread,
            limit=limit,
            offset=offset,
        )

    async def mark_read(
        self, notification_id: int, scope: list[int] | None, reader: int, language: Language = DEFAULT_LANGUAGE
    ) -> NotificationView:
        """Mark a notification read for this user only: others (the admins it warns) still see it unread."""
        visible: Any = Notification.id == notification_id
        if scope is not None:
            sql, args = subtree_condition(scope, column="company")
            visible = visible & WhereRaw(sql, *args)
        rows = await Notification.select(
            *Notification.all_columns(), Notification.company.code.as_alias("company_code")
        ).where(visible)
        if not rows:
            raise NotFound(f"Notification {notification_id} does not exist.")
        await NotificationRead.insert(
            NotificationRead(
                notification=notification_id,
                reader=reader,
                reader_key=f"{notification_id}:{reader}",
                read_at=self.clock.now(),
            )
        ).on_conflict(target=NotificationRead.reader_key, action="DO NOTHING")
        read_at = (await self._read_at([notification_id], reader)).get(notification_id)
        return _view(rows[0], read_at, Translator(language))

    @staticmethod
    async def _read_at(notification_ids: list[int], reader: int) -> dict[int, Any]:
        if not notification_ids:
            return {}
        rows = await NotificationRead.select(NotificationRead.notification, NotificationRead.read_at).where(
            NotificationRead.notification.is_in(notification_ids) & (NotificationRead.reader == reader)
        )
        return {r["notification"]: r["read_at"] for r in rows}


def _view(row: dict[str, Any], read_at: Any, t: Translator) -> NotificationView:
    title, body = row["title"], row["body"]
    if row.get("message"):  # notifications stored before phrases were are shown in English, as stored
        message = _decode_message(row["message"])
        title, body = t.text(message.title), t.text(message.body)
    return NotificationView(
        id=row["id"],
        kind=row["kind"],
        severity=row["severity"],
        title=title,
        body=body,
        company_id=row["company"],
        company_code=row["company_code"],
        created_at=row["created_at"],
        read_at=read_at,
        resolved_at=row["resolved_at"],
    )
