"""arq WorkerSettings and the worker process: jobs with timeouts that fit them, crons, Redis outages survived."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC
from typing import Any

from arq import Retry, cron
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.typing import WorkerCoroutine
from arq.worker import Function, Worker, func, get_kwargs
from redis import exceptions as redis_errors

from app.amazon import jobs
from app.config import Settings, get_settings
from app.lib.logs import JOB_ID, JOB_TRY
from app.lib.metrics import JOB_DURATION, JOBS, serve_on_own_port
from app.lib.queue import arq_pool, deserialize, redis_settings, serialize
from app.lib.redis import embedded_server
from app.services import running_services

log = logging.getLogger(__name__)

# Redis failing to answer, as opposed to answering with an error: wait for it and go on.
REDIS_AWAY: tuple[type[BaseException], ...] = (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError)

# How long one try of each job may take. arq marks a running job "in progress" for the longest timeout of the worker
# plus 10 s, the same for every job; a worker killed mid-job leaves the mark behind, and only once it expires does
# another worker run the job again. So the longest timeout bounds how late ANY job of a killed worker comes back:
# 90 s + 5 s (CANCEL_GRACE_SECONDS) + 10 s = 105 s after its try started, so within two minutes of the kill, whichever
# job it was. A try that needs longer is stopped at its timeout and tried again later, never failed for it.
TIMEOUTS: dict[str, float] = {
    # One LWA refresh and one SP-API call, each at most ~22 s (AMAZON_TIMEOUT_SECONDS, then capped retries).
    "check_connection": 60.0,
    # May first wait for another process's refresh (the token lock, see check_token_lock_fits), then for the quota.
    "sync_marketplace_participations": 90.0,
    # A try ends itself after its slice; the room left is for the page in flight then.
    "import_orders": jobs.IMPORT_SLICE_SECONDS + 10,
    # At most CHUNK connection tests (app.amazon.bulk); one overrunning is handed back and resumes where it was.
    "bulk_test_chunk": 90.0,
    # The sweeps: a scan of the database, or one enqueue per connection or company.
    "check_all_connections": 90.0,
    "import_all_orders": 90.0,
    "send_reminders": 90.0,
    "expire_idle_drafts": 90.0,
    # At most RESEND_BATCH mails, each one SMTP conversation (at most 10 s); a run stops at the first failure.
    "resend_mail": 90.0,
}
TOKEN_JOBS = ("sync_marketplace_participations", "import_orders")
# arq cancels a job past its own timeout and fails it: our timeout comes first and hands the try back as a Retry.
CANCEL_GRACE_SECONDS = 5.0
OVERRUN_RETRY_SECONDS = 30.0
# arq's in-progress mark: how long a killed worker's job waits before another worker runs it again.
IN_PROGRESS_MARK_SECONDS = max(TIMEOUTS.values()) + CANCEL_GRACE_SECONDS + 10

REDIS_RETRY_FIRST_SECONDS = 0.5
REDIS_RETRY_MAX_SECONDS = 5.0

Job = Callable[..., Awaitable[Any]]


def _transient_failures_retried(coroutine: Job, timeout: float) -> WorkerCoroutine:
    """`coroutine`, whose try ends as a Retry when it overruns `timeout` or Redis goes away.

    arq fails a job for good when it overruns its timeout, and a job whose Redis call failed ends failed too (when
    Redis is back in time to record it): both are transient, so the job is tried again while it has tries left.
    """

    name = coroutine.__name__

    @functools.wraps(coroutine)
    async def run(ctx: dict[Any, Any], *args: Any, **kwargs: Any) -> Any:
        # Every line this try logs names its job and try (arq's own lines name the job too, see run_job).
        JOB_ID.set(ctx.get("job_id"))
        JOB_TRY.set(ctx.get("job_try"))
        deadline = asyncio.timeout(timeout)
        started = time.monotonic()
        outcome = "failed"
        try:
            async with deadline:
                result = await coroutine(ctx, *args, **kwargs)
            outcome = "succeeded"
            return result
        except Retry:
            outcome = "retry"
            raise
        except TimeoutError:
            if not deadline.expired():
                raise
            outcome = "overran"
            log.warning("%s took longer than %.0f s: stopped, to be tried again", name, timeout)
        except REDIS_AWAY as away:
            outcome = "redis_away"
            log.warning("%s: Redis went away (%s): to be tried again", name, type(away).__name__)
        except asyncio.CancelledError:
            outcome = "cancelled"  # the worker is stopping (or arq's own timeout): arq tries it again
            raise
        finally:
            JOBS.labels(function=name, outcome=outcome).inc()
            JOB_DURATION.labels(function=name).observe(time.monotonic() - started)
        raise Retry(defer=OVERRUN_RETRY_SECONDS * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)

    return run


def _job(coroutine: Job, *, max_tries: int) -> Function:
    timeout = TIMEOUTS[coroutine.__name__]
    return func(
        _transient_failures_retried(coroutine, timeout),
        name=coroutine.__name__,
        timeout=timeout + CANCEL_GRACE_SECONDS,
        max_tries=max_tries,
    )


def _cron(coroutine: Job, **schedule: Any) -> CronJob:
    """A cron run is a job of its own ("cron:…"): without a timeout, arq's default of 300 s would become every job's
    in-progress mark; and with one try only, a run whose worker was killed would never run again."""
    timeout = TIMEOUTS[coroutine.__name__]
    return cron(
        _transient_failures_retried(coroutine, timeout),
        unique=True,
        timeout=timeout + CANCEL_GRACE_SECONDS,
        max_tries=3,
        **schedule,
    )


async def startup(ctx: dict[str, Any]) -> None:
    stack = AsyncExitStack()
    ctx["stack"] = stack
    settings = get_settings()
    if settings.metrics_port is not None:
        server, _ = serve_on_own_port(settings.metrics_port, settings.metrics_host)
        stack.callback(server.server_close)
        stack.callback(server.shutdown)
    ctx["services"] = await stack.enter_async_context(running_services(settings))
    log.info("worker ready: services started, taking jobs")


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["stack"].aclose()


def worker_redis_url() -> str:
    """REDIS_URL, or the embedded server under var/ (started here if the web server has not started it yet)."""
    settings = get_settings()
    return settings.redis_url or f"unix://{embedded_server(settings.var_dir)}"


def worker_redis_settings() -> RedisSettings:
    """The same Redis as `worker_redis_url`, as arq's `run_worker` takes it."""
    return redis_settings(worker_redis_url())


