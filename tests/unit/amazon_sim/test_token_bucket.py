"""Token buckets: a burst, a steady rate, never more than the burst, per key."""

from __future__ import annotations

from app.amazon_sim.ratelimit import RateLimiter, TokenBucket


def test_a_full_bucket_allows_the_burst_then_refuses() -> None:
    bucket = TokenBucket(rate=0.016, burst=15)

    allowed = [bucket.try_take(now=1000.0) for _ in range(16)]

    assert allowed == [True] * 15 + [False]


def test_tokens_come_back_at_the_rate() -> None:
    bucket = TokenBucket(rate=0.5, burst=1)
    bucket.try_take(now=0.0)

    assert bucket.try_take(now=1.9) is False
    assert bucket.try_take(now=2.0) is True
    assert bucket.try_take(now=2.1) is False


def test_a_long_pause_refills_no_more_than_the_burst() -> None:
    bucket = TokenBucket(rate=10.0, burst=3)
    for _ in range(3):
        bucket.try_take(now=0.0)

    after_an_hour = [bucket.try_take(now=3600.0) for _ in range(4)]

    assert after_an_hour == [True, True, True, False]


def test_a_clock_moved_back_refills_nothing() -> None:
    bucket = TokenBucket(rate=1.0, burst=1)
    bucket.try_take(now=100.0)

    assert bucket.try_take(now=50.0) is False
    assert bucket.try_take(now=100.5) is False
    assert bucket.try_take(now=101.0) is True


def test_each_key_has_its_own_bucket() -> None:
    limiter = RateLimiter()
    first = ("app", "A1SELLER", "getOrders")

    assert limiter.try_take(first, rate=0.0167, burst=1, now=0.0) is True
    assert limiter.try_take(first, rate=0.0167, burst=1, now=0.0) is False
    assert limiter.try_take(("app", "A2SELLER", "getOrders"), rate=0.0167, burst=1, now=0.0) is True
    assert limiter.try_take(("app", "A1SELLER", "getMarketplaceParticipations"), rate=0.016, burst=1, now=0.0) is True
