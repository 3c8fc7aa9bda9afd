"""The shared throttle as a caller meets it, on the real Redis: waiting for a slot, giving up at once, emptying."""

from __future__ import annotations

import socket
import time

import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY

from app.amazon.throttle import SANDBOX_QUOTA, Quota, QuotaWaitTooLong, SharedThrottle, kept_below
from app.services import Services

# The sandbox's usage plan (5 a second, burst 15) is kept at 4.5 a second with a burst of 10: slots 0.22 s apart.
KEPT = kept_below(SANDBOX_QUOTA)
INTERVAL = 1 / KEPT.rate
# An operation without a documented plan gets one call at a time, Quota(1.0, 1) kept a spread apart: 2.1 s.
UNDOCUMENTED = "anOperationWithoutAUsagePlan"
ONE_AT_A_TIME = 1 / kept_below(Quota(1.0, 1)).rate
APP, SELLER = "amzn1.sp.solution.test", "A1THROTTLED"


def sample(name: str, operation: str) -> float:
    return REGISTRY.get_sample_value(name, {"operation": operation}) or 0.0


async def spend_the_burst(throttle: SharedThrottle, operation: str) -> None:
    for _ in range(KEPT.burst):
        await throttle.acquire(APP, SELLER, operation, max_wait=0)


async def test_past_the_burst_each_call_waits_for_its_slot_and_the_wait_is_measured(services: Services) -> None:
    throttle = SharedThrottle(services.redis.client, sandbox=True)
    operation = "getOrders"
    waits_before = sample("erp_spapi_throttle_wait_seconds_count", operation)
    waited_before = sample("erp_spapi_throttle_wait_seconds_sum", operation)

    # The bucket refills from its first call on: spending the burst slowly (a busy machine) leaves less to wait.
    started = time.monotonic()
    await spend_the_burst(throttle, operation)
    spent = time.monotonic() - started
    for _ in range(3):
        await throttle.acquire(APP, SELLER, operation, max_wait=5)
    elapsed = time.monotonic() - started

    assert elapsed >= 3 * INTERVAL * 0.95  # the burst and three more calls: three slots had to come due
    assert sample("erp_spapi_throttle_wait_seconds_count", operation) == waits_before + KEPT.burst + 3
    waited = sample("erp_spapi_throttle_wait_seconds_sum", operation) - waited_before
    assert 3 * INTERVAL * 0.9 - spent <= waited <= elapsed - spent + 0.01


async def test_a_slot_further_away_than_the_caller_waits_is_refused_at_once_saying_when(services: Services) -> None:
    throttle = SharedThrottle(services.redis.client)  # waits up to 30 s unless the caller says otherwise
    gave_up_before = sample("erp_spapi_throttle_gave_up_total", UNDOCUMENTED)
    await throttle.acquire(APP, SELLER, UNDOCUMENTED)

    started = time.monotonic()
    with pytest.raises(QuotaWaitTooLong) as refused:
        await throttle.acquire(APP, SELLER, UNDOCUMENTED, max_wait=0.05)

    assert time.monotonic() - started < ONE_AT_A_TIME / 2  # refused, not waited for
    assert refused.value.retry_after == pytest.approx(ONE_AT_A_TIME, rel=0.05)
    assert refused.value.code == "amazon_throttled"
    assert sample("erp_spapi_throttle_gave_up_total", UNDOCUMENTED) == gave_up_before + 1
    # Nothing was taken: the slot it named is still the next one.
    assert await throttle.next_slot_in(APP, SELLER, UNDOCUMENTED) == pytest.approx(ONE_AT_A_TIME, rel=0.05)


async def test_a_slot_within_what_the_caller_waits_is_waited_for(services: Services) -> None:
    throttle = SharedThrottle(services.redis.client)
    await throttle.acquire(APP, SELLER, UNDOCUMENTED)

    started = time.monotonic()
    await throttle.acquire(APP, SELLER, UNDOCUMENTED, max_wait=ONE_AT_A_TIME * 1.5)

    assert time.monotonic() - started >= ONE_AT_A_TIME * 0.9


async def test_a_throttle_amazon_still_sent_empties_the_shared_bucket(services: Services) -> None:
    throttle = SharedThrottle(services.redis.client, sandbox=True)
    other_process = SharedThrottle(services.redis.client, sandbox=True)

    assert await throttle.drain(APP, SELLER, "getOrders") == pytest.approx(INTERVAL)

    assert await other_process.next_slot_in(APP, SELLER, "getOrders") == pytest.approx(INTERVAL, rel=0.05)
    assert await other_process.next_slot_in(APP, "ANOTHERSELLER", "getOrders") == 0


async def test_without_redis_a_throttle_amazon_still_sent_empties_this_processs_bucket() -> None:
    with socket.socket() as probe:  # a port nothing listens on: every Redis call is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    throttle = SharedThrottle(aioredis.Redis(host="127.0.0.1", port=port), sandbox=True)

    assert await throttle.next_slot_in(APP, SELLER, "getOrders") == 0
    assert await throttle.drain(APP, SELLER, "getOrders") == pytest.approx(INTERVAL)

    assert await throttle.next_slot_in(APP, SELLER, "getOrders") == pytest.approx(INTERVAL, rel=0.05)
