"""A connection test while Redis is away: a real server answers 200 with a verdict, and shares its quota again after."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, cast

import httpx
import redis as sync_redis

from app.amazon_sim.seed import SELLER_APP
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.processes import FaultSystem, RedisServer, web_server
from tests.integration.amazon.flows import get_token

SELLER = "A1SIMNASELLER1"
QUOTA_KEY = f"spapi-quota:{SELLER_APP.application_id}:{SELLER}:getMarketplaceParticipations"
RECOVERY_BOUND_SECONDS = 10.0


async def _signed_in(base_url: str, username: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=30)
    login = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrfToken"]
    return client


async def _owner(client: httpx.AsyncClient, code: str) -> int:
    items = (await client.get("/api/companies", params={"limit": 100})).json()["items"]
    company_id: int = next(c["id"] for c in items if c["code"] == code)
    return company_id


async def test_a_connection_test_answers_with_a_verdict_without_redis_and_shares_the_quota_when_it_is_back(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    log = tmp_path / "web.log"
    with web_server(system.env, log) as base:
        admin = await _signed_in(base, "admin", system.logins["admin"])
        us = await _owner(admin, "US-01")
        draft = await get_token(admin, amazon, us, "NA", SELLER)
        saved = await admin.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": f'"{draft["baseVersion"]}"'})
        assert saved.status_code == 200, saved.text
        before = await _signed_in(base, "support", system.logins["support"])
        refresh = f"/api/companies/{us}/amazon/regions/NA/refresh"
        redis.stop()

        during = [await before.post(refresh) for _ in range(2)]
        signed_in_during = await _signed_in(base, "support", system.logins["support"])  # sign-in falls back too
        during.append(await signed_in_during.post(refresh))
        shown_during = (await before.get(f"/api/companies/{us}/amazon")).json()

        redis.start()
        shared = sync_redis.Redis.from_url(redis.url)
        started = time.monotonic()
        after: list[httpx.Response] = []
        while not shared.exists(QUOTA_KEY):  # until the server's client has reconnected
            assert time.monotonic() - started < RECOVERY_BOUND_SECONDS, [r.text for r in after]
            after.append(await before.post(refresh))
            await asyncio.sleep(0.2)
        last = after[-1]
        for client in (admin, before, signed_in_during):
            await client.aclose()
    text = log.read_text()

    verdicts: list[dict[str, Any]] = [r.json() for r in during]
    assert [r.status_code for r in during] == [200, 200, 200], [r.text for r in during]
    assert [v["verdict"] for v in verdicts] == ["ok", "ok", "ok"]
    assert next(c for c in shown_during["connections"] if c["region"] == "NA")["status"] == "active"
    assert all(r.status_code != 500 for r in after)
    assert last.status_code == 200, last.text
    assert last.json()["verdict"] == "ok"
    # The one call that found Redis back took its slot from the shared bucket: the next burst there is one short.
    tokens = cast("bytes | None", shared.hget(QUOTA_KEY, "tokens"))
    assert tokens is not None
    assert float(tokens) < 14
    assert text.count("SP-API quotas are counted per process until it is back") == 1
    assert "SP-API quotas are shared by every process again" in text
    # The new token's try right after Amazon's redirect, the three tests during the outage, and those after it.
    assert (await amazon.counters())["sp-api.getMarketplaceParticipations"] == 1 + 3 + len(after)
    assert not [r for r in await amazon.requests(limit=1000) if r["status"] == 429]
