"""Exponential backoff with full jitter for Amazon's transient failures, capped, never sooner than Retry-After."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from app.lib.errors import AmazonTimeout, AmazonUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    attempts: int = 3
    base_seconds: float = 0.5
    cap_seconds: float = 8.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter: a random wait up to base·2^attempt (capped), but never less than Amazon's Retry-After."""
        ceiling = min(self.cap_seconds, self.base_seconds * (2**attempt))
        wait = random.uniform(0, ceiling)  # noqa: S311 (jitter, not cryptography)
        return wait if retry_after is None else max(wait, retry_after)

    def waits_for(self, retry_after: float | None) -> bool:
        """Whether a retry inside this call may wait as long as Amazon asks; if not, the caller comes back later."""
        return retry_after is None or retry_after <= self.cap_seconds


async def with_backoff(call: Callable[[], Awaitable[T]], policy: Backoff, what: str) -> T:
    """Run `call`, retrying transient Amazon failures; a timeout is not retried (the caller already waited).

    A Retry-After longer than the policy's cap is not waited for here (nor shortened, which would ask Amazon too
    early): the failure goes to the caller at once, carrying `retry_after`, and the job comes back that much later.
    """
    for attempt in range(policy.attempts):
        try:
            return await call()
        except AmazonTimeout:
            raise
        except AmazonUnavailable as failure:
            if attempt + 1 >= policy.attempts or not policy.waits_for(failure.retry_after):
                raise
            wait = policy.delay(attempt, failure.retry_after)
            log.info("%s failed transiently (%s); retry %d in %.2f s", what, failure.code, attempt + 1, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
