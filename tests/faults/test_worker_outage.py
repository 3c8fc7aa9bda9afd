"""Workers survive a Redis outage: they stay up, say so once, take jobs again, and hear Saves again (caches dropped)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from app.worker import REDIS_AWAY
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import Arq, company_ids, connect, signed_in, wait_for
from tests.faults.partition import silent_partition
from tests.faults.processes import FaultSystem, RedisServer, web_server, worker_process
from tests.helpers import edit_and_save, settings_of

OUTAGE_SECONDS = 10.0
# Workers and subscriptions try Redis again with a backoff capped at 5 s (jittered): back within ~6 s of Redis.
BACK_BOUND_SECONDS = 15.0
JOB_BOUND_SECONDS = 20.0
# Silence is noticed by the poll's socket timeout (10 s) and by the subscription's ping (15 s quiet, 15 s unanswered).
CUT_OFF_SECONDS = 40.0  # a job queued once everything is back runs within this
# What each log says, once per outage: the worker's poll loop, and its subscription to Save announcements.
WORKER_LOST, WORKER_BACK = "Redis is unreachable (", "Redis answers again after "
SUBSCRIPTION_LOST = "Save announcements: connection to Redis lost"
SUBSCRIPTION_BACK = "Save announcements: subscribed again after "
# getMarketplaceParticipations of the two NA sellers: who a job took for CA-01's account owner, seen in its result.
SELLER_1_MARKETPLACES = ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]  # US-01's
SELLER_2_MARKETPLACES = ["ATVPDKIKX0DER"]  # UK-01's


@contextlib.contextmanager
def only(runner: subprocess.Popen[bytes], workers: list[subprocess.Popen[bytes]]) -> Iterator[None]:
    """Every other worker paused (SIGSTOP) for the block: the next job queued is `runner`'s."""
    others = [w for w in workers if w is not runner]
    for other in others:
        other.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for other in others:
            other.send_signal(signal.SIGCONT)


async def _outage(redis: RedisServer) -> float:
    """Redis away for OUTAGE_SECONDS (killed: its clients' connections reset), then back, empty; returns when."""
    redis.stop()
    await asyncio.sleep(OUTAGE_SECONDS)
    redis.start()
    return time.monotonic()