class WorkerSettings:
    """`erp-settings worker` (which survives Redis outages), or `arq app.worker.WorkerSettings` (which does not)."""

    # Tries include those of a killed or stopped worker (arq counts them), so even jobs that never retry by
    # themselves get more than one; they are all idempotent (the sweeps deduplicate what they queue).
    functions = [
        _job(jobs.check_connection, max_tries=5),
        _job(jobs.bulk_test_chunk, max_tries=20),
        _job(jobs.sync_marketplace_participations, max_tries=8),
        # Each try of a long import is a slice (IMPORT_SLICE_SECONDS, about two pages past the burst): the tries bound
        # how long one window may take, transient failures are limited by the import itself (8 in a row).
        _job(jobs.import_orders, max_tries=400),
        _job(jobs.check_all_connections, max_tries=3),
        _job(jobs.import_all_orders, max_tries=3),
        _job(jobs.send_reminders, max_tries=3),
        _job(jobs.expire_idle_drafts, max_tries=3),
        _job(jobs.resend_mail, max_tries=3),
    ]
    cron_jobs = [
        _cron(jobs.check_all_connections, hour={0, 6, 12, 18}, minute=5),
        _cron(jobs.send_reminders, hour={7}, minute=0),
        _cron(jobs.import_all_orders, minute={0, 30}),
        _cron(jobs.expire_idle_drafts, minute=set(range(0, 60, 10))),
        _cron(jobs.resend_mail, minute=set(range(2, 60, 5))),
    ]
    # The schedule above is in UTC whatever the machine's zone (arq would follow the local time otherwise).
    timezone = UTC
    on_startup = startup
    on_shutdown = shutdown
    job_serializer = serialize
    job_deserializer = deserialize
    keep_result = 3600
    job_timeout = max(TIMEOUTS.values()) + CANCEL_GRACE_SECONDS  # for anything registered without a timeout
    # `arq app.worker.WorkerSettings` needs REDIS_URL; `erp-settings worker` also serves the embedded Redis.
    redis_settings = redis_settings(str(get_settings().redis_url)) if get_settings().redis_url else None


