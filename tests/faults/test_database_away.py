"""The database away: PostgreSQL restarted under load (or SQLite's write lock held elsewhere) gives 503, never 500.

On PostgreSQL the system gets a server of its own, restarted for real while requests keep coming; on SQLite another
process holds the write lock longer than the busy timeout. Either way the answers are 200 or 503 with Retry-After
and the usual body, /health stays 200, and everything answers again afterwards without restarting anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.processes import RedisServer, fault_system, postgres_cluster, web_server

RECOVERY_BOUND_SECONDS = 10.0


@contextlib.contextmanager
def _database(folder: Path) -> Iterator[tuple[dict[str, str], object]]:
    """The system's database and a function that makes it unavailable for a few seconds (blocking)."""
    if os.environ.get("DATABASE_URL"):
        with postgres_cluster() as (url, restart):
            yield {"DATABASE_URL": url, "VAR_DIR": str(folder / "var"), "SQLITE_PATH": ""}, restart
        return
    path = folder / "faults.sqlite3"

    def hold_the_write_lock() -> None:
        other = sqlite3.connect(path, timeout=30, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        time.sleep(4)
        other.execute("ROLLBACK")
        other.close()

    env = {"SQLITE_PATH": str(path), "VAR_DIR": str(folder / "var"), "DATABASE_URL": ""}
    yield {**env, "SQLITE_BUSY_TIMEOUT_SECONDS": "1"}, hold_the_write_lock


async def test_requests_during_a_database_outage_answer_503_with_retry_after_and_recover(
    amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    with _database(tmp_path / "db") as (database, outage):
        system = await fault_system(redis, tmp_path / "system", database)
        with web_server(system.env, tmp_path / "web.log") as base:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                login = await client.post(
                    "/api/auth/login", json={"username": "admin", "password": system.logins["admin"]}
                )
                client.headers["X-CSRF-Token"] = login.json()["csrfToken"]
                us = next(c for c in (await client.get("/api/companies")).json()["items"] if c["code"] == "US-01")
                draft = (await client.post(f"/api/companies/{us['id']}/amazon/edits")).json()
                answers: list[httpx.Response] = []
                health: list[int] = []
                stop = asyncio.Event()

                async def keep_asking() -> None:
                    flip = False
                    while not stop.is_set():
                        flip = not flip
                        answers.append(await client.get(f"/api/companies/{us['id']}/amazon"))
                        answers.append(await client.patch(f"/api/edits/{draft['id']}", json={"enabled": flip}))
                        health.append((await client.get("/health")).status_code)

                asking = asyncio.create_task(keep_asking())
                await asyncio.sleep(0.5)
                await asyncio.to_thread(outage)  # type: ignore[arg-type]
                back_at = time.monotonic()
                while True:
                    read = await client.get(f"/api/companies/{us['id']}/amazon")
                    if read.status_code == 200 and (await client.get("/ready")).status_code == 200:
                        break
                    assert time.monotonic() - back_at < RECOVERY_BOUND_SECONDS, read.text
                    await asyncio.sleep(0.1)
                recovered_after = time.monotonic() - back_at
                await asyncio.sleep(0.5)
                stop.set()
                await asyncio.wait_for(asking, 40)
                after = [await client.get(f"/api/companies/{us['id']}/amazon") for _ in range(5)]

    statuses = [a.status_code for a in answers]
    unavailable = [a for a in answers if a.status_code == 503]
    assert 500 not in statuses, [a.text for a in answers if a.status_code == 500]
    assert set(statuses) <= {200, 503}, statuses
    assert unavailable, "the outage was not noticed at all: the test did not test anything"
    assert all(a.headers.get("retry-after") for a in unavailable)
    assert all(a.json()["error"] == "service_unavailable" for a in unavailable)
    assert "database" in unavailable[0].json()["message"]
    assert set(health) == {200}
    assert [a.status_code for a in after] == [200] * 5
    assert recovered_after < RECOVERY_BOUND_SECONDS