async def test_workers_stay_up_through_a_redis_outage_say_so_once_and_take_jobs_again(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with (
        web_server(system.env, tmp_path / "web.log") as base_url,
        worker_process(system.env, logs[0]) as first,
        worker_process(system.env, logs[1]) as second,
    ):
        workers = [first, second]
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        (us,) = await company_ids(admin, "US-01")
        await connect(admin, amazon, us, "NA", "A1SIMNASELLER1")
        listeners_before = await arq.listeners()

        back_at = await _outage(redis)
        exited = [
            log.read_text(errors="replace")[-2000:]
            for worker, log in zip(workers, logs, strict=True)
            if worker.poll() is not None
        ]
        assert not exited, "a worker exited during the outage:\n" + "\n".join(exited)
        await wait_for("every subscription back", BACK_BOUND_SECONDS, lambda: _listeners_are(arq, listeners_before))
        subscribed_after = time.monotonic() - back_at
        alive = [worker.poll() is None for worker in workers]
        ran_after = []
        for n, worker in enumerate(workers):  # each worker in turn takes a job queued now
            with only(worker, workers):
                queued_at = time.monotonic()
                await (await arq.queue()).enqueue("check_connection", us, "NA", job_id=f"after-outage:{n}")
                result = await arq.wait_for_result(f"after-outage:{n}", JOB_BOUND_SECONDS)
                ran_after.append(time.monotonic() - queued_at)
            assert (result.success, result.result) == (True, "ok"), result
        texts = [log.read_text(errors="replace") for log in logs]
        await admin.aclose()
    await arq.close()

    assert alive == [True, True]
    assert listeners_before == 3  # the web server and both workers follow Save announcements
    for n, text in enumerate(texts):
        counts = [text.count(line) for line in (WORKER_LOST, WORKER_BACK, SUBSCRIPTION_LOST, SUBSCRIPTION_BACK)]
        assert counts == [1, 1, 1, 1], (n, counts, text[-3000:])
        assert "Traceback" not in text, text[-3000:]
        assert f"job after-outage:{n}: Redis went away" not in text  # nothing went wrong with the jobs after it
    assert all(seconds < JOB_BOUND_SECONDS for seconds in ran_after)
    print(
        f"\nRedis away {OUTAGE_SECONDS:g} s: subscriptions back {subscribed_after:.1f} s after it, "
        f"a job queued then ran in {max(ran_after):.1f} s on each worker"
    )


async def test_after_an_outage_workers_forget_what_they_cached_and_hear_the_next_save(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with (
        web_server(system.env, tmp_path / "web.log") as base_url,
        worker_process(system.env, tmp_path / "worker-1.log") as first,
        worker_process(system.env, tmp_path / "worker-2.log") as second,
    ):
        workers = [first, second]
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        us, uk, ca = await company_ids(admin, "US-01", "UK-01", "CA-01")  # CA-01 uses US-01's account
        await connect(admin, amazon, us, "NA", "A1SIMNASELLER1")
        await connect(admin, amazon, uk, "NA", "A2SIMNASELLER2")
        probes = 0

        async def owner_seen_by_each_worker() -> list[list[str]]:
            """Each worker runs a job that asks Amazon for CA-01's marketplaces, through its cached owner and token."""
            nonlocal probes
            seen = []
            for worker in workers:
                probes += 1
                with only(worker, workers):
                    job_id = f"probe:{probes}"
                    await (await arq.queue()).enqueue("sync_marketplace_participations", ca, "NA", job_id=job_id)
                    seen.append((await arq.wait_for_result(job_id, JOB_BOUND_SECONDS)).result)
            return seen

        cached_before = await owner_seen_by_each_worker()  # both now hold CA-01 → US-01 and US-01's token
        redis.stop()
        # While the workers are cut off, CA-01 moves under UK-01: its Save is announced to no worker (it reaches the
        # queue once Redis is back, by the outbox, but a worker must not rely on having heard it).
        await asyncio.sleep(2)
        await _move_in_database(system, "CA-01", "UK-01")
        await asyncio.sleep(OUTAGE_SECONDS - 2)
        redis.start()
        await wait_for("every subscription back", BACK_BOUND_SECONDS, lambda: _listeners_are(arq, 3))
        after_outage = await owner_seen_by_each_worker()

        # Every worker holds CA-01 → UK-01 now. A Save on the web server moves it back: every worker hears it.
        await edit_and_save(admin, ca, parentId=us)
        moved_back = await settings_of(admin, ca)
        after_save = await owner_seen_by_each_worker()
        await admin.aclose()
    await arq.close()

    assert cached_before == [SELLER_1_MARKETPLACES] * 2
    assert after_outage == [SELLER_2_MARKETPLACES] * 2  # what they had cached was forgotten when they reconnected
    assert moved_back["accountOwner"]["code"] == "US-01"
    assert after_save == [SELLER_1_MARKETPLACES] * 2  # the Save's announcement reached both


async def _listeners_are(arq: Arq, count: int) -> bool:
    with contextlib.suppress(*REDIS_AWAY):
        return await arq.listeners() == count
    return False


async def _move_in_database(system: FaultSystem, code: str, parent_code: str) -> None:
    """A company moved under another one in the database, as by a Save whose announcement the workers missed."""
    sql = "UPDATE company SET parent = (SELECT id FROM company WHERE code = {0}) WHERE code = {1}"
    if url := system.env.get("DATABASE_URL"):
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(sql.format("$1", "$2"), parent_code, code)
        finally:
            await connection.close()
        return

    def update_sqlite() -> None:
        with contextlib.closing(sqlite3.connect(system.env["SQLITE_PATH"], timeout=30)) as db, db:
            db.execute(sql.format("?", "?"), (parent_code, code))

    await asyncio.to_thread(update_sqlite)


async def test_a_worker_cut_off_without_a_reset_notices_and_comes_back(
    system: FaultSystem, redis: RedisServer, tmp_path: Path
) -> None:
    """A lost host or network sends no reset: only the clients' timeouts and the subscription's ping find out."""
    arq = Arq(redis.url)
    log = tmp_path / "worker.log"
    async with silent_partition(redis.port) as network:
        with contextlib.ExitStack() as stack:
            # Started from a thread: this test's event loop runs the proxy the worker talks through.
            worker = await asyncio.to_thread(
                stack.enter_context, worker_process({**system.env, "REDIS_URL": network.url}, log)
            )
            listeners_before = await arq.listeners()
            network.cut()
            await asyncio.sleep(CUT_OFF_SECONDS)
            network.heal()
            healed_at = time.monotonic()
            await wait_for("the subscription back", BACK_BOUND_SECONDS, lambda: _listeners_are(arq, 1))
            subscribed_after = time.monotonic() - healed_at
            await (await arq.queue()).enqueue("expire_idle_drafts", job_id="after-partition")
            result = await arq.wait_for_result("after-partition", JOB_BOUND_SECONDS)
            alive = worker.poll() is None
            await asyncio.to_thread(stack.close)
    await arq.close()
    text = log.read_text(errors="replace")

    assert listeners_before == 1
    assert alive
    assert (result.success, result.result) == (True, 0)
    counts = [text.count(line) for line in (WORKER_LOST, WORKER_BACK, SUBSCRIPTION_LOST, SUBSCRIPTION_BACK)]
    assert counts == [1, 1, 1, 1], (counts, text[-3000:])
    assert "Redis is unreachable (TimeoutError" in text  # found out by the socket timeout, not by a reset
    assert "Traceback" not in text, text[-3000:]
    print(f"\ncut off {CUT_OFF_SECONDS:g} s without a reset: subscription back {subscribed_after:.1f} s after the heal")
