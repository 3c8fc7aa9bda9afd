"""A TCP proxy in front of Redis that can cut its clients off without a reset, as a lost host or network does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from tests.faults.processes import free_port

_CHUNK = 65536


class SilentPartition:
    """Clients connect to `url`; `cut()` makes every open connection go silent for good (nothing arrives, nothing is
    answered, no reset: the client's socket stays open) and Redis sees those clients leave. Until `heal()`, new
    connections are accepted and then hear nothing either; after it, new connections work again."""

    def __init__(self, redis_port: int) -> None:
        self.redis_port = redis_port
        self.port = free_port()
        self.cut_off = False
        self._open: set[_Pair] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def cut(self) -> None:
        self.cut_off = True
        for pair in list(self._open):
            pair.silence()

    def heal(self) -> None:
        self.cut_off = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pair = _Pair(writer)
        self._open.add(pair)
        try:
            if self.cut_off:
                pair.silence()
            else:
                upstream_reader, pair.upstream = await asyncio.open_connection("127.0.0.1", self.redis_port)
                pair.tasks.append(asyncio.create_task(pair.forward(upstream_reader, writer)))
            await pair.forward(reader, pair.upstream)
        finally:
            self._open.discard(pair)
            pair.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for pair in list(self._open):
                pair.close()


class _Pair:
    """One client connection and its connection to Redis."""

    def __init__(self, client: asyncio.StreamWriter) -> None:
        self.client = client
        self.upstream: asyncio.StreamWriter | None = None
        self.silent = False
        self.tasks: list[asyncio.Task[None]] = []

    def silence(self) -> None:
        """Nothing more passes either way; Redis's side is closed (it sees the client go), the client's stays open."""
        self.silent = True
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None

    async def forward(self, source: asyncio.StreamReader, target: asyncio.StreamWriter | None) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(_CHUNK):
                if not self.silent and target is not None and not target.is_closing():
                    target.write(data)
                    await target.drain()
                # silent: read and dropped, as packets into a black hole
        if not self.silent:
            self.close()  # one side closed while connected: so is the other, as without a proxy

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for writer in (self.client, self.upstream):
            if writer is not None:
                writer.close()


@contextlib.asynccontextmanager
async def silent_partition(redis_port: int) -> AsyncIterator[SilentPartition]:
    proxy = SilentPartition(redis_port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
