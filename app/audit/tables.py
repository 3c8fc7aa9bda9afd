"""Audit events; `details` is JSON and never holds a secret."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import User
from app.companies.tables import Company


class AuditEvent(Table):
    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=True, index=True, on_delete=OnDelete.cascade)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = Integer(null=True, default=None)
    actor_name = Varchar(length=200, null=True, default=None)
    ip = Varchar(length=64, null=True, default=None)
    user_agent = Varchar(length=300, null=True, default=None)
    action = Varchar(length=64)
    summary = Text()
    via_company_id = Integer(null=True, default=None)
    via_company_code = Varchar(length=32, null=True, default=None)
    details = Text(default="{}")


class Notification(Table):
    """Something people must see (expiry reminders, re-authorization needed); `dedupe_key` makes each one once."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=True, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=64)
    severity = Varchar(length=16, default="info")
    # In English; `message` holds the same as phrases (app.lib.i18n.Phrase), shown in each reader's language.
    title = Varchar(length=300)
    body = Text()
    message = Text(null=True, default=None)
    dedupe_key = Varchar(length=200, unique=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    # When what it warned about was over (a connection that works again): shown as resolved, no longer unread.
    resolved_at = Timestamptz(null=True, default=None)
    # Unused since reading became per user (NotificationRead); kept so that no migration drops data.
    read_at = Timestamptz(null=True, default=None)


class NotificationRead(Table):
    """That one user has read one notification: marking read is per user, never for everyone."""

    id = Serial(primary_key=True)
    notification = ForeignKey(Notification, index=True, on_delete=OnDelete.cascade)
    reader = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    # "<notification id>:<user id>": one row per pair, whatever the race (a unique column; Piccolo has no
    # composite unique constraints).
    reader_key = Varchar(length=40, unique=True)
    read_at = Timestamptz(default=TimestamptzNow())


class OutboxMessage(Table):
    """An e-mail: sent through SMTP when configured, otherwise kept here for admins to read."""

    id = Serial(primary_key=True)
    recipient = Varchar(length=254)
    subject = Varchar(length=300)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)
    # A mail SMTP refused waits for its next try (app.audit.notifications.Mailer.resend_due); null: nothing to retry.
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
