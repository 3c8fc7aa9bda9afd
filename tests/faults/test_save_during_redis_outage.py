"""Save tells the truth while Redis is away: committed means 200, its follow-up work arrives once, when it is back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import redis as sync_redis

from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.processes import FaultSystem, RedisServer, free_port, web_server
from tests.helpers import connection
from tests.integration.amazon.flows import get_token

DELIVERY_BOUND_SECONDS = 15.0  # every process looks for undelivered follow-ups every 2 s


async def _signed_in(base_url: str, username: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=30)
    login = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrfToken"]
    return client


async def _company_ids(client: httpx.AsyncClient, *codes: str) -> list[int]:
    items = (await client.get("/api/companies", params={"limit": 100})).json()["items"]
    by_code = {c["code"]: c["id"] for c in items}
    return [by_code[code] for code in codes]


async def test_saves_during_a_redis_outage_answer_200_and_their_checks_are_queued_once_when_it_is_back(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    with (
        web_server(system.env, tmp_path / "web-1.log") as first,
        web_server(system.on_port(free_port()), tmp_path / "web-2.log") as second,
    ):
        admin = await _signed_in(first, "admin", system.logins["admin"])
        owners = await _company_ids(admin, "US-01", "UK-01", "JP-01")
        regions = {"US-01": "NA", "UK-01": "EU", "JP-01": "FE"}
        sellers = {"NA": "A1SIMNASELLER1", "EU": "A1SIMEUSELLER1", "FE": "A1SIMJPSELLER1"}
        drafts = [
            await get_token(admin, amazon, owner, region, sellers[region])
            for owner, region in zip(owners, regions.values(), strict=True)
        ]
        listeners_before = sync_redis.Redis.from_url(redis.url).pubsub_numsub("erp-settings:settings-saved")
        redis.stop()

        answers = [
            await admin.post(f"/api/edits/{d['id']}/save", headers={"If-Match": f'"{d["baseVersion"]}"'})
            for d in drafts
        ]
        saved = [(await admin.get(f"/api/companies/{owner}/amazon")).json() for owner in owners]
        other = await _signed_in(second, "support", system.logins["support"])  # sign-in works without Redis too
        seen_by_other = [(await other.get(f"/api/companies/{owner}/amazon")).json() for owner in owners]
        await asyncio.sleep(4)  # both processes' delivery loops try meanwhile, and fail: nothing may be lost

        redis.start()
        started = time.monotonic()
        queue = sync_redis.Redis.from_url(redis.url)
        expected = {
            f"arq:job:check_connection:{owner}:{region}" for owner, region in zip(owners, regions.values(), strict=True)
        }
        while {k.decode() for k in queue.keys("arq:job:check_connection:*")} != expected:
            assert time.monotonic() - started < DELIVERY_BOUND_SECONDS, queue.keys("arq:job:*")
            await asyncio.sleep(0.2)
        delivered_after = time.monotonic() - started
        await asyncio.sleep(3)  # would a second delivery come? (it must not)
        jobs = [k.decode() for k in queue.keys("arq:job:*")]
        await admin.aclose()
        await other.aclose()

    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    assert [connection(s, r)["status"] for s, r in zip(saved, regions.values(), strict=True)] == ["active"] * 3
    assert [connection(s, r)["status"] for s, r in zip(seen_by_other, regions.values(), strict=True)] == ["active"] * 3
    assert sorted(jobs) == sorted(expected)  # each check queued once, by one of the two processes
    assert delivered_after < DELIVERY_BOUND_SECONDS
    assert listeners_before[0][1] == 2  # both web processes follow Save announcements
