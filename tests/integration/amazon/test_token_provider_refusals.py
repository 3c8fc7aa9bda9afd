"""What a job gets from the token provider: its refusals' codes and words, how often it asks Amazon and the database.

"Another process" is a token provider of its own (caches and flights) on the same Redis and database, as a worker's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
import redis.asyncio as aioredis

from app.amazon.lwa import LwaClient
from app.amazon.regions import Region
from app.amazon.retry import Backoff
from app.amazon.tables import AmazonConnection
from app.amazon.tokens import ReauthorizationRequired, TokenProvider, TokenUnavailable
from app.lib.clock import MovableClock
from app.lib.errors import RuleViolation
from app.lib.redis import CLIENT_OPTIONS
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, count_queries
from tests.helpers import connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token
from tests.integration.amazon.test_backoff_rules import another_process, refreshes, stopped_clock

NA_SELLER, OTHER_NA_SELLER = "A1SIMNASELLER1", "A2SIMNASELLER2"
# A refresh that reaches LWA gets there in milliseconds; a second owner's must not wait for the first owner's lock,
# which the waiting caller would hold up to the lock's timeout (TOKEN_LOCK_TIMEOUT_SECONDS, 3 s in the tests).
AT_LWA_WITHIN_SECONDS = 2.0


async def connected(admin: Browser, amazon: AmazonSimulator, code: str, seller: str = NA_SELLER) -> int:
    owner = int((await create_company(admin, code))["id"])
    answer = await save(admin, await get_token(admin, amazon, owner, "NA", seller))
    assert answer.status_code == 200, answer.text
    return owner


async def stored(services: Services, owner: int) -> tuple[str, object]:
    row = (await services.connections.rows_for_owners([owner]))[owner][Region.NA]
    token = services.connections.secret(row, "access_token")
    assert token is not None
    return token, row["access_token_expires_at"]


async def until(check: Callable[[], Awaitable[bool]], bound: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {bound:g} s")
        await asyncio.sleep(0.02)


def held(amazon: AmazonSimulator, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await amazon.held_refreshes() >= count

    return check


async def expire_stored_access_tokens() -> None:
    await AmazonConnection.update({AmazonConnection.access_token: None}, force=True)


async def test_a_company_that_does_not_exist_is_refused_as_unknown_company(services: Services) -> None:
    with pytest.raises(RuleViolation) as refusal:
        await services.tokens.access_token(999_999, Region.NA)

    assert (refusal.value.code, refusal.value.message) == ("unknown_company", "Company 999999 does not exist.")


async def test_a_company_without_a_connection_in_the_region_is_refused_as_not_connected(
    admin: Browser, services: Services
) -> None:
    company = (await create_company(admin, "DE-01"))["id"]

    with pytest.raises(RuleViolation) as refusal:
        await services.tokens.access_token(company, Region.EU)

    assert (refusal.value.code, refusal.value.message) == ("not_connected", "No Selling Partner API connection for EU.")


async def test_a_revoked_authorization_is_shown_as_such_and_refused_again_in_amazons_words_without_asking_amazon(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected(admin, amazon, "US-01")
    await expire_stored_access_tokens()
    await amazon.revoke(NA_SELLER)

    with pytest.raises(ReauthorizationRequired) as first:
        await services.tokens.access_token(owner, Region.NA)
    asked = await refreshes(amazon)
    with pytest.raises(ReauthorizationRequired) as elsewhere:
        await another_process(services).access_token(owner, Region.NA)
    shown = connection(await settings_of(admin, owner), "NA")

    assert first.value.message
    assert elsewhere.value.message == first.value.message
    assert (shown["status"], shown["lastErrorCode"]) == ("reauthorization_required", "reauthorization_required")
    assert shown["lastErrorMessage"] == first.value.message
    assert await refreshes(amazon) == asked  # the second process read the verdict, Amazon was not asked again


async def test_a_connection_marked_for_reauthorization_without_words_is_refused_saying_re_authorization_required(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected(admin, amazon, "US-01")
    await expire_stored_access_tokens()
    await amazon.revoke(NA_SELLER)
    with pytest.raises(ReauthorizationRequired):
        await services.tokens.access_token(owner, Region.NA)
    await AmazonConnection.update({AmazonConnection.last_error_message: ""}, force=True)

    with pytest.raises(ReauthorizationRequired) as refusal:
        await another_process(services).access_token(owner, Region.NA)

    assert refusal.value.message == "Re-authorization required."


async def test_an_unreadable_stored_refresh_token_is_refused_and_shown_as_token_unreadable_without_asking_amazon(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await connected(admin, amazon, "US-01")
    uk = await connected(admin, amazon, "UK-01", OTHER_NA_SELLER)
    # UK-01's refresh token stored on US-01's row (a restore that mixed rows up): sealed for another connection.
    [row] = await AmazonConnection.select(AmazonConnection.refresh_token).where(AmazonConnection.company == uk)
    await AmazonConnection.update(
        {AmazonConnection.refresh_token: row["refresh_token"], AmazonConnection.access_token: None}
    ).where(AmazonConnection.company == us)
    asked = await refreshes(amazon)

    with pytest.raises(ReauthorizationRequired) as refusal:
        await services.tokens.access_token(us, Region.NA)
    shown = connection(await settings_of(admin, us), "NA")

    message = "The stored refresh token cannot be read; get the token again."
    assert refusal.value.message == message
    assert (shown["status"], shown["lastErrorCode"], shown["lastErrorMessage"]) == (
        "reauthorization_required",
        "token_unreadable",
        message,
    )
    assert await refreshes(amazon) == asked


async def test_amazon_asking_for_two_minutes_keeps_every_process_from_refreshing_for_two_minutes(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await connected(admin, amazon, "US-01")
    _, expires_at = await stored(services, owner)
    stop = stopped_clock(monkeypatch, clock)
    stop(expires_at)  # type: ignore[arg-type]
    await amazon.fault("lwa", "error", status=503, count=3, retryAfter=120)

    with pytest.raises(TokenUnavailable) as failed:
        await services.tokens.access_token(owner, Region.NA)
    tried = await refreshes(amazon)
    stop(expires_at + timedelta(seconds=90))  # type: ignore[operator]
    with pytest.raises(TokenUnavailable) as later:
        await another_process(services).access_token(owner, Region.NA)

    assert failed.value.retry_after == 120
    assert later.value.retry_after == 30
    assert later.value.message == "Amazon failed to refresh the access token moments ago: try again in 30 s."
    assert await refreshes(amazon) == tried


async def test_a_failed_refresh_of_one_owner_keeps_no_other_owner_from_refreshing(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    us = await connected(admin, amazon, "US-01")
    uk = await connected(admin, amazon, "UK-01", OTHER_NA_SELLER)
    stale, expires_at = await stored(services, uk)
    stopped_clock(monkeypatch, clock)(expires_at)  # type: ignore[arg-type]
    await amazon.fault("lwa", "error", status=503, count=3)  # US-01's three tries
    with pytest.raises(TokenUnavailable):
        await services.tokens.access_token(us, Region.NA)

    token = await services.tokens.access_token(uk, Region.NA)

    assert token != stale
    assert token == (await stored(services, uk))[0]


async def test_one_owners_refresh_waiting_at_amazon_holds_up_no_other_owners_refresh(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await connected(admin, amazon, "US-01")
    uk = await connected(admin, amazon, "UK-01", OTHER_NA_SELLER)
    await expire_stored_access_tokens()
    await amazon.hold_refreshes()

    first = asyncio.create_task(services.tokens.access_token(us, Region.NA))
    try:
        await until(held(amazon, 1), AT_LWA_WITHIN_SECONDS, "US-01's refresh reaching LWA")
        second = asyncio.create_task(another_process(services).access_token(uk, Region.NA))
        await until(held(amazon, 2), AT_LWA_WITHIN_SECONDS, "UK-01's refresh reaching LWA beside US-01's")
    finally:
        await amazon.release_refreshes()
    tokens = [await first, await second]

    assert tokens == [(await stored(services, us))[0], (await stored(services, uk))[0]]


async def test_a_process_waiting_too_long_for_another_ones_refresh_is_told_to_come_back_in_five_seconds(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected(admin, amazon, "US-01")
    await expire_stored_access_tokens()
    await amazon.hold_refreshes()
    # A worker started with the default lock timeout (30 s) and a patient HTTP client refreshes, and Amazon keeps it
    # waiting; this process waits one and a half of its own lock timeouts (3 s here) for it, then gives up.
    patient = httpx.AsyncClient(timeout=30)
    slow = another_process(services)
    slow.lwa = LwaClient(patient, services.endpoints, Backoff(attempts=1, base_seconds=0.02))
    slow.lock_timeout = 30
    refreshing = asyncio.create_task(slow.access_token(owner, Region.NA))
    try:
        await until(held(amazon, 1), AT_LWA_WITHIN_SECONDS, "the slow worker's refresh reaching LWA")
        with pytest.raises(TokenUnavailable) as refusal:
            await asyncio.wait_for(services.tokens.access_token(owner, Region.NA), timeout=15)
        waiting = await amazon.held_refreshes()
    finally:
        await amazon.release_refreshes()
    token = await refreshing
    await patient.aclose()

    assert (refusal.value.message, refusal.value.retry_after) == (
        "Another worker is refreshing this token and takes too long.",
        5,
    )
    assert waiting == 1  # this process never asked Amazon itself
    assert token == (await stored(services, owner))[0]


async def test_a_forced_refresh_after_another_process_refreshed_takes_the_stored_token_without_asking_amazon(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected(admin, amazon, "US-01")
    other = another_process(services)
    rejected = await services.tokens.access_token(owner, Region.NA)
    assert await other.access_token(owner, Region.NA) == rejected
    before = await refreshes(amazon)

    # Amazon turned the token down for both (a 401): the other process forces a refresh first.
    renewed = await other.access_token(owner, Region.NA, force=True)
    here = await services.tokens.access_token(owner, Region.NA, force=True)

    assert renewed != rejected
    assert here == renewed == (await stored(services, owner))[0]
    assert await refreshes(amazon) == before + 1


async def test_an_access_token_with_exactly_five_minutes_left_is_renewed_before_use(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await connected(admin, amazon, "US-01")
    token, expires_at = await stored(services, owner)
    stop = stopped_clock(monkeypatch, clock)
    stop(expires_at - timedelta(minutes=6))  # type: ignore[operator]
    assert await services.tokens.access_token(owner, Region.NA) == token  # cached here
    before = await refreshes(amazon)

    stop(expires_at - timedelta(minutes=5))  # type: ignore[operator]
    renewed = await services.tokens.access_token(owner, Region.NA)

    assert renewed != token
    assert renewed == (await stored(services, owner))[0]
    assert await refreshes(amazon) == before + 1


async def test_a_cached_token_is_answered_without_asking_the_database_or_amazon(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected(admin, amazon, "US-01")
    worker: TokenProvider = another_process(services)
    token = await worker.access_token(owner, Region.NA)
    before = await refreshes(amazon)

    with count_queries() as queries:
        again = [await worker.access_token(owner, Region.NA) for _ in range(3)]

    assert again == [token] * 3
    assert queries == []
    assert await refreshes(amazon) == before


async def test_many_callers_at_once_in_a_process_that_just_started_all_get_the_stored_token(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await connected(admin, amazon, "US-01")
    ca = (await create_company(admin, "CA-01", parent=us, unified=True))["id"]
    worker = another_process(services)
    before = await refreshes(amazon)

    tokens = await asyncio.gather(*(worker.access_token(c, Region.NA) for c in [us, ca] * 5))

    assert tokens == [(await stored(services, us))[0]] * 10
    assert await refreshes(amazon) == before


async def test_a_process_that_waited_for_another_ones_refresh_takes_the_stored_token_without_asking_amazon(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected(admin, amazon, "US-01")
    await expire_stored_access_tokens()
    await amazon.hold_refreshes()
    patient = httpx.AsyncClient(timeout=30)
    # Both with the default lock timeout (30 s), so that neither gives up while Amazon holds the first refresh; the
    # waiting one's Redis connection carries a name, so that CLIENT LIST shows it retrying the lock.
    holder = another_process(services)
    holder.lwa = LwaClient(patient, services.endpoints, Backoff(attempts=1, base_seconds=0.02))
    holder.lock_timeout = 30
    named = aioredis.Redis.from_url(f"{services.redis.url}?client_name=waiting-worker", **CLIENT_OPTIONS)
    waiter = another_process(services)
    waiter.redis, waiter.lock_timeout = named, 30
    before = await refreshes(amazon)

    refreshing = asyncio.create_task(holder.access_token(owner, Region.NA))
    try:
        await until(held(amazon, 1), AT_LWA_WITHIN_SECONDS, "the first refresh reaching LWA")
        waiting = asyncio.create_task(waiter.access_token(owner, Region.NA))
        await until(lambda: retrying_the_lock(services, "waiting-worker"), 10, "the second process at the lock")
    finally:
        await amazon.release_refreshes()
    tokens = [await refreshing, await waiting]
    await patient.aclose()
    await named.aclose()

    assert tokens == [(await stored(services, owner))[0]] * 2
    assert await refreshes(amazon) == before + 1


async def retrying_the_lock(services: Services, name: str) -> bool:
    """The named connection's last command was a SET (the lock's attempt, every 0.1 s) less than a second ago."""
    clients = await services.redis.client.client_list()
    return any(c["name"] == name and c["cmd"] == "set" and int(c["idle"]) == 0 for c in clients)
