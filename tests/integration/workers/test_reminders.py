"""Expiry reminders over forty simulated days with two worker processes: one a week from day 335, expired at 365."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from app.amazon.regions import Region
from app.amazon.tables import IntegrationCredentials
from app.audit.tables import Notification, OutboxMessage
from app.lib.i18n import Phrase
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import connect, create_company, edit_and_save
from tests.integration.workers.test_tokens_across_processes import agent

AUTHORIZED = datetime.fromisoformat("2026-01-05T09:00:00+00:00")  # a Monday


async def test_forty_days_two_workers_one_reminder_a_week_and_one_at_expiry(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA, at=AUTHORIZED)
    await edit_and_save(admin, us["id"], notificationEmail="ops@example.com")
    days = ",".join(str(d) for d in range(330, 371))

    await asyncio.gather(*(agent("reminders", AUTHORIZED.isoformat(), days) for _ in range(2)))

    notes = await Notification.select().order_by(Notification.created_at)
    expiring = [n for n in notes if n["kind"] == "authorization_expiring"]
    expired = [n for n in notes if n["kind"] == "authorization_expired"]
    first_due = AUTHORIZED + timedelta(days=335)
    weeks = sorted({(first_due + timedelta(days=d)).isocalendar()[:2] for d in range(0, 30)})
    assert len(expiring) == len(weeks)
    assert len({n["dedupe_key"] for n in expiring}) == len(expiring)
    assert "expires in 30 days" in expiring[0]["title"]
    assert len(expired) == 1
    assert "has expired" in expired[0]["title"]
    assert "CA-01" in expiring[0]["body"]
    assert "Get Selling Partner API token" in expired[0]["body"]
    mails = await OutboxMessage.select()
    assert len(mails) == len(expiring) + 1
    assert {m["recipient"] for m in mails} == {"ops@example.com"}


async def test_client_secret_deadlines_are_announced(admin: Browser, services: Services) -> None:
    await services.app_credentials.install(
        "seller",
        "production",
        application_id="amzn1.sp.solution.x",
        client_id="amzn1.application-oa2-client.x",
        client_secret="a-secret-value",
        redirect_uri="https://erp.example.com/oauth/amazon/callback",
    )
    await IntegrationCredentials.update(
        {IntegrationCredentials.client_secret_expires_at: services.clock.now() + timedelta(days=12)}, force=True
    )

    first = await services.reminders.run()
    again = await services.reminders.run()

    assert first.sent == 1
    assert again.sent == 0
    note = await Notification.select().first()
    assert note is not None
    assert "expires in 12 days" in note["title"]


async def test_notifications_are_listed_for_the_companies_one_sees_and_can_be_marked_read(
    admin: Browser, services: Services, browser_factory: object
) -> None:
    us = await create_company(admin, "US-01")
    jp = await create_company(admin, "JP-01")
    for company in (us, jp):
        await services.notifications.notify(
            dedupe_key=f"test:{company['id']}",
            kind="test",
            title=[Phrase(f"Note for {company['code']}")],
            body=[Phrase("…")],
            company_id=company["id"],
        )
    await services.accounts.create_user("uma", "pw-for-uma-1", "viewer", company_codes=["JP-01"])
    uma = await browser_factory(None)  # type: ignore[operator]
    login = await uma.post("/api/auth/login", json={"username": "uma", "password": "pw-for-uma-1"})
    uma.headers["X-CSRF-Token"] = login.json()["csrfToken"]

    everything = (await admin.get("/api/notifications")).json()
    mine = (await uma.get("/api/notifications")).json()
    other = next(n for n in everything["items"] if n["companyCode"] == "US-01")
    read = await uma.post(f"/api/notifications/{mine['items'][0]['id']}/read")
    hidden = await uma.post(f"/api/notifications/{other['id']}/read")

    assert everything["total"] == 2
    assert everything["unread"] == 2
    assert [n["companyCode"] for n in mine["items"]] == ["JP-01"]
    assert read.status_code == 200
    assert read.json()["readAt"] is not None
    assert hidden.status_code == 404
    assert (await uma.get("/api/notifications", params={"unreadOnly": "true"})).json()["total"] == 0
