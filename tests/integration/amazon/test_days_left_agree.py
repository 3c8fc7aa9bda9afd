"""The page, the reminders and their e-mails say the same days left for the same connection (one rule, rounded up)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.amazon.regions import Region
from app.amazon.status import AUTHORIZATION_LIFETIME
from app.audit.tables import OutboxMessage
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import connect, connection, create_company, edit_and_save, settings_of


async def _everywhere(admin: Browser, services: Services, left: timedelta) -> tuple[list[int], str, str]:
    """US-01's NA authorization with `left` to go: the days the pages show, the reminder's title, the mail's subject."""
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, at=services.clock.now() + left - AUTHORIZATION_LIFETIME)
    await edit_and_save(admin, us["id"], notificationEmail="ops@example.com")

    settings = connection(await settings_of(admin, us["id"]), "NA")
    listed = (await admin.get("/api/companies", params={"q": "US-01"})).json()["items"][0]
    timeline = (await admin.get("/api/amazon/expiry-timeline")).json()["weeks"]
    await services.reminders.run()
    notes: list[dict[str, Any]] = (await admin.get("/api/notifications")).json()["items"]
    mails = await OutboxMessage.select(OutboxMessage.subject)

    shown = [
        settings["daysLeft"],
        next(r["daysLeft"] for r in listed["regions"] if r["region"] == "NA"),
        next(c["daysLeft"] for week in timeline for c in week["connections"] if c["companyCode"] == "US-01"),
    ]
    title = next(n["title"] for n in notes if n["kind"] == "authorization_expiring")
    return shown, title, mails[0]["subject"]


async def test_12_days_and_6_hours_are_13_days_on_the_page_in_the_reminder_and_in_the_mail(
    admin: Browser, services: Services
) -> None:
    shown, title, subject = await _everywhere(admin, services, timedelta(days=12, hours=6))

    assert shown == [13, 13, 13]
    assert title == f"Amazon authorization of US-01 (NA) expires in {shown[0]} days"
    assert subject == title


async def test_under_a_day_is_1_on_the_page_and_expires_today_in_the_reminder_and_the_mail(
    admin: Browser, services: Services
) -> None:
    shown, title, subject = await _everywhere(admin, services, timedelta(hours=5))

    assert shown == [1, 1, 1]
    assert title == "Amazon authorization of US-01 (NA) expires today"
    assert subject == title
