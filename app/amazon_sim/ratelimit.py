"""Token buckets, as Amazon's usage plans describe them: a rate of requests per second and a burst."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class TokenBucket:
    """Holds up to `burst` tokens, refilled at `rate` per second; each request takes one.

    Time is passed in (seconds on the simulator clock), so a moved clock refills the bucket and a clock moved back
    refills nothing.
    """

    rate: float
    burst: int
    tokens: float = field(init=False)
    updated_at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def try_take(self, now: float) -> bool:
        """Take one token if there is one; False means the request is over the limit."""
        if self.updated_at is None:
            self.updated_at = now
        elif now > self.updated_at:
            self.tokens = min(float(self.burst), self.tokens + (now - self.updated_at) * self.rate)
            self.updated_at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RateLimiter:
    """One bucket per key, e.g. (application, selling partner, operation), created full on first use."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}

    def try_take(self, key: tuple[str, ...], rate: float, burst: int, now: float) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, burst)
        return bucket.try_take(now)
