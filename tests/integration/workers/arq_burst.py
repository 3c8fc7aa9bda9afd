"""A real arq worker in burst mode for the job tests: it runs what is queued (and the retries due) and stops."""

from __future__ import annotations

from arq.worker import Worker

from app.lib.queue import deserialize, redis_settings, serialize
from app.services import Services
from app.worker import WorkerSettings


async def run_queued_jobs(services: Services) -> Worker:
    """A real arq worker in burst mode: it runs what is queued (and retries due) and stops."""
    worker = Worker(
        functions=WorkerSettings.functions,
        redis_settings=redis_settings(services.redis.url or ""),
        burst=True,
        ctx={"services": services},
        job_serializer=serialize,
        job_deserializer=deserialize,
        poll_delay=0.05,
        handle_signals=False,
    )
    await worker.main()
    await worker.close()
    return worker
