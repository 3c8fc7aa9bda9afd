"""Access tokens that refresh by themselves exactly once, however many worker processes ask at the same time."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import PIPE
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token


async def agent(*args: str) -> Any:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.workers.agent", *args, env=dict(os.environ), stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()[-3000:]
    return msgspec.json.decode(out.strip().splitlines()[-1])


async def connected_owner(
    admin: Browser, amazon: AmazonSimulator, seller: str = "A1SIMNASELLER1", **changes: Any
) -> int:
    owner = await create_company(admin, "OWN-01")
    draft = await get_token(admin, amazon, owner["id"], "NA", seller, **changes)
    assert (await save(admin, draft)).status_code == 200
    return int(owner["id"])


async def expire_access_token(services: Services, owner: int) -> None:
    await AmazonConnection.update(
        {AmazonConnection.access_token_expires_at: services.clock.now() - timedelta(minutes=1)}
    ).where(AmazonConnection.company == owner)


async def test_four_processes_times_fifty_callers_cause_exactly_one_refresh(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    member = await create_company(admin, "MEM-01", parent=owner, unified=True)
    await expire_access_token(services, owner)
    before = (await amazon.counters())["lwa.refresh_token"]

    answers = await asyncio.gather(*(agent("tokens", str(member["id"]), "NA", "50") for _ in range(4)))

    tokens = {t for answer in answers for t in answer["tokens"]}
    assert sum(a["count"] for a in answers) == 200
    assert len(tokens) == 1
    assert (await amazon.counters())["lwa.refresh_token"] == before + 1
    participations = await services.spapi.marketplace_participations(Region.NA, tokens.pop())
    assert len(participations) == 3


async def test_a_worker_killed_while_refreshing_does_not_block_the_others(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    stored = await AmazonConnection.select(AmazonConnection.refresh_token).first()
    await expire_access_token(services, owner)
    await amazon.fault("lwa", "latency", seconds=6, count=1)  # longer than the lock timeout (3 s) in tests
    before = (await amazon.counters())["lwa.refresh_token"]
    victim = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.workers.agent",
        "refresh",
        str(owner),
        "NA",
        env=dict(os.environ),
        stdout=PIPE,
        stderr=PIPE,
    )
    lock = f"lock:token:{owner}:NA"
    for _ in range(300):  # wait until the victim holds the lock and its refresh hangs at Amazon
        if (await amazon.counters())["lwa.refresh_token"] > before:
            break
        await asyncio.sleep(0.05)
    assert await services.redis.client.exists(lock), "the worker never took the lock"

    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    token = await services.tokens.access_token(owner, Region.NA)

    assert victim.returncode == -signal.SIGKILL
    assert len(await services.spapi.marketplace_participations(Region.NA, token)) == 3
    after = await AmazonConnection.select(AmazonConnection.refresh_token).first()
    assert after == stored


async def test_a_revoked_authorization_is_not_retried_and_people_are_told(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    from app.amazon.jobs import sync_marketplace_participations
    from app.audit.tables import Notification

    owner = await connected_owner(admin, amazon)
    await expire_access_token(services, owner)
    await amazon.revoke("A1SIMNASELLER1")

    result = await sync_marketplace_participations({"services": services, "job_try": 1}, owner, "NA")
    again = await sync_marketplace_participations({"services": services, "job_try": 2}, owner, "NA")

    assert result == []
    assert again == []
    status = (await admin.get(f"/api/companies/{owner}/amazon")).json()["connections"][0]["status"]
    assert status == "reauthorization_required"
    notes = await Notification.select().where(Notification.kind == "reauthorization_required")
    assert len(notes) == 1
    assert "re-authorize" in notes[0]["title"]
    assert (await amazon.counters())["lwa.refresh_token"] == 1  # the second run hit the stored verdict, not Amazon


async def test_transient_failures_become_a_retry_then_succeed(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    from arq import Retry

    from app.amazon.jobs import sync_marketplace_participations

    owner = await connected_owner(admin, amazon)
    await expire_access_token(services, owner)
    await amazon.fault("lwa", "error", status=503, count=3)

    with pytest.raises(Retry) as retry:
        await sync_marketplace_participations({"services": services, "job_try": 1}, owner, "NA")
    assert retry.value.defer_score is not None
    assert retry.value.defer_score >= 1000  # milliseconds: at least the backoff of the first attempt
    await services.redis.client.delete(f"cooldown:token:{owner}:NA")
    seen = await sync_marketplace_participations({"services": services, "job_try": 2}, owner, "NA")

    assert seen == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]


async def test_workers_hammering_one_seller_stay_under_amazons_limit(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon, "V1SIMNAVENDOR1", accountType="vendor")
    await services.tokens.access_token(owner, Region.NA)

    answers = await asyncio.gather(*(agent("hammer", str(owner), "NA", "12") for _ in range(3)))

    requests = [r for r in await amazon.requests(500) if r["path"].endswith("/vendor/orders/v1/purchaseOrders")]
    assert sum(a["calls"] for a in answers) == 36
    assert len(requests) >= 36
    assert all(r["status"] == 200 for r in requests), [r["status"] for r in requests]


async def test_four_processes_learning_of_one_revocation_tell_people_once(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    from app.audit.tables import Notification, OutboxMessage

    owner = await connected_owner(admin, amazon, notificationEmail="ops@own.example.com")
    await create_company(admin, "MEM-01", parent=owner, unified=True)
    await expire_access_token(services, owner)
    await amazon.revoke("A1SIMNASELLER1")

    answers = await asyncio.gather(*(agent("learn", str(owner), "NA", "5") for _ in range(4)))

    told = await Notification.select().where(Notification.company == owner)
    mails = await OutboxMessage.select().where(OutboxMessage.recipient == "ops@own.example.com")
    status = (await admin.get(f"/api/companies/{owner}/amazon")).json()["connections"][0]["status"]
    assert [a["tokens"] for a in answers] == [["refused"]] * 4
    assert [a["verdicts"] for a in answers] == [["reauthorization_required"]] * 4
    assert status == "reauthorization_required"
    assert [(n["kind"], n["resolved_at"]) for n in told] == [("reauthorization_required", None)]
    assert len(mails) == 1
    assert "MEM-01" in mails[0]["body"]
