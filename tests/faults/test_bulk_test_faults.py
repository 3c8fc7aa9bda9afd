"""A bulk connection test on real processes: Redis away when it starts, and away again while two workers run it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis

from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import connect, signed_in, wait_for
from tests.faults.processes import FaultSystem, RedisServer, web_server, worker_process
from tests.helpers import create_company

OWNERS = 12
REDIS_AWAY_SECONDS = 3.0
DONE_BOUND_SECONDS = 120.0


async def _owners(admin: httpx.AsyncClient, amazon: AmazonSimulator) -> list[int]:
    ids = []
    for n in range(OWNERS):
        seller = f"A1FAULTBULK{n:02d}"
        await amazon.add_seller(seller, "NA", ["ATVPDKIKX0DER"])
        company = await create_company(admin, f"BULK-{n:02d}")
        await connect(admin, amazon, company["id"], "NA", seller)
        ids.append(company["id"])
    return ids


async def _run(support: httpx.AsyncClient, run_id: int) -> dict[str, Any]:
    run: dict[str, Any] = (await support.get(f"/api/bulk-tests/{run_id}")).json()
    return run


async def test_a_bulk_test_survives_redis_going_away_and_tests_each_connection_once(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    with web_server(system.env, tmp_path / "web.log") as base:
        admin = await signed_in(base, "admin", system.logins["admin"])
        support = await signed_in(base, "support", system.logins["support"])
        await _owners(admin, amazon)
        with worker_process(system.env, tmp_path / "w1.log"), worker_process(system.env, tmp_path / "w2.log"):
            # The checks each Save asked for run first: the bulk run's count starts after them.
            await wait_for("the Saves' checks", 60, lambda: _queue_empty(redis))

            redis.stop()
            refused = await support.post("/api/bulk-tests", json={})
            redis.start()
            nothing_left = (await support.get("/api/bulk-tests/current")).json()

            before = (await amazon.counters())["lwa.refresh_token"]
            # Amazon slows down, so that Redis goes away while the workers are mid-run.
            await amazon.fault("lwa", "latency", seconds=0.5, count=OWNERS)
            started = (await support.post("/api/bulk-tests", json={})).json()
            await wait_for("some tested", 30, lambda: _tested_at_least(support, started["id"], 1))
            redis.stop()
            during = await support.get(f"/api/bulk-tests/{started['id']}")
            await asyncio.sleep(REDIS_AWAY_SECONDS)
            redis.start()
            done = await wait_for(
                "the run to end", DONE_BOUND_SECONDS, lambda: _ended(support, started["id"]), every=0.5
            )
            results = (await support.get(f"/api/bulk-tests/{started['id']}/results", params={"limit": 100})).json()
            after = (await amazon.counters())["lwa.refresh_token"]
        await admin.aclose()
        await support.aclose()

    assert refused.status_code == 503, refused.text
    assert "Retry-After" in refused.headers
    assert nothing_left is None  # no run was left behind that no job would ever move
    assert started["total"] == OWNERS
    assert during.status_code == 200  # progress is the database's: it reads while Redis is away
    assert (done["state"], done["tested"], done["failures"]) == ("done", OWNERS, 0)
    assert {r["verdictText"] for r in results["items"]} == {"Works"}
    assert after - before == OWNERS  # each connection tested once, however the jobs were retried


async def _queue_empty(redis: RedisServer) -> bool:
    client = aioredis.Redis.from_url(redis.url)
    try:
        queued = await client.zcard("arq:queue")
        running = len([k async for k in client.scan_iter("arq:in-progress:*")])
    finally:
        await client.aclose()
    return queued == 0 and running == 0


async def _tested_at_least(support: httpx.AsyncClient, run_id: int, n: int) -> bool:
    return bool((await _run(support, run_id))["tested"] >= n)


async def _ended(support: httpx.AsyncClient, run_id: int) -> dict[str, Any] | None:
    try:
        run = await _run(support, run_id)
    except (httpx.HTTPError, ValueError):
        return None
    return run if run.get("state") != "running" else None
