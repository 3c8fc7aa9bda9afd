"""The job queue interface (arq on Redis): job IDs are deterministic, arguments are IDs only."""

from __future__ import annotations

from typing import Any

import msgspec
from arq.connections import ArqRedis, RedisSettings, create_pool


def serialize(value: Any) -> bytes:
    return msgspec.json.encode(value)


def deserialize(data: bytes) -> Any:
    return msgspec.json.decode(data)


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


class JobQueue:
    """Enqueues jobs by name; a job already queued under the same ID is not queued twice."""

    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, url: str) -> JobQueue:
        return cls(await create_pool(redis_settings(url), job_serializer=serialize, job_deserializer=deserialize))

    async def enqueue(self, function: str, *ids: int | str, job_id: str | None = None, defer_by: float = 0) -> bool:
        job = await self.pool.enqueue_job(function, *ids, _job_id=job_id, _defer_by=defer_by or None)
        return job is not None

    async def close(self) -> None:
        await self.pool.aclose()
