"""Notifications are read per person: one viewer marking a warning read does not silence it for the admins."""

from __future__ import annotations

from app.lib.i18n import Phrase
from app.services import Services
from tests.fixtures import BrowserFactory
from tests.helpers import create_company


async def test_marking_a_notification_read_hides_it_for_that_user_only(
    browser_factory: BrowserFactory, services: Services
) -> None:
    admin = await browser_factory("admin", "ada")
    viewer = await browser_factory("viewer", "vic")
    us = await create_company(admin, "US-01")
    await services.notifications.notify(
        dedupe_key="test:reauthorize",
        kind="reauthorization_required",
        title=[Phrase("US-01 needs a new token for NA")],
        body=[Phrase("Get Selling Partner API token on US-01.")],
        company_id=us["id"],
    )
    note = (await viewer.get("/api/notifications")).json()["items"][0]

    marked = await viewer.post(f"/api/notifications/{note['id']}/read")
    again = await viewer.post(f"/api/notifications/{note['id']}/read")
    for_viewer = (await viewer.get("/api/notifications", params={"unreadOnly": "true"})).json()
    for_admin = (await admin.get("/api/notifications", params={"unreadOnly": "true"})).json()
    admin_listing = (await admin.get("/api/notifications")).json()

    assert marked.status_code == again.status_code == 200
    assert marked.json()["readAt"] is not None
    assert again.json()["readAt"] == marked.json()["readAt"]
    assert (for_viewer["total"], for_viewer["unread"]) == (0, 0)
    assert (for_admin["total"], for_admin["unread"]) == (1, 1)
    assert [n["title"] for n in for_admin["items"]] == ["US-01 needs a new token for NA"]
    assert admin_listing["items"][0]["readAt"] is None
