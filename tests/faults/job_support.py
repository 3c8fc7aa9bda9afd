"""What the job fault tests share: a signed-in admin of a fault system, connections made for real, arq's state."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import redis.asyncio as aioredis
from arq.jobs import JobResult

from app.amazon.tokens import SAVES_CHANNEL
from app.lib.queue import JobQueue
from tests.amazon_sim_admin import AmazonSimulator
from tests.helpers import save
from tests.integration.amazon.flows import get_token

T = TypeVar("T")


async def signed_in(base_url: str, username: str, password: str) -> httpx.AsyncClient:
    """A browser of a real web server, signed in, sending the session's CSRF token."""
    client = httpx.AsyncClient(base_url=base_url, timeout=30)
    login = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrfToken"]
    return client


async def company_ids(client: httpx.AsyncClient, *codes: str) -> list[int]:
    items = (await client.get("/api/companies", params={"limit": 100})).json()["items"]
    by_code = {c["code"]: c["id"] for c in items}
    return [by_code[code] for code in codes]


async def connect(
    admin: httpx.AsyncClient, amazon: AmazonSimulator, owner: int, region: str, seller: str, **changes: Any
) -> None:
    """Get Selling Partner API token, Amazon's consent and Save, as an admin does (the Save queues a check)."""
    draft = await get_token(admin, amazon, owner, region, seller, **changes)
    saved = await save(admin, draft)
    assert saved.status_code == 200, saved.text


async def wait_for(what: str, bound: float, probe: Callable[[], Awaitable[T | None]], every: float = 0.1) -> T:
    """`probe()`'s first answer that is not None (nor false), within `bound` seconds, or an assertion naming `what`."""
    deadline = time.monotonic() + bound
    while True:
        answer = await probe()
        if answer:
            return answer
        assert time.monotonic() < deadline, f"{what}: not within {bound:g} s"
        await asyncio.sleep(every)


class Arq:
    """The test's view of the system's queue, on its Redis: queue jobs as the product does, read arq's keys."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.redis = aioredis.Redis.from_url(url)
        self._queue: JobQueue | None = None

    async def queue(self) -> JobQueue:
        if self._queue is None:
            self._queue = await JobQueue.connect(self.url)
        return self._queue

    async def result(self, job_id: str) -> JobResult | None:
        return (await (await self.queue()).results([job_id])).get(job_id)

    async def wait_for_result(self, job_id: str, bound: float) -> JobResult:
        return await wait_for(f"a result of {job_id}", bound, lambda: self.result(job_id))

    async def running(self, job_id: str) -> bool:
        return bool(await self.redis.exists(f"arq:in-progress:{job_id}"))

    async def listeners(self) -> int:
        """How many processes follow Save announcements (PUBSUB NUMSUB)."""
        counts: list[tuple[bytes, int]] = await self.redis.pubsub_numsub(SAVES_CHANNEL)
        return int(counts[0][1])

    async def close(self) -> None:
        if self._queue is not None:
            await self._queue.close()
        await self.redis.aclose()
