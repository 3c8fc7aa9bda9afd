"""The mail outbox: without SMTP, admins read the reminders the system would have mailed."""

from __future__ import annotations

from app.services import Services
from tests.fixtures import Browser


async def test_outbox_lists_mail_newest_first_and_says_smtp_is_not_configured(
    admin: Browser, services: Services
) -> None:
    await services.notifications.mailer.send("ops@example.com", "First", "one")
    await services.notifications.mailer.send("eu@example.com", "Second", "two")

    response = await admin.get("/api/outbox", params={"limit": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["smtpConfigured"] is False
    assert body["total"] == 2
    assert [(m["recipient"], m["subject"], m["sentAt"]) for m in body["items"]] == [("eu@example.com", "Second", None)]


async def test_outbox_paging_rejects_nonsense(admin: Browser) -> None:
    response = await admin.get("/api/outbox", params={"limit": 0})

    assert response.status_code == 400
    assert "limit" in response.json()["fields"]
