"""The backoff alone: Retry-After waited for in full or handed to the caller, a bounded number of tries."""

from __future__ import annotations

import time

import pytest

from app.amazon.retry import Backoff, with_backoff
from app.lib.errors import AmazonTimeout, AmazonUnavailable

POLICY = Backoff(attempts=3, base_seconds=0.01, cap_seconds=8.0)


class Amazon:
    """Answers each call with the next outcome (an exception is raised) and notes when it was called."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.called_at: list[float] = []

    async def __call__(self) -> object:
        self.called_at.append(time.monotonic())
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


async def test_a_retry_after_within_the_cap_is_waited_for_in_full_before_the_next_try() -> None:
    amazon = Amazon(AmazonUnavailable("throttled", retry_after=0.4), "answer")

    assert await with_backoff(amazon, POLICY, "test") == "answer"

    assert len(amazon.called_at) == 2
    assert amazon.called_at[1] - amazon.called_at[0] >= 0.4


async def test_a_retry_after_beyond_the_cap_goes_to_the_caller_at_once_with_the_seconds() -> None:
    amazon = Amazon(AmazonUnavailable("throttled", retry_after=30), "answer")
    started = time.monotonic()

    with pytest.raises(AmazonUnavailable) as failure:
        await with_backoff(amazon, POLICY, "test")

    assert len(amazon.called_at) == 1  # not asked again before Amazon allows it
    assert time.monotonic() - started < 1
    assert failure.value.retry_after == 30


async def test_failing_every_time_is_tried_as_often_as_the_policy_says_then_given_up() -> None:
    amazon = Amazon(AmazonUnavailable("down"))

    with pytest.raises(AmazonUnavailable):
        await with_backoff(amazon, POLICY, "test")

    assert len(amazon.called_at) == 3


async def test_a_timeout_is_not_tried_again() -> None:
    amazon = Amazon(AmazonTimeout("slow"), "answer")

    with pytest.raises(AmazonTimeout):
        await with_backoff(amazon, POLICY, "test")

    assert len(amazon.called_at) == 1


def test_the_wait_is_never_shorter_than_retry_after_and_otherwise_within_the_jittered_ceiling() -> None:
    policy = Backoff(attempts=10, base_seconds=0.5, cap_seconds=8.0)

    with_retry_after = [policy.delay(attempt, 5.0) for attempt in range(10) for _ in range(50)]
    without = [(attempt, policy.delay(attempt, None)) for attempt in range(10) for _ in range(50)]

    assert min(with_retry_after) >= 5.0
    assert all(0 <= wait <= min(8.0, 0.5 * 2**attempt) for attempt, wait in without)
    assert max(wait for _, wait in without) > 4.0  # the ceiling grows with the attempts
