"""Save announcements as a running worker lives them: its next token follows a Save, through lost connections too.

The worker here is a second set of services built by the composition root (the way a worker process builds its
own), with its own Redis client, listening on the session's real Redis; the Saves go through the HTTP API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest
import redis.asyncio as aioredis
from redis import exceptions as redis_errors

from app.amazon.regions import Region
from app.amazon.tokens import SAVES_CHANNEL, TokenProvider
from app.lib.errors import RuleViolation
from app.lib.redis import CLIENT_OPTIONS, RedisConnection
from app.services import Services, build_services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, edit_and_save, save
from tests.integration.amazon.flows import get_token

# A worker hears a Save's announcement within milliseconds; two seconds leave room for a busy machine.
HEARD_WITHIN_SECONDS = 2.0
# After a lost connection the worker subscribes again within about half a second (the first backoff).
RESUBSCRIBED_WITHIN_SECONDS = 5.0
# Redis not answering for this long outlasts the 5 s the subscription waits for Redis's confirmation.
PAUSE_MS = 6500
# ... and this long the client's socket timeout (10 s), which a new connection's handshake waits.
LONG_PAUSE_MS = 11_000
NA_SELLER, OTHER_NA_SELLER = "A1SIMNASELLER1", "A2SIMNASELLER2"
T = TypeVar("T")


async def until(check: Callable[[], Awaitable[T | None]], bound: float, what: str) -> T:
    """`check`'s first answer that is not None, asked again every few milliseconds for at most `bound` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound
    while True:
        answer = await check()
        if answer is not None:
            return answer
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {bound:g} s")
        await asyncio.sleep(0.02)


@pytest.fixture
async def worker_redis(services: Services) -> AsyncIterator[RedisConnection]:
    """The Redis connection of another process: the same server, a client of its own."""
    connection = RedisConnection(aioredis.Redis.from_url(services.redis.url, **CLIENT_OPTIONS), services.redis.url)
    yield connection
    await connection.close()


@pytest.fixture
def worker(services: Services, worker_redis: RedisConnection) -> Services:
    """A worker process's services, built by the composition root; the test starts and stops its listening."""
    return build_services(
        services.config, services.keyring, worker_redis, services.http, services.queue, services.clock
    )


async def subscribers(services: Services) -> int:
    """How many connections Redis counts as subscribed to the Save announcements."""
    [(_, count)] = await services.redis.client.pubsub_numsub(SAVES_CHANNEL)
    return int(count)


async def subscribed_connections(services: Services, observer: aioredis.Redis | None = None) -> set[int]:
    """The IDs of the connections Redis counts as subscribed to something."""
    clients = await (observer or services.redis.client).client_list()
    return {int(c["id"]) for c in clients if int(c.get("sub", 0)) > 0}


async def connected(admin: Browser, amazon: AmazonSimulator, owner: int, seller: str) -> None:
    """Get Selling Partner API token for NA at Amazon as `seller`, then Save."""
    answer = await save(admin, await get_token(admin, amazon, owner, "NA", seller))
    assert answer.status_code == 200, answer.text


async def stored_access_token(services: Services, owner: int) -> str:
    row = (await services.connections.rows_for_owners([owner]))[owner][Region.NA]
    token = services.connections.secret(row, "access_token")
    assert token is not None
    return token


async def three_companies(admin: Browser, amazon: AmazonSimulator) -> tuple[int, int, int]:
    """US-01 and UK-01 connected to two sellers; CA-01 unified under US-01."""
    us = (await create_company(admin, "US-01"))["id"]
    ca = (await create_company(admin, "CA-01", parent=us, unified=True))["id"]
    uk = (await create_company(admin, "UK-01"))["id"]
    await connected(admin, amazon, us, NA_SELLER)
    await connected(admin, amazon, uk, OTHER_NA_SELLER)
    return us, ca, uk


def token_becomes(tokens: TokenProvider, company: int, expected: str) -> Callable[[], Awaitable[str | None]]:
    async def check() -> str | None:
        token = await tokens.access_token(company, Region.NA)
        return token if token == expected else None

    return check


async def test_a_save_re_parenting_a_unified_child_moves_a_listening_workers_next_token_to_the_new_owner(
    admin: Browser, amazon: AmazonSimulator, services: Services, worker: Services
) -> None:
    us, ca, uk = await three_companies(admin, amazon)
    await worker.tokens.listen_for_saves()
    try:
        before = await worker.tokens.access_token(ca, Region.NA)  # the worker now holds CA-01 → US-01 and its token
        refreshes = (await amazon.counters())["lwa.refresh_token"]

        await edit_and_save(admin, ca, parentId=uk, unified=True)
        after = await until(
            token_becomes(worker.tokens, ca, await stored_access_token(services, uk)),
            HEARD_WITHIN_SECONDS,
            "the worker's token for CA-01 becoming UK-01's",
        )
    finally:
        await worker.tokens.stop_listening()

    assert before == await stored_access_token(services, us)
    assert after == await stored_access_token(services, uk)
    assert (await amazon.counters())["lwa.refresh_token"] == refreshes  # read from the database, not refreshed


