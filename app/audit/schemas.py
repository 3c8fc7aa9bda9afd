"""Wire types of audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.companies.hierarchy import CompanyRef
from app.lib.wire import Page, Struct


class AuditEventView(Struct):
    id: int
    at: datetime
    actor: str | None
    ip: str | None
    action: str
    summary: str
    via: CompanyRef | None
    details: dict[str, Any]


class AuditPage(Page):
    items: list[AuditEventView]


class NotificationView(Struct):
    id: int
    kind: str
    severity: str
    title: str
    body: str
    company_id: int | None
    company_code: str | None
    created_at: datetime
    read_at: datetime | None
    # When what it warned about was over (the connection works again); a resolved notification is never unread.
    resolved_at: datetime | None = None


class NotificationPage(Page):
    items: list[NotificationView]
    unread: int


class OutboxMessageView(Struct):
    id: int
    recipient: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None


class OutboxPage(Page):
    """Mail the system wrote, newest first; without SMTP it waits here for admins to read."""

    smtp_configured: bool
    items: list[OutboxMessageView]
