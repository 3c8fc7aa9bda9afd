"""Amazon's Retry-After as callers meet it: waited for in full, or the job comes back no sooner; never asked early."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from arq import Retry

from app.amazon.jobs import import_orders, sync_marketplace_participations
from app.amazon.regions import Region
from app.amazon.tokens import TokenUnavailable
from app.lib.clock import MovableClock
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.integration.amazon.test_backoff_rules import (
    LWA_TOKEN,
    PARTICIPATIONS,
    another_process,
    connected_owner,
    refreshes,
    requests_to,
    stopped_clock,
    stored_access_token,
)
from tests.integration.workers.order_import_support import GET_ORDERS, US, connected_company, progress


def seconds_between(earlier: dict[str, object], later: dict[str, object]) -> float:
    """How far apart the simulator recorded two requests (each when it answered)."""
    return (datetime.fromisoformat(str(later["at"])) - datetime.fromisoformat(str(earlier["at"]))).total_seconds()


async def test_a_429_with_retry_after_makes_the_caller_wait_that_long_before_asking_again(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    token = await services.tokens.access_token(owner, Region.NA)
    earlier = len(await requests_to(amazon, PARTICIPATIONS))  # the new token's try after the consent
    await amazon.fault("sp-api", "throttle", operation="getMarketplaceParticipations", retryAfter=1.5)

    participations = await services.spapi.marketplace_participations(Region.NA, token)

    asked = (await requests_to(amazon, PARTICIPATIONS))[earlier:]
    assert [r["status"] for r in asked] == [429, 200]
    assert 1.5 <= seconds_between(asked[0], asked[1]) < 2.5  # what Amazon asked (the jitter is 0.04 s at most here)
    assert len(participations) == 3


async def test_a_retry_after_longer_than_a_call_waits_ends_the_try_and_the_job_comes_back_no_sooner(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    await services.tokens.access_token(owner, Region.NA)
    earlier = len(await requests_to(amazon, PARTICIPATIONS))
    await amazon.fault("sp-api", "throttle", operation="getMarketplaceParticipations", retryAfter=30)
    started = time.monotonic()

    with pytest.raises(Retry) as retry:
        await sync_marketplace_participations({"services": services, "job_try": 1}, owner, "NA")

    asked = (await requests_to(amazon, PARTICIPATIONS))[earlier:]
    assert [r["status"] for r in asked] == [429]  # not asked again before the 30 s are over
    assert time.monotonic() - started < 5  # nor waited for here, holding the worker
    assert retry.value.defer_score == 30_000  # milliseconds: exactly Amazon's, the backoff of a first try is shorter


async def test_an_order_page_throttled_with_retry_after_is_asked_again_no_sooner(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US])
    await amazon.fault("sp-api", "throttle", operation="getOrders", retryAfter=45)

    with pytest.raises(Retry) as retry:
        await import_orders({"services": services, "job_try": 1}, company)

    na = (await progress(company))["regions"]["NA"]
    assert [r["status"] for r in await requests_to(amazon, GET_ORDERS)] == [429]
    assert retry.value.defer_score == 45_000
    assert (na["outcome"], na["lastErrorCode"], na["ordersImported"]) == ("failed", "amazon_throttled", 0)


async def test_login_with_amazon_asking_for_two_minutes_is_not_asked_again_sooner_by_anyone(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await connected_owner(admin, amazon)
    _, expires_at = await stored_access_token(services, owner)
    stop = stopped_clock(monkeypatch, clock)
    stop(expires_at)
    before = await refreshes(amazon)
    await amazon.fault("lwa", "error", status=503, retryAfter=120)

    with pytest.raises(TokenUnavailable) as failed:
        await services.tokens.access_token(owner, Region.NA)
    stop(expires_at + timedelta(seconds=90))
    with pytest.raises(TokenUnavailable) as refused:
        await another_process(services).access_token(owner, Region.NA)
    asked_within = await refreshes(amazon)
    stop(expires_at + timedelta(seconds=120))
    token = await another_process(services).access_token(owner, Region.NA)

    assert asked_within == before + 1  # one try: 120 s is longer than a call waits
    assert failed.value.retry_after == 120
    assert (refused.value.retry_after, refused.value.message[-18:]) == (30, "try again in 30 s.")
    assert [r["status"] for r in (await requests_to(amazon, LWA_TOKEN))[-2:]] == [503, 200]
    assert await refreshes(amazon) == before + 2
    assert len(await services.spapi.marketplace_participations(Region.NA, token)) == 3
