"""The crons as arq runs them from WorkerSettings: which job is queued at which instant, once whatever the workers."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.cron import CronJob
from arq.worker import Function, Worker, get_kwargs

from app.amazon import jobs
from app.worker import CANCEL_GRACE_SECONDS, TIMEOUTS, WorkerSettings

DAY = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


class _Enqueued:
    """Stands in for arq's Redis pool in one piece: records what the worker's cron loop queues, and when for."""

    def __init__(self) -> None:
        self.jobs: list[tuple[datetime, str, str | None]] = []

    async def enqueue_job(self, function: str, *, _job_id: str | None, **_: Any) -> None:
        # arq's unique cron job ID is "{name}:{run time in ms}": the run time every worker computes alike.
        assert _job_id is not None, f"{function} is not a unique cron: every worker would queue its own run"
        assert function.startswith("cron:"), function
        scheduled = datetime.fromtimestamp(int(_job_id.rsplit(":", 1)[1]) / 1000, UTC)
        self.jobs.append((scheduled, function.removeprefix("cron:"), _job_id))


def _worker(queue: _Enqueued) -> Worker:
    """arq's own Worker built from WorkerSettings as `erp-settings worker` builds it (the cron loop included).

    Each worker process has crons of its own (arq keeps a cron's next run on it): fresh copies here too."""
    settings: dict[str, Any] = get_kwargs(WorkerSettings)  # type: ignore[arg-type]  # arq types it as a dict or a class
    own_crons = [dataclasses.replace(cron, next_run=None) for cron in settings["cron_jobs"]]
    return Worker(**{**settings, "cron_jobs": own_crons, "redis_pool": queue, "handle_signals": False})


async def _queued_during(start: datetime, hours: float) -> list[tuple[datetime, str, str | None]]:
    """Everything arq's heart beat queues from `start` on, its cron loop called each second as a running worker's is
    (every poll, at least twice a second, with a window of one second)."""
    queue = _Enqueued()
    worker = _worker(queue)
    instant = start - timedelta(seconds=1)
    while instant < start + timedelta(hours=hours):
        # arq's heart beat asks the time in the worker's zone (the machine's local time when it has none).
        await worker.run_cron(instant.astimezone(worker.timezone), delay=0.5)
        instant += timedelta(seconds=1)
    return queue.jobs


def _minutes(jobs: list[tuple[datetime, str, str | None]], name: str) -> list[str]:
    return [f"{at:%H:%M}" for at, function, _ in jobs if function == name]


async def test_a_day_of_crons_checks_connections_every_six_hours_reminds_once_and_imports_every_half_hour() -> None:
    jobs = await _queued_during(DAY, 24)

    assert _minutes(jobs, "check_all_connections") == ["00:05", "06:05", "12:05", "18:05"]
    assert _minutes(jobs, "send_reminders") == ["07:00"]
    assert _minutes(jobs, "import_all_orders") == [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
    assert _minutes(jobs, "expire_idle_drafts") == [f"{h:02d}:{m:02d}" for h in range(24) for m in range(0, 60, 10)]
    assert _minutes(jobs, "resend_mail") == [f"{h:02d}:{m:02d}" for h in range(24) for m in range(2, 60, 5)]
    assert Counter(function for _, function, _ in jobs) == {
        "check_all_connections": 4,
        "send_reminders": 1,
        "import_all_orders": 48,
        "expire_idle_drafts": 144,
        "resend_mail": 288,
    }
    # Each run is queued once, at the start of its minute.
    assert all(at.second == 0 for at, _, _ in jobs)
    assert len({job_id for _, _, job_id in jobs}) == len(jobs)


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
async def test_the_schedule_is_in_utc_whatever_the_machines_time_zone(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        jobs = await _queued_during(DAY, 24)
    finally:
        monkeypatch.undo()
        time.tzset()

    assert _minutes(jobs, "send_reminders") == ["07:00"]
    assert _minutes(jobs, "check_all_connections") == ["00:05", "06:05", "12:05", "18:05"]


async def test_at_given_instants_exactly_the_due_crons_are_queued() -> None:
    at_seven = {function for _, function, _ in await _queued_during(DAY.replace(hour=7), 1 / 60)}
    at_six_past_five = {function for _, function, _ in await _queued_during(DAY.replace(hour=6, minute=5), 1 / 60)}
    at_ten_past_three = {function for _, function, _ in await _queued_during(DAY.replace(hour=3, minute=10), 1 / 60)}
    at_a_quarter_past = {function for _, function, _ in await _queued_during(DAY.replace(hour=9, minute=15), 1 / 60)}

    assert at_seven == {"send_reminders", "import_all_orders", "expire_idle_drafts"}
    assert at_six_past_five == {"check_all_connections"}
    assert at_ten_past_three == {"expire_idle_drafts"}
    assert at_a_quarter_past == set()


async def test_two_workers_queue_the_same_run_under_the_same_job_id_so_it_runs_once() -> None:
    since_midnight = await _queued_during(DAY, 6.5)
    started_later = await _queued_during(DAY.replace(hour=2, minute=17, second=41), 4.2)

    overlap = {job_id for at, _, job_id in since_midnight if at >= DAY.replace(hour=2, minute=17, second=41)}
    assert overlap == {job_id for _, _, job_id in started_later}
    six_past_six = int(DAY.replace(hour=6, minute=5).timestamp() * 1000)
    assert f"cron:check_all_connections:{six_past_six + 123}" in overlap


def test_each_cron_runs_its_job_with_the_jobs_timeout_and_three_tries() -> None:
    worker = _worker(_Enqueued())
    crons = {name.removeprefix("cron:"): job for name, job in worker.functions.items() if isinstance(job, CronJob)}

    assert set(crons) == {
        "check_all_connections",
        "send_reminders",
        "import_all_orders",
        "expire_idle_drafts",
        "resend_mail",
    }
    for name, cron in crons.items():
        job = worker.functions[name]  # the same work, queued by hand (`erp-settings check-connections`, tests)
        assert isinstance(job, Function)
        assert cron.coroutine.__wrapped__ is getattr(jobs, name)  # type: ignore[attr-defined]
        assert job.coroutine.__wrapped__ is getattr(jobs, name)  # type: ignore[attr-defined]
        assert cron.timeout_s == job.timeout_s == TIMEOUTS[name] + CANCEL_GRACE_SECONDS
        assert (cron.unique, cron.max_tries, cron.run_at_startup) == (True, 3, False)