async def test_un_unifying_a_child_makes_a_listening_worker_refuse_its_token_as_not_connected(
    admin: Browser, amazon: AmazonSimulator, services: Services, worker: Services
) -> None:
    us = (await create_company(admin, "US-01"))["id"]
    mx = (await create_company(admin, "MX-01", parent=us, unified=True))["id"]
    await connected(admin, amazon, us, NA_SELLER)
    await worker.tokens.listen_for_saves()
    try:
        before = await worker.tokens.access_token(mx, Region.NA)

        await edit_and_save(admin, mx, unified=False)

        async def refused() -> RuleViolation | None:
            try:
                await worker.tokens.access_token(mx, Region.NA)
            except RuleViolation as refusal:
                return refusal
            return None

        refusal = await until(refused, HEARD_WITHIN_SECONDS, "the worker refusing MX-01's token")
    finally:
        await worker.tokens.stop_listening()

    assert before == await stored_access_token(services, us)
    assert (refusal.code, refusal.message) == ("not_connected", "No Selling Partner API connection for NA.")


async def test_a_worker_whose_connection_redis_drops_subscribes_again_and_follows_the_saves_after_it(
    admin: Browser, amazon: AmazonSimulator, services: Services, worker: Services
) -> None:
    us, ca, uk = await three_companies(admin, amazon)
    others = await subscribed_connections(services)
    await worker.tokens.listen_for_saves()
    try:
        [listener] = await subscribed_connections(services) - others
        assert await worker.tokens.access_token(ca, Region.NA) == await stored_access_token(services, us)

        await services.redis.client.client_kill_filter(_id=listener)
        again = await until(
            lambda: _new_subscription(services, others | {listener}),
            RESUBSCRIBED_WITHIN_SECONDS,
            "the worker subscribing again",
        )
        await edit_and_save(admin, ca, parentId=uk, unified=True)
        after = await until(
            token_becomes(worker.tokens, ca, await stored_access_token(services, uk)),
            HEARD_WITHIN_SECONDS,
            "the worker's token for CA-01 becoming UK-01's after the reconnection",
        )
    finally:
        await worker.tokens.stop_listening()

    assert again != listener
    assert after == await stored_access_token(services, uk)


async def test_a_worker_whose_redis_stops_answering_while_it_subscribes_again_keeps_trying_and_follows_saves(
    admin: Browser, amazon: AmazonSimulator, services: Services, worker: Services
) -> None:
    us, ca, uk = await three_companies(admin, amazon)
    # The test's own connection waits through the pause (the app's would give up after its 10 s socket timeout).
    observer = aioredis.Redis.from_url(services.redis.url, socket_timeout=LONG_PAUSE_MS / 1000 + 10)
    others = await subscribed_connections(services)
    await worker.tokens.listen_for_saves()
    try:
        [listener] = await subscribed_connections(services) - others
        assert await worker.tokens.access_token(ca, Region.NA) == await stored_access_token(services, us)

        # Cut off, and Redis answers nobody for longer than a new connection waits for it: the first subscription
        # again fails; the worker tries again. (It waits about half a second before it subscribes again: the pause,
        # sent at once, comes first.)
        await observer.client_kill_filter(_id=listener)
        await observer.execute_command("CLIENT PAUSE", LONG_PAUSE_MS)
        await until(
            lambda: _new_subscription(services, others | {listener}, observer),
            LONG_PAUSE_MS / 1000 + RESUBSCRIBED_WITHIN_SECONDS,
            "the worker subscribing again once Redis answers",
        )
        await edit_and_save(admin, ca, parentId=uk, unified=True)
        after = await until(
            token_becomes(worker.tokens, ca, await stored_access_token(services, uk)),
            HEARD_WITHIN_SECONDS,
            "the worker's token for CA-01 becoming UK-01's after Redis answered again",
        )
    finally:
        await worker.tokens.stop_listening()
        await observer.aclose()

    assert after == await stored_access_token(services, uk)


async def _new_subscription(services: Services, known: set[int], observer: aioredis.Redis | None = None) -> int | None:
    new = await subscribed_connections(services, observer) - known
    return next(iter(new)) if new else None


async def test_a_stopped_worker_leaves_no_subscription_behind(services: Services, worker: Services) -> None:
    before = await subscribers(services)

    await worker.tokens.listen_for_saves()
    listening = await subscribers(services)
    await worker.tokens.stop_listening()

    async def back_to_before() -> int | None:
        count = await subscribers(services)
        return count if count == before else None

    assert listening == before + 1
    assert await until(back_to_before, RESUBSCRIBED_WITHIN_SECONDS, "the subscription going") == before


async def test_a_worker_cannot_start_listening_while_redis_is_away(services: Services, tmp_path: Any) -> None:
    away = RedisConnection(
        aioredis.Redis.from_url(f"unix://{tmp_path}/no-redis.sock", **CLIENT_OPTIONS), f"unix://{tmp_path}/x"
    )
    worker = build_services(services.config, services.keyring, away, services.http, services.queue, services.clock)
    try:
        with pytest.raises(redis_errors.ConnectionError):
            await worker.tokens.listen_for_saves()
    finally:
        await worker.tokens.stop_listening()
        await away.close()


async def test_a_worker_starting_while_redis_does_not_answer_stops_saying_redis_did_not_confirm(
    services: Services, worker: Services, worker_redis: RedisConnection
) -> None:
    await worker_redis.client.ping()  # connected: only the subscription meets the silence
    await services.redis.client.execute_command("CLIENT PAUSE", PAUSE_MS)

    with pytest.raises(redis_errors.TimeoutError) as silence:
        await worker.tokens.listen_for_saves()
    await worker.tokens.stop_listening()

    assert str(silence.value) == "Redis did not confirm the subscription within 5 s"
