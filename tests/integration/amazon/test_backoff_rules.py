"""Amazon's pace as callers meet it: tries given up, the cooldown after a failed refresh, the 5-minute skew."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.amazon.regions import Region
from app.amazon.tokens import TokenProvider, TokenUnavailable
from app.lib.clock import MovableClock
from app.lib.errors import AmazonUnavailable
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"
LWA_TOKEN = "/auth/o2/token"


async def connected_owner(admin: Browser, amazon: AmazonSimulator) -> int:
    owner = await create_company(admin, "OWN-01")
    draft = await get_token(admin, amazon, owner["id"], "NA", "A1SIMNASELLER1")
    saved = await save(admin, draft)
    assert saved.status_code == 200, saved.text
    return int(owner["id"])


async def stored_access_token(services: Services, owner: int) -> tuple[str | None, datetime]:
    """The connection's access token as the database holds it, and when it expires."""
    row = (await services.connections.rows_for_owners([owner]))[owner][Region.NA]
    return services.connections.secret(row, "access_token"), row["access_token_expires_at"]


def another_process(services: Services) -> TokenProvider:
    """The token provider of another worker process: caches and flights of its own, the same Redis and database."""
    return TokenProvider(
        services.clock,
        services.redis.client,
        services.hierarchy,
        services.amazon_settings,
        services.connections,
        services.app_credentials,
        services.lwa,
        services.config.amazon_environment,
        health=services.health,
        lock_timeout=services.config.token_lock_timeout_seconds,
    )


def stopped_clock(monkeypatch: pytest.MonkeyPatch, clock: MovableClock) -> Callable[[datetime], None]:
    """Stops the app's clock at a chosen instant (the simulator keeps real time)."""

    def stop(at: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)

    return stop


async def refreshes(amazon: AmazonSimulator) -> int:
    """The refresh_token grants LWA received (answered or failed)."""
    return (await amazon.counters())["lwa.refresh_token"]


async def requests_to(amazon: AmazonSimulator, path: str) -> list[dict[str, Any]]:
    return [r for r in await amazon.requests(1000) if r["path"].endswith(path)]


async def test_throttled_on_every_try_the_call_gives_up_after_three_requests(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    token = await services.tokens.access_token(owner, Region.NA)
    earlier = len(await requests_to(amazon, PARTICIPATIONS))  # the new token's try after the consent
    await amazon.fault("sp-api", "throttle", count=10, operation="getMarketplaceParticipations")

    with pytest.raises(AmazonUnavailable) as failure:
        await services.spapi.marketplace_participations(Region.NA, token)

    asked = (await requests_to(amazon, PARTICIPATIONS))[earlier:]
    assert [r["status"] for r in asked] == [429, 429, 429]  # AMAZON_RETRY_ATTEMPTS, then the caller is told
    assert failure.value.code == "amazon_throttled"


async def test_after_amazon_fails_a_refresh_nobody_asks_again_for_a_minute_then_the_next_caller_refreshes(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await connected_owner(admin, amazon)
    _, expires_at = await stored_access_token(services, owner)
    stop = stopped_clock(monkeypatch, clock)
    stop(expires_at)  # the stored access token has expired: the next caller refreshes
    before = await refreshes(amazon)
    await amazon.fault("lwa", "error", status=503, count=3)
    other = another_process(services)

    with pytest.raises(TokenUnavailable) as failed:
        await services.tokens.access_token(owner, Region.NA)
    tried = await refreshes(amazon)
    stop(expires_at + timedelta(seconds=30))
    with pytest.raises(TokenUnavailable) as refused_elsewhere:
        await other.access_token(owner, Region.NA)
    stop(expires_at + timedelta(seconds=59))
    with pytest.raises(TokenUnavailable) as refused_here:
        await services.tokens.access_token(owner, Region.NA)
    within_the_cooldown = await refreshes(amazon)
    stop(expires_at + timedelta(seconds=60))
    token = await other.access_token(owner, Region.NA)

    assert tried == before + 3  # the client's three tries, all failed
    assert failed.value.retry_after == 60
    assert within_the_cooldown == tried  # neither caller reached Amazon during the minute
    assert refused_elsewhere.value.retry_after == 30
    assert refused_elsewhere.value.message.endswith("try again in 30 s.")
    assert (refused_here.value.retry_after, refused_here.value.message[-17:]) == (1, "try again in 1 s.")
    assert await refreshes(amazon) == tried + 1
    assert (await stored_access_token(services, owner))[0] == token
    assert len(await services.spapi.marketplace_participations(Region.NA, token)) == 3


async def test_a_caller_waiting_for_the_lock_while_the_refresh_fails_does_not_ask_amazon_again(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await connected_owner(admin, amazon)
    _, expires_at = await stored_access_token(services, owner)
    stopped_clock(monkeypatch, clock)(expires_at)
    before = await refreshes(amazon)
    # Each of the first caller's three tries takes 0.6 s and fails: it holds the lock for about 2 s.
    await amazon.fault("lwa", "timeout", seconds=0.6, count=3)

    first = asyncio.create_task(services.tokens.access_token(owner, Region.NA))
    for _ in range(200):
        if await refreshes(amazon) > before:  # its first try reached Amazon: it holds the lock
            break
        await asyncio.sleep(0.01)
    second = asyncio.create_task(another_process(services).access_token(owner, Region.NA))
    outcomes = await asyncio.gather(first, second, return_exceptions=True)

    assert [type(outcome) for outcome in outcomes] == [TokenUnavailable, TokenUnavailable], outcomes
    assert await refreshes(amazon) == before + 3  # only the first caller's tries
    waited = outcomes[1]
    assert isinstance(waited, TokenUnavailable)
    assert waited.message == "Amazon failed to refresh the access token moments ago: try again in 60 s."


async def test_an_access_token_with_less_than_five_minutes_left_is_renewed_before_use_one_with_six_is_used(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await connected_owner(admin, amazon)
    stored, expires_at = await stored_access_token(services, owner)
    stop = stopped_clock(monkeypatch, clock)
    before = await refreshes(amazon)

    stop(expires_at - timedelta(minutes=6))
    here_with_six = await services.tokens.access_token(owner, Region.NA)  # read from the database, then cached
    elsewhere_with_six = await another_process(services).access_token(owner, Region.NA)
    granted_with_six = await refreshes(amazon)
    stop(expires_at - timedelta(minutes=4))
    elsewhere_with_four = await another_process(services).access_token(owner, Region.NA)  # the database's: too old
    here_with_four = await services.tokens.access_token(owner, Region.NA)  # the cached one is too old too

    assert here_with_six == elsewhere_with_six == stored
    assert granted_with_six == before
    assert elsewhere_with_four != stored
    assert await refreshes(amazon) == before + 1
    assert here_with_four == elsewhere_with_four  # renewed once, the other process took it from the database
    assert (await stored_access_token(services, owner))[0] == here_with_four
    assert len(await services.spapi.marketplace_participations(Region.NA, here_with_four)) == 3
