"""A seller revokes the app while a worker holds an access token: people are told to get a new token, not that the
region or role is wrong (Amazon answers both with a 403; the refresh tells them apart)."""

from __future__ import annotations

from app.amazon.jobs import import_orders, sync_marketplace_participations
from app.amazon.regions import Region
from app.audit.tables import Notification
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token
from tests.integration.workers.order_import_support import GET_ORDERS, calls, progress

UK = "A1F83G8C2ARO7P"
PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


async def _connected_in_eu(admin: Browser, amazon: AmazonSimulator, services: Services) -> int:
    """A UK seller importing orders, whose worker holds an access token (as one does between its calls)."""
    uk = await create_company(admin, "UK-01")
    draft = await get_token(admin, amazon, uk["id"], "EU", "A1SIMEUSELLER1")
    changes = {"enabled": True, "orderImportEnabled": True, "marketplaceIds": [UK]}
    assert (await admin.patch(f"/api/edits/{draft['id']}", json=changes)).status_code == 200
    assert (await save(admin, draft)).status_code == 200
    await services.tokens.access_token(uk["id"], Region.EU)
    return int(uk["id"])


async def test_an_import_meeting_a_revoked_authorization_says_a_new_token_is_needed(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    uk = await _connected_in_eu(admin, amazon, services)
    await amazon.revoke("A1SIMEUSELLER1")

    counted = await import_orders({"services": services, "job_try": 1}, uk)

    eu = (await progress(uk))["regions"]["EU"]
    told = await Notification.select(Notification.kind).where(Notification.company == uk)
    assert counted == 0
    assert (eu["outcome"], eu["lastErrorCode"]) == ("failed", "reauthorization_required")
    assert eu["lastError"].startswith("Amazon refused the refresh token: the authorization was revoked or has expired.")
    assert connection(await settings_of(admin, uk), "EU")["status"] == "reauthorization_required"
    assert [t["kind"] for t in told] == ["reauthorization_required"]
    assert await calls(amazon, GET_ORDERS) == []  # never asked for orders with a dead authorization


async def test_a_participations_sync_meeting_a_revoked_authorization_says_a_new_token_is_needed(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    uk = await _connected_in_eu(admin, amazon, services)
    await amazon.revoke("A1SIMEUSELLER1")

    seen = await sync_marketplace_participations({"services": services, "job_try": 1}, uk, "EU")

    assert seen == []
    assert connection(await settings_of(admin, uk), "EU")["status"] == "reauthorization_required"


async def test_a_token_refused_again_after_the_refresh_is_the_wrong_region_with_one_refresh_spent(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    # An EU account authorized for the NA connection: LWA accepts its tokens, SP-API NA refuses them.
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMEUSELLER1")
    await save(admin, draft, {"confirmSellerChange": ["NA"], "confirmGrantVerdict": ["NA"]})
    await services.tokens.access_token(us["id"], Region.NA)
    refreshes = (await amazon.counters())["lwa.refresh_token"]
    asked = len(await calls(amazon, PARTICIPATIONS))

    seen = await sync_marketplace_participations({"services": services, "job_try": 1}, us["id"], "NA")

    assert seen == []
    assert connection(await settings_of(admin, us["id"]), "NA")["status"] == "wrong_region_or_role"
    assert (await amazon.counters())["lwa.refresh_token"] == refreshes + 1  # the held token, then one fresh
    assert [r["status"] for r in (await calls(amazon, PARTICIPATIONS))[asked:]] == [403, 403]
