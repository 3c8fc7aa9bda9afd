"""Survivors of `make mutants` in app/amazon/throttle.py (the throttle) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

_THROTTLE = "app/amazon/throttle.py"
_MEMORY_ONLY = (
    "Memory only: which buckets that are full again are forgotten during an outage changes no answer (a forgotten "
    "bucket is a full one). test_an_outage_with_very_many_sellers_forgets_full_buckets_but_not_one_still_refilling "
    "checks that one still refilling is kept and that the idle ones go."
)
_CLASS_CODE = (
    "Equivalent: DomainError keeps the class's own code when none is given, and QuotaWaitTooLong's is "
    "amazon_throttled (test_a_slot_further_away_than_the_caller_waits_is_refused_at_once_saying_when sees it)."
)

EXPLAINED: tuple[Explained, ...] = (
    Explained(
        _THROTTLE,
        "ask",
        "wait = 0.0 if tokens >= 1 else (1 - tokens) / quota.rate",
        "wait = 0.0 if tokens > 1 else (1 - tokens) / quota.rate",
        "Equivalent: with exactly one token the other branch waits (1 - 1) / rate = 0 s as well.",
    ),
    Explained(
        _THROTTLE,
        "ask",
        "if len(self._buckets) > 100_000:  # an outage with very many sellers: forget the full buckets",
        "if len(self._buckets) >= 100_000:  # an outage with very many sellers: forget the full buckets",
        _MEMORY_ONLY,
    ),
    Explained(
        _THROTTLE,
        "ask",
        "refill = max(quota.burst / quota.rate, 1.0)",
        "refill = max(quota.burst / quota.rate, 2.0)",
        _MEMORY_ONLY,
    ),
    Explained(
        _THROTTLE,
        "ask",
        "self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}",
        "self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] <= refill}",
        _MEMORY_ONLY,
    ),
    Explained(
        _THROTTLE,
        "_ask",
        'wait = float(await self._take(keys=[key], args=[quota.rate, quota.burst, "1" if take else "0"]))',
        'wait = float(await self._take(keys=[key], args=[quota.rate, quota.burst, "XX1XX" if take else "0"]))',
        "Equivalent: the Lua script tells only '0' (look) from anything else (take).",
    ),
    Explained(
        _THROTTLE,
        "acquire",
        "if waited + wait > patience:",
        "if waited + wait >= patience:",
        "Boundary only: differs when the next slot, on Redis's clock, is exactly as far away as the caller would "
        "wait; waiting and coming back at that instant are both right.",
    ),
    Explained(
        _THROTTLE,
        "acquire",
        "waited += wait",
        "waited = wait",
        "Differs only when one caller waits twice for a slot because another process took it first: its patience "
        "and the wait metric would count the last wait, not the sum. That needs two processes racing for one slot at "
        "a moment the test cannot fix (a loaded machine wakes both late and both get a slot); not tested.",
    ),
    Explained(
        _THROTTLE,
        "__init__",
        "def __init__(self, redis: aioredis.Redis, max_wait: float = 30.0, sandbox: bool = False) -> None:",
        "def __init__(self, redis: aioredis.Redis, max_wait: float = 31.0, sandbox: bool = False) -> None:",
        "A default no promise states: the grant check, the order import and the bulk test pass their own max_wait.",
    ),
    Explained(
        _THROTTLE,
        "__init__",
        "super().__init__(message, retry_after=retry_after, code=self.code)",
        "super().__init__(message, retry_after=retry_after, code=None)",
        _CLASS_CODE,
    ),
    Explained(
        _THROTTLE,
        "__init__",
        "super().__init__(message, retry_after=retry_after, code=self.code)",
        "super().__init__(message, retry_after=retry_after, )",
        _CLASS_CODE,
    ),
)
