"""arq WorkerSettings: the jobs and crons, with the same services the web app builds (one composition root)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import func

from app.amazon import jobs
from app.config import get_settings
from app.lib.queue import deserialize, redis_settings, serialize
from app.lib.redis import embedded_server
from app.services import running_services


async def startup(ctx: dict[str, Any]) -> None:
    stack = AsyncExitStack()
    ctx["stack"] = stack
    ctx["services"] = await stack.enter_async_context(running_services(get_settings()))


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["stack"].aclose()


def worker_redis_settings() -> RedisSettings:
    """REDIS_URL, or the embedded server under var/ (started here if the web server has not started it yet)."""
    settings = get_settings()
    if settings.redis_url:
        return redis_settings(settings.redis_url)
    return RedisSettings(unix_socket_path=embedded_server(settings.var_dir))


class WorkerSettings:
    """`arq app.worker.WorkerSettings`, or `erp-settings worker`."""

    functions = [
        func(jobs.check_connection, max_tries=5),
        func(jobs.sync_marketplace_participations, max_tries=8),
        func(jobs.import_orders, max_tries=8),
        func(jobs.check_all_connections, max_tries=1),
        func(jobs.import_all_orders, max_tries=1),
        func(jobs.send_reminders, max_tries=3),
        func(jobs.expire_idle_drafts, max_tries=1),
    ]
    cron_jobs = [
        cron(jobs.check_all_connections, hour={0, 6, 12, 18}, minute=5, unique=True),
        cron(jobs.send_reminders, hour={7}, minute=0, unique=True),
        cron(jobs.import_all_orders, minute={0, 30}, unique=True),
        cron(jobs.expire_idle_drafts, minute=set(range(0, 60, 10)), unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
    job_serializer = serialize
    job_deserializer = deserialize
    keep_result = 3600
    # `arq app.worker.WorkerSettings` needs REDIS_URL; `erp-settings worker` also serves the embedded Redis.
    redis_settings = redis_settings(str(get_settings().redis_url)) if get_settings().redis_url else None
