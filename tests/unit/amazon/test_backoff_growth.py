"""How long the backoff waits between tries: up to base·2^attempt, never past the cap, and Retry-After up to the cap."""

from __future__ import annotations

from app.amazon.retry import Backoff, with_backoff
from app.lib.errors import AmazonUnavailable

SAMPLES = 400  # jitter is random: this many waits reach within 10% of their ceiling all but surely


def waits(policy: Backoff, attempt: int) -> list[float]:
    return [policy.delay(attempt, None) for _ in range(SAMPLES)]


def test_the_ceiling_of_the_jittered_wait_doubles_with_each_attempt_until_the_cap() -> None:
    policy = Backoff(attempts=6, base_seconds=1.0, cap_seconds=10.0)

    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (4, 10.0), (5, 10.0)]:
        sampled = waits(policy, attempt)
        assert all(0 <= wait <= ceiling for wait in sampled), attempt
        assert max(sampled) > 0.9 * ceiling, f"attempt {attempt} never waited near {ceiling} s"


async def test_a_retry_after_of_exactly_the_cap_is_waited_for_inside_the_call() -> None:
    policy = Backoff(attempts=2, base_seconds=0.01, cap_seconds=0.05)
    calls = 0

    async def amazon() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise AmazonUnavailable("throttled", retry_after=0.05)
        return "answer"

    assert await with_backoff(amazon, policy, "test") == "answer"
    assert calls == 2
