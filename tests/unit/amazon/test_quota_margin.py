"""The throttle's buckets alone: a margin below Amazon's usage plans, and each process's own while Redis is away."""

from __future__ import annotations

import logging

import pytest

from app.amazon import throttle
from app.amazon.throttle import ARRIVAL_SPREAD_SECONDS, QUOTAS, SAFETY, SANDBOX_QUOTA, LocalBuckets, Quota, kept_below

PLANS = [*QUOTAS.values(), SANDBOX_QUOTA, Quota(1.0, 1), Quota(0.5, 2), Quota(100.0, 50)]
WINDOWS = [0.0, 0.1, 0.5, 1.0, 2.0, 10.0, 60.0, 3600.0]


@pytest.mark.parametrize("spread", [ARRIVAL_SPREAD_SECONDS, 0.5, 2.0])
@pytest.mark.parametrize("plan", PLANS, ids=lambda plan: f"{plan.rate}/s-burst-{plan.burst}")
def test_calls_granted_by_the_kept_bucket_are_accepted_by_amazons_even_when_they_arrive_a_spread_late(
    plan: Quota, spread: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "ARRIVAL_SPREAD_SECONDS", spread)  # the margin holds for any spread, not just 1 s
    kept = kept_below(plan)

    assert kept.burst >= 1
    assert kept.rate <= plan.rate * SAFETY
    if plan.burst <= 1:
        # One at a time: granted 1/rate apart, they still reach Amazon at least Amazon's interval apart.
        assert 1 / kept.rate - spread >= 1 / plan.rate
        return
    for window in WINDOWS:
        # At most this many granted calls can arrive within `window` seconds; Amazon's bucket takes its burst plus
        # what its rate refills meanwhile (a hair of slack for floating point).
        arriving = kept.burst + kept.rate * (window + spread)
        assert arriving <= plan.burst + plan.rate * window + 1e-9, window
    if plan.rate * SAFETY * spread <= plan.burst - 1:
        # A burst that absorbs the spread costs no speed: only SAFETY's margin is taken off Amazon's rate.
        assert kept.rate == pytest.approx(plan.rate * SAFETY)


def test_a_seller_gets_fourteen_connection_tests_in_a_row_then_about_one_a_minute() -> None:
    kept = kept_below(QUOTAS["getMarketplaceParticipations"])

    assert kept.burst == 14  # Amazon's burst of 15, one kept in hand
    assert kept.rate == pytest.approx(0.016 * SAFETY)
    assert 1 / kept.rate == pytest.approx(69.4, abs=0.1)


def test_a_plan_with_a_burst_of_one_is_granted_a_spread_further_apart_than_its_rate() -> None:
    kept = kept_below(Quota(1.0, 1))

    assert kept.burst == 1
    assert 1 / kept.rate == pytest.approx(1 / (1.0 * SAFETY) + ARRIVAL_SPREAD_SECONDS)


def test_a_fast_plan_keeps_what_the_spread_can_bring_in_hand() -> None:
    kept = kept_below(QUOTAS["getPurchaseOrders"])  # 10 a second, burst 10

    assert kept.rate == pytest.approx(9.0)  # SAFETY's 9 a second is also what a burst of 10 absorbs in a spread
    assert kept.burst == 1


def test_without_redis_a_process_gets_the_burst_at_once_then_one_slot_per_interval() -> None:
    buckets, quota = LocalBuckets(), Quota(0.5, 3)

    assert [buckets.ask("k", quota, 100.0, take=True) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.ask("k", quota, 100.0, take=True) == pytest.approx(2.0)
    assert buckets.ask("k", quota, 101.0, take=False) == pytest.approx(1.0)  # half a slot back after a second
    assert buckets.ask("k", quota, 102.0, take=True) == 0.0
    assert buckets.ask("k", quota, 102.0, take=True) == pytest.approx(2.0)


def test_looking_takes_nothing_and_each_key_has_its_own_bucket() -> None:
    buckets, quota = LocalBuckets(), Quota(1.0, 1)

    assert buckets.ask("a", quota, 0.0, take=False) == 0.0
    assert buckets.ask("a", quota, 0.0, take=False) == 0.0
    assert buckets.ask("a", quota, 0.0, take=True) == 0.0
    assert buckets.ask("a", quota, 0.0, take=True) == pytest.approx(1.0)
    assert buckets.ask("b", quota, 0.0, take=True) == 0.0


def test_a_long_pause_refills_no_more_than_the_burst() -> None:
    buckets, quota = LocalBuckets(), Quota(1.0, 2)
    for _ in range(2):
        buckets.ask("k", quota, 0.0, take=True)

    assert [buckets.ask("k", quota, 1000.0, take=True) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]


def test_a_throttle_amazon_still_sent_empties_the_bucket() -> None:
    buckets, quota = LocalBuckets(), Quota(0.25, 5)
    buckets.ask("k", quota, 10.0, take=True)

    buckets.drain("k", 10.0)

    assert buckets.ask("k", quota, 10.0, take=False) == pytest.approx(4.0)


def test_a_partly_refilled_bucket_with_a_slot_and_a_half_grants_one_at_once() -> None:
    buckets, quota = LocalBuckets(), Quota(0.5, 3)
    for _ in range(3):
        buckets.ask("k", quota, 0.0, take=True)

    assert buckets.ask("k", quota, 3.0, take=True) == 0.0  # 1.5 slots came back in 3 s
    assert buckets.ask("k", quota, 3.0, take=True) == pytest.approx(1.0)  # half a slot left: a second to wait


def test_an_outage_with_very_many_sellers_forgets_full_buckets_but_not_one_still_refilling() -> None:
    buckets, quota = LocalBuckets(), Quota(0.016, 15)  # a bucket refills in 15 / 0.016 s, about 16 minutes
    for seller in range(99_999):
        buckets.ask(f"idle-{seller}", quota, 0.0, take=True)
    for _ in range(15):
        buckets.ask("busy", quota, 1000.0, take=True)  # emptied 2 s before the 100,001st seller comes

    buckets.ask("new", quota, 1002.0, take=True)

    assert buckets.ask("busy", quota, 1002.0, take=False) > 0  # still empty: not forgotten
    assert len(buckets._buckets) < 100  # the idle sellers' buckets were full again and are gone


def test_an_outage_is_logged_when_it_starts_and_when_it_ends_and_the_next_one_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    buckets = LocalBuckets()
    with caplog.at_level(logging.INFO, logger="app.amazon.throttle"):
        for _ in range(2):
            buckets.redis_failed(ConnectionError("refused"))
            buckets.redis_failed(ConnectionError("refused"))
            buckets.redis_answered()
            buckets.redis_answered()

    assert [record.getMessage().split(":")[0] for record in caplog.records] == [
        "Redis does not answer (ConnectionError)",
        "Redis answers again",
    ] * 2
