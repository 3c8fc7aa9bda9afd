"""Connection health: every path that learns something stores it, and people are told once per worse state."""

from __future__ import annotations

import asyncio
from typing import Any

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.amazon.tokens import ReauthorizationRequired
from app.audit.service import SYSTEM
from app.audit.tables import Notification, OutboxMessage
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token


async def _owner_with_members(admin: Browser, amazon: AmazonSimulator) -> dict[str, Any]:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    mx = await create_company(admin, "MX-01", parent=ca["id"], unified=True)
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1", notificationEmail="ops@us.example.com")
    assert (await save(admin, draft)).status_code == 200
    return {"us": us["id"], "ca": ca["id"], "mx": mx["id"]}


async def _expire_access_token() -> None:
    await AmazonConnection.update({AmazonConnection.access_token: None}, force=True)


async def test_a_worker_learning_of_a_revocation_tells_everyone_concerned_once(
    admin: Browser, amazon: AmazonSimulator, services: Services, browser_factory: BrowserFactory
) -> None:
    ids = await _owner_with_members(admin, amazon)
    await create_company(admin, "DE-01")
    support = await browser_factory("support", "sue", codes=["US-01"])
    elsewhere = await browser_factory("admin", "dora", codes=["DE-01"])
    await _expire_access_token()
    await amazon.revoke("A1SIMNASELLER1")

    async def worker_asks() -> str:
        try:
            return await services.tokens.access_token(ids["mx"], Region.NA)
        except ReauthorizationRequired:
            return "refused"

    answers = await asyncio.gather(*(worker_asks() for _ in range(5)))
    checks = await asyncio.gather(*(services.checker.check(ids["us"], Region.NA, SYSTEM) for _ in range(3)))

    shown = connection(await settings_of(admin, ids["ca"]), "NA")
    told = await Notification.select().where(Notification.kind == "reauthorization_required")
    mails = await OutboxMessage.select().where(OutboxMessage.recipient == "ops@us.example.com")
    assert answers == ["refused"] * 5
    assert {c.verdict for c in checks} == {"reauthorization_required"}
    assert shown["status"] == "reauthorization_required"
    assert shown["lastCheckedAt"] is not None
    assert len(told) == 1, [t["title"] for t in told]
    assert told[0]["company"] == ids["us"]
    assert "CA-01, MX-01" in told[0]["body"]
    assert "Get Selling Partner API token for NA" in told[0]["body"]
    assert len(mails) == 1
    assert "CA-01, MX-01" in mails[0]["body"]
    # The bell of the support person whose scope covers the owner shows it; an admin of other companies does not.
    assert (await support.get("/api/notifications")).json()["unread"] == 1
    assert (await elsewhere.get("/api/notifications")).json()["unread"] == 0


async def test_recovery_resolves_what_was_told_and_a_new_failure_is_told_again(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    ids = await _owner_with_members(admin, amazon)
    await amazon.revoke("A1SIMNASELLER1")
    await services.checker.check(ids["us"], Region.NA, SYSTEM)
    assert (await admin.get("/api/notifications")).json()["unread"] == 1

    # The admin re-authorizes; the check after Save (here run directly) finds it working.
    draft = await get_token(admin, amazon, ids["us"], "NA", "A1SIMNASELLER1")
    assert (await save(admin, draft)).status_code == 200
    assert (await services.checker.check(ids["us"], Region.NA, SYSTEM)).verdict == "ok"
    bell = (await admin.get("/api/notifications")).json()
    first = next(n for n in bell["items"] if n["kind"] == "reauthorization_required")
    assert first["resolvedAt"] is not None
    assert bell["unread"] == 0

    await amazon.revoke("A1SIMNASELLER1")
    await services.checker.check(ids["us"], Region.NA, SYSTEM)
    told = await Notification.select().where(Notification.kind == "reauthorization_required")
    assert len(told) == 2
    assert [t["resolved_at"] is None for t in sorted(told, key=lambda t: t["id"])] == [False, True]


async def test_wrong_region_is_a_status_of_its_own_and_told(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")
    # An EU account authorized for the NA connection: LWA accepts the token, SP-API NA refuses it.
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMEUSELLER1")
    await save(admin, draft, {"confirmSellerChange": ["NA"], "confirmGrantVerdict": ["NA"]})
    # What the try right after Amazon's redirect found is the connection's status from the Save on.
    saved = connection(await settings_of(admin, us["id"]), "NA")
    response = await admin.post(f"/api/companies/{us['id']}/amazon/regions/NA/refresh")

    listed = (await admin.get("/api/companies", params={"status": "needs_action"})).json()
    told = await Notification.select().where(Notification.kind == "wrong_region_or_role")
    assert saved["status"] == "wrong_region_or_role"
    assert saved["lastCheckedAt"] is not None
    assert response.json()["verdict"] == "wrong_region_or_role"
    assert connection(await settings_of(admin, us["id"]), "NA")["status"] == "wrong_region_or_role"
    assert [c["code"] for c in listed["items"]] == ["US-01"]
    assert listed["counts"]["wrong_region_or_role"] == 1
    assert len(told) == 1
    assert "region" in told[0]["title"]


async def test_a_successful_worker_refresh_is_a_check_too(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    ids = await _owner_with_members(admin, amazon)
    await AmazonConnection.update(
        {AmazonConnection.last_checked_at: None, AmazonConnection.access_token: None}, force=True
    )

    await services.tokens.access_token(ids["ca"], Region.NA)

    listed = (await admin.get("/api/companies", params={"q": "US-01"})).json()["items"][0]
    na = next(r for r in listed["regions"] if r["region"] == "NA")
    assert na["status"] == "active"
    assert na["lastCheckedAt"] is not None


async def test_amazon_failing_to_answer_never_undoes_a_known_revocation(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    ids = await _owner_with_members(admin, amazon)
    await amazon.revoke("A1SIMNASELLER1")
    await services.checker.check(ids["us"], Region.NA, SYSTEM)
    await amazon.fault("lwa", "error", status=503, count=100)

    verdict = (await services.checker.check(ids["us"], Region.NA, SYSTEM)).verdict

    shown = connection(await settings_of(admin, ids["us"]), "NA")
    told = await Notification.select().where(Notification.kind == "reauthorization_required")
    assert verdict == "amazon_unavailable"
    assert shown["status"] == "reauthorization_required"
    assert shown["lastErrorCode"] == "reauthorization_required"
    assert [t["resolved_at"] for t in told] == [None]