class ResilientWorker(Worker):
    """arq's Worker, which exits at the first Redis error of its poll loop, made to wait for Redis and go on.

    While Redis is away no job is taken; jobs already running go on (most of their work is the database and
    Amazon). Each outage is logged once when it starts and once when it ends.
    """

    async def main(self) -> None:
        if self._pool is not None:  # started while Redis is away: wait for it rather than exit
            try:
                await self._pool.ping()
            except REDIS_AWAY as away:
                await self._wait_for_redis(away)
        await super().main()

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_AWAY as away:
            await self._wait_for_redis(away)

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        for job_id in job_ids:
            try:
                await super().start_jobs([job_id])
            except REDIS_AWAY:
                # arq took a slot for this job just before Redis failed, and would never give it back: after a few
                # outages the worker would have no slot left and take no job at all.
                self.job_counter -= 1
                self.sem.release()
                raise

    async def run_job(self, job_id: str, score: int) -> None:
        JOB_ID.set(job_id)  # this task's lines, arq's own included, name the job
        try:
            await super().run_job(job_id, score)
        except REDIS_AWAY as away:
            # Its start or its end could not be recorded: it stays marked in progress, and runs again once the
            # mark expires (when Redis kept it).
            log.warning(
                "job %s: Redis went away (%s) before its end was recorded; it runs again once its in-progress mark "
                "expires",
                job_id,
                type(away).__name__,
            )

    async def _wait_for_redis(self, away: BaseException) -> None:
        started = time.monotonic()
        log.warning(
            "Redis is unreachable (%s: %s): no job is taken until it answers; trying again with backoff",
            type(away).__name__,
            away,
        )
        delay = REDIS_RETRY_FIRST_SECONDS
        while True:
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)
            try:
                await self.pool.ping()
                break
            except REDIS_AWAY:
                delay = min(REDIS_RETRY_MAX_SECONDS, delay * 2)
        services = self.ctx.get("services")
        if services is not None:
            # Saves announced while we were cut off never reached this process (its subscription drops its caches
            # again once it is back): nothing cached before or during the outage is trusted.
            services.tokens.forget()
        log.info("Redis answers again after %.1f s: taking jobs again", time.monotonic() - started)

    async def close(self) -> None:
        try:
            await super().close()
        except REDIS_AWAY:
            # Stopped while Redis is away: arq could not remove its health-check key; close the services anyway.
            if self.on_shutdown is not None:
                await self.on_shutdown(self.ctx)


def check_token_lock_fits(settings: Settings) -> None:
    """A job that waited for the token lock (up to 1.5 times its timeout) must still have time to refresh the token
    (LWA: about 22 s at worst): refuse a lock timeout longer than half the token jobs' timeout."""
    limit = min(TIMEOUTS[name] for name in TOKEN_JOBS) / 2
    if settings.token_lock_timeout_seconds > limit:
        raise SystemExit(
            f"configuration error: TOKEN_LOCK_TIMEOUT_SECONDS={settings.token_lock_timeout_seconds:g} is longer than "
            f"half the timeout of the jobs that refresh tokens: set it to {limit:g} or less"
        )


def run() -> None:
    """`erp-settings worker`: WorkerSettings on REDIS_URL or the embedded Redis, until stopped (SIGINT, SIGTERM)."""
    check_token_lock_fits(get_settings())
    for name in TIMEOUTS:  # each job's series from the start, at 0, so a rate() sees its first try
        for outcome in ("succeeded", "failed"):
            JOBS.labels(function=name, outcome=outcome)
    worker = ResilientWorker(**get_kwargs(WorkerSettings), redis_pool=arq_pool(worker_redis_url()))  # type: ignore[arg-type]
    worker.run()
