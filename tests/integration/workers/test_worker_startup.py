"""The worker's composition: its start-up gives every job of WorkerSettings what it needs, in this process and in a
real `erp-settings worker`, and its shut-down closes everything the start-up opened."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from app import worker
from app.config import get_settings
from app.lib.metrics import PREFIX
from app.services import Services
from app.worker import WorkerSettings
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.processes import worker_process
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token

SELLER = "A1SIMNASELLER1"
BOUND_SECONDS = 60.0


async def _everything_a_job_works_on(admin: Browser, amazon: AmazonSimulator) -> dict[str, tuple[Any, ...]]:
    """A connected seller owner (orders imported) and a bulk test of it: each job's arguments, by job name."""
    owner = (await create_company(admin, "OWN-01"))["id"]
    draft = await get_token(admin, amazon, owner, "NA", SELLER, enabled=True, orderImportEnabled=True)
    assert (await save(admin, draft)).status_code == 200
    run = await admin.post("/api/bulk-tests", json={})
    assert run.status_code == 201, run.text
    return {
        "check_connection": (owner, "NA"),
        "bulk_test_chunk": (run.json()["id"], 0),
        "sync_marketplace_participations": (owner, "NA"),
        "import_orders": (owner,),
        "check_all_connections": (),
        "import_all_orders": (),
        "send_reminders": (),
        "expire_idle_drafts": (),
        "resend_mail": (),
    }


async def _what_each_job_answers(
    admin: Browser, arguments: dict[str, tuple[Any, ...]], answers: dict[str, Any]
) -> None:
    """What each job returns when it had all it needs: a verdict, a count, the marketplaces Amazon listed."""
    assert answers["check_connection"] == "ok"
    # The bulk test's own chunk job (queued when it started) may have tested the connection first: each connection
    # of a run is tested once, whoever runs the chunk.
    assert answers["bulk_test_chunk"] in (0, 1)
    run = (await admin.get(f"/api/bulk-tests/{arguments['bulk_test_chunk'][0]}")).json()
    assert (run["state"], run["tested"], run["total"], run["failures"]) == ("done", 1, 1, 0)
    assert answers["sync_marketplace_participations"] == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]
    assert isinstance(answers["import_orders"], int)
    assert answers["check_all_connections"]["queued"] + answers["check_all_connections"]["already_queued"] == 1
    assert sum(answers["import_all_orders"].values()) == 1
    assert answers["send_reminders"] == 0
    assert answers["expire_idle_drafts"] == 0
    assert answers["resend_mail"] == {"sent": 0, "failed": 0, "givenUp": 0}  # no SMTP here: the outbox delivers


def _answers_on(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


async def _redis_clients(services: Services) -> int:
    return len(await services.redis.client.client_list())


async def _settles(what: str, probe: Any, expected: Any, bound: float = 5.0) -> None:
    deadline = time.monotonic() + bound
    while (found := await probe()) != expected:
        assert time.monotonic() < deadline, f"{what}: {found}, not {expected}"
        await asyncio.sleep(0.05)


async def test_the_start_up_gives_every_job_what_it_needs_and_the_shut_down_closes_what_it_opened(
    admin: Browser, amazon: AmazonSimulator, services: Services, monkeypatch: pytest.MonkeyPatch, unused_tcp_port: int
) -> None:
    arguments = await _everything_a_job_works_on(admin, amazon)
    monkeypatch.setattr(
        worker, "get_settings", lambda: msgspec.structs.replace(get_settings(), metrics_port=unused_tcp_port)
    )
    redis_clients = await _redis_clients(services)
    tasks = asyncio.all_tasks()
    ctx: dict[str, Any] = {"job_id": "startup-test", "job_try": 1}

    await WorkerSettings.on_startup(ctx)
    try:
        started: Services = ctx["services"]
        metrics = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{unused_tcp_port}/metrics", timeout=5)
        listening = await _redis_clients(services) - redis_clients
        answers = {job.name: await job.coroutine(ctx, *arguments[job.name]) for job in WorkerSettings.functions}
    finally:
        await WorkerSettings.on_shutdown(ctx)

    assert sorted(answers) == sorted(arguments)  # every job of the worker ran, with what the start-up built
    await _what_each_job_answers(admin, arguments, answers)
    assert answers["bulk_test_chunk"] == 1  # no worker ran the run's own chunk job here
    assert metrics.status_code == 200
    assert f"# HELP {PREFIX}_jobs_total Tries of background jobs" in metrics.text
    assert listening >= 2  # its own Redis client with the Save announcements' subscription, and arq's pool
    assert started.http.is_closed
    assert not _answers_on(unused_tcp_port)
    await _settles("Redis connections left open", lambda: _redis_clients(services), redis_clients)
    assert [t.get_name() for t in asyncio.all_tasks() - tasks if not t.done()] == []


async def test_a_real_worker_process_runs_every_job_and_stops_cleanly(
    admin: Browser, amazon: AmazonSimulator, services: Services, tmp_path: Path, unused_tcp_port: int
) -> None:
    arguments = await _everything_a_job_works_on(admin, amazon)
    env = {**os.environ, "METRICS_PORT": str(unused_tcp_port), "LOG_LEVEL": "INFO"}
    log = tmp_path / "worker.log"

    with worker_process(env, log) as process:
        metrics = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{unused_tcp_port}/metrics", timeout=5)
        job_ids = {name: f"startup-test:{name}" for name in arguments}
        for name, args in arguments.items():
            await services.queue.enqueue(name, *args, job_id=job_ids[name])
        # What the sweeps queue in turn (a check, an import) finishes too: the worker is stopped while idle.
        owner = arguments["import_orders"][0]
        awaited = [*job_ids.values(), f"check_connection:{owner}:NA", f"import_orders:{owner}"]
        deadline = time.monotonic() + BOUND_SECONDS
        while len(results := await services.queue.results(awaited)) < len(awaited):
            assert time.monotonic() < deadline, f"not finished: {set(awaited) - set(results)}"
            await asyncio.sleep(0.2)
        process.terminate()
        exit_code = await asyncio.to_thread(process.wait, 30)

    assert metrics.status_code == 200
    failed = {name: results[job_id].result for name, job_id in job_ids.items() if not results[job_id].success}
    assert failed == {}
    await _what_each_job_answers(admin, arguments, {name: results[job_id].result for name, job_id in job_ids.items()})
    text = log.read_text()
    assert exit_code == 0, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    assert not _answers_on(unused_tcp_port)
