"""Access tokens that refresh by themselves exactly once, however many worker processes ask at the same time."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from asyncio.subprocess import PIPE
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import wait_for
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token


async def agent(*args: str, env: dict[str, str] | None = None) -> Any:
    """One worker process (tests.workers.agent) doing `args`; its JSON answer. `env`: settings of its own."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.workers.agent", *args, env={**os.environ, **(env or {})}, stdout=PIPE, stderr=PIPE
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


# Long enough for four processes to start and queue at the lock while the first refresh is held at Amazon (the
# tests' default, 3 s, would let the lock expire meanwhile and a second process refresh, rightly).
RACE_LOCK_SECONDS = 30.0


def named_agent(services: Services, name: str) -> dict[str, str]:
    """The settings of a worker process whose Redis connections carry `name` (CLIENT LIST shows what each does)."""
    return {
        "REDIS_URL": f"{services.redis.url}?client_name={name}",
        "TOKEN_LOCK_TIMEOUT_SECONDS": f"{RACE_LOCK_SECONDS:g}",
    }


async def waiting_for_the_lock(services: Services, names: list[str]) -> set[str]:
    """The processes retrying the token lock: a SET (its attempt, every 0.1 s) less than a second ago. A process tries
    the lock only after it read the connection's row and found the access token expired."""
    clients = await services.redis.client.client_list()
    return {c["name"] for c in clients if c["name"] in names and c["cmd"] == "set" and int(c["idle"]) == 0}


async def test_four_processes_times_fifty_callers_cause_exactly_one_refresh(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    member = await create_company(admin, "MEM-01", parent=owner, unified=True)
    await expire_access_token(services, owner)
    before = (await amazon.counters())["lwa.refresh_token"]
    await amazon.hold_refreshes()
    names = [f"token-race-{n}" for n in range(4)]

    asking = [
        asyncio.create_task(agent("tokens", str(member["id"]), "NA", "50", env=named_agent(services, name)))
        for name in names
    ]

    await wait_for("a refresh held at Amazon", RACE_LOCK_SECONDS, amazon.held_refreshes)
    held_since = time.monotonic()

    async def raced() -> bool:
        # The lock's holder waits at Amazon (and has sent Redis nothing for a second); the three others read the
        # expired token before it stores a new one, and retry the lock. Released now, only the re-read after the
        # lock keeps them from asking LWA again.
        settled = time.monotonic() - held_since > 1.5
        others = await waiting_for_the_lock(services, names)
        return settled and await amazon.held_refreshes() == 1 and len(others) == len(names) - 1

    await wait_for("the three other processes waiting for the lock", RACE_LOCK_SECONDS - 5, raced)
    waiting_at_amazon = await amazon.held_refreshes()
    await amazon.release_refreshes()
    answers = await asyncio.gather(*asking)

    tokens = {t for answer in answers for t in answer["tokens"]}
    assert waiting_at_amazon == 1
    assert (await amazon.counters())["lwa.refresh_token"] == before + 1
    assert sum(a["count"] for a in answers) == 200
    assert len(tokens) == 1
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


async def test_transient_refresh_failures_retry_the_job_after_the_one_minute_cooldown_then_it_succeeds(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    from arq import Retry

    from app.amazon.jobs import sync_marketplace_participations
    from app.lib.clock import MovableClock

    clock = services.clock
    assert isinstance(clock, MovableClock)
    owner = await connected_owner(admin, amazon)
    await expire_access_token(services, owner)
    await amazon.fault("lwa", "error", status=503, count=3)
    before = (await amazon.counters())["lwa.refresh_token"]

    with pytest.raises(Retry) as failed:
        await sync_marketplace_participations({"services": services, "job_try": 1}, owner, "NA")
    with pytest.raises(Retry) as too_soon:  # a try within the cooldown (another worker's, say) asks nobody
        await sync_marketplace_participations({"services": services, "job_try": 2}, owner, "NA")
    asked_by_both = (await amazon.counters())["lwa.refresh_token"]
    clock.advance(timedelta(seconds=60))
    seen = await sync_marketplace_participations({"services": services, "job_try": 3}, owner, "NA")

    assert asked_by_both == before + 3  # the first try's three requests; the second sent none
    assert failed.value.defer_score == 60_000  # milliseconds: the cooldown, longer than the backoff of a first try
    assert too_soon.value.defer_score is not None
    assert 58_000 <= too_soon.value.defer_score <= 60_000  # what is left of the cooldown
    assert seen == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]
    assert (await amazon.counters())["lwa.refresh_token"] == asked_by_both + 1


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
