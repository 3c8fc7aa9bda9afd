"""Redis away: /ready names it (503) while /health stays 200, people still sign in, and it all comes back by itself."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.faults.processes import FaultSystem, RedisServer, web_server

RECOVERY_BOUND_SECONDS = 10.0


async def test_without_redis_ready_says_so_sign_in_works_and_with_it_back_everything_is_ready_again(
    system: FaultSystem, redis: RedisServer, tmp_path: Path
) -> None:
    with web_server(system.env, tmp_path / "web.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            ready_before = await client.get("/ready")
            redis.stop()
            ready = await client.get("/ready")
            health = await client.get("/health")
            signed_in = await client.post(
                "/api/auth/login", json={"username": "support", "password": system.logins["support"]}
            )
            wrong = [
                await client.post("/api/auth/login", json={"username": "support", "password": "not-it"})
                for _ in range(6)
            ]
            companies = await client.get("/api/companies")

            redis.start()
            started = time.monotonic()
            while (await client.get("/ready")).status_code != 200:
                assert time.monotonic() - started < RECOVERY_BOUND_SECONDS
                await asyncio.sleep(0.1)
            recovered_after = time.monotonic() - started
    log = (tmp_path / "web.log").read_text()

    assert ready_before.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["fields"] == {"Redis": "does not answer"}
    assert "Redis does not answer" in ready.json()["message"]
    assert ready.headers["retry-after"]
    assert health.status_code == 200
    assert signed_in.status_code == 200, signed_in.text
    assert companies.status_code == 200
    # The per-(user name, address) limit still holds, counted in this process meanwhile.
    assert [w.status_code for w in wrong] == [401] * 5 + [429]
    assert log.count("limits count per process until it is back") == 1
    assert recovered_after < RECOVERY_BOUND_SECONDS
