"""The job queue (arq on Redis): deterministic job IDs that deduplicate only against queued or running work."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec
from arq.connections import ArqRedis, RedisSettings
from arq.constants import in_progress_key_prefix, job_key_prefix, result_key_prefix
from arq.jobs import JobResult, deserialize_result, serialize_job
from arq.utils import timestamp_ms
from redis.exceptions import WatchError

from app.lib.redis import CLIENT_OPTIONS

# Each attempt fails only when the job was queued, started or finished between our look and our write: a few are
# plenty, and the state they find then is the answer.
_ENQUEUE_ATTEMPTS = 10
_KEY_PREFIXES = (job_key_prefix, in_progress_key_prefix, result_key_prefix)


def serialize(value: Any) -> bytes:
    return msgspec.json.encode(value)


def deserialize(data: bytes) -> Any:
    return msgspec.json.decode(data)


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


def arq_pool(url: str) -> ArqRedis:
    """An arq client on `url` with the product's socket timeouts (arq's own `create_pool` sets none)."""
    pool: ArqRedis = ArqRedis.from_url(url, **CLIENT_OPTIONS)
    pool.job_serializer = serialize
    pool.job_deserializer = deserialize
    return pool


class Enqueued(StrEnum):
    """What asking for a job did."""

    QUEUED = "queued"
    ALREADY_QUEUED = "already_queued"  # waiting to start (or to be tried again): this request joins it
    ALREADY_RUNNING = "already_running"


class JobQueue:
    """Enqueues jobs by name. A job ID that is queued or running is not queued again; one that finished is.

    arq alone refuses an ID while the result of its last run is kept (an hour): a check asked for within an hour of
    the previous one would be dropped without a word.
    """

    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, url: str) -> JobQueue:
        pool = arq_pool(url)
        await pool.ping()
        return cls(pool)

    async def enqueue(self, function: str, *ids: int | str, job_id: str | None = None, defer_by: float = 0) -> Enqueued:
        if job_id is None:
            await self.pool.enqueue_job(function, *ids, _defer_by=defer_by or None)
            return Enqueued.QUEUED
        queued_key, running_key, result_key = (prefix + job_id for prefix in _KEY_PREFIXES)
        for _ in range(_ENQUEUE_ATTEMPTS):
            async with self.pool.pipeline(transaction=True) as pipe:
                # Watched: should a worker start or finish the job, or someone queue it, between this look and the
                # write below, the write does not happen and we look again.
                await pipe.watch(queued_key, running_key, result_key)
                if await pipe.exists(queued_key):
                    # arq marks a job in progress while it runs and removes its job key only when it ends.
                    return Enqueued.ALREADY_RUNNING if await pipe.exists(running_key) else Enqueued.ALREADY_QUEUED
                now = timestamp_ms()
                defer_ms = round(defer_by * 1000)
                payload = serialize_job(function, ids, {}, None, now, serializer=self.pool.job_serializer)
                pipe.multi()  # type: ignore[no-untyped-call]
                # The result of a finished run stays readable until now, never a reason to drop this request.
                pipe.delete(result_key)
                pipe.psetex(queued_key, defer_ms + self.pool.expires_extra_ms, payload)
                pipe.zadd(self.pool.default_queue_name, {job_id: now + defer_ms})
                try:
                    await pipe.execute()
                except WatchError:
                    continue
                return Enqueued.QUEUED
        raise RuntimeError(f"job {job_id} changed state {_ENQUEUE_ATTEMPTS} times while being queued")

    async def results(self, job_ids: list[str]) -> dict[str, JobResult]:
        """The results of those jobs that have finished since they were last queued (a job queued again has none)."""
        if not job_ids:
            return {}
        stored = await self.pool.mget([result_key_prefix + job_id for job_id in job_ids])
        return {
            job_id: deserialize_result(data, deserializer=self.pool.job_deserializer)
            for job_id, data in zip(job_ids, stored, strict=True)
            if data is not None
        }

    async def close(self) -> None:
        await self.pool.aclose()
