"""SP-API's rate limits are per (app, selling partner, operation) and shared by every process: a Redis token bucket."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from app.lib.errors import AmazonUnavailable
from app.lib.metrics import THROTTLE_GAVE_UP, THROTTLE_WAIT
from app.lib.ratelimit import REDIS_DOWN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quota:
    rate: float  # requests per second
    burst: int


# Amazon's documented usage plans for the operations the product calls (sandbox: 5/s, burst 15).
QUOTAS: dict[str, Quota] = {
    "getMarketplaceParticipations": Quota(0.016, 15),
    "getPurchaseOrders": Quota(10.0, 10),
    "getOrders": Quota(0.0167, 20),
}
SANDBOX_QUOTA = Quota(5.0, 15)
SAFETY = 0.9
# The bucket grants slots on the Redis clock, Amazon counts calls when they arrive: a call may reach Amazon up to
# this much later than one granted before it (process start, a new connection, a busy event loop or core, the
# network), so several granted apart arrive together. The slots that can come due in that time stay in hand.
ARRIVAL_SPREAD_SECONDS = 1.0

# Token bucket in one atomic step, on the Redis server's clock so every process agrees. ARGV[3] '0' only looks:
# the seconds until a slot is free, nothing taken, nothing written.
_TAKE = """
local rate, burst, take = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] ~= '0'
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
if not take then return tostring(wait) end
if tokens >= 1 then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""

# Amazon answered 429 although the bucket had slots (it counts calls this bucket did not see): the bucket is empty.
_DRAIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('HSET', KEYS[1], 'tokens', '0', 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) / tonumber(ARGV[1])) + 60)
return 1
"""


class QuotaWaitTooLong(AmazonUnavailable):
    """The next slot of the quota is further away than the caller would wait; `retry_after` says when it comes.

    Nothing was sent to Amazon and no slot was taken: come back after `retry_after` seconds.
    """

    code = "amazon_throttled"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, retry_after=retry_after, code=self.code)


class LocalBuckets:
    """The same token buckets in this process: the throttle's fallback while Redis is away (DESIGN §12).

    Each process then has the whole quota to itself, so Amazon may answer 429 (which is retried) when several
    processes call for one seller; nothing stops. The first failure of an outage is logged, and the return of Redis,
    once each, as the rate limiter's LocalWindows does.
    """

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at), `at` on time.monotonic()
        self.degraded = False

    def ask(self, key: str, quota: Quota, now: float, *, take: bool) -> float:
        """Seconds until a slot is free (0: now, and taken when `take`)."""
        tokens, at = self._buckets.get(key, (float(quota.burst), now))
        tokens = min(float(quota.burst), tokens + max(0.0, now - at) * quota.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / quota.rate
        if take:
            self._buckets[key] = (tokens - 1 if tokens >= 1 else tokens, now)
            if len(self._buckets) > 100_000:  # an outage with very many sellers: forget the full buckets
                refill = max(quota.burst / quota.rate, 1.0)
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}
        return wait

    def drain(self, key: str, now: float) -> None:
        self._buckets[key] = (0.0, now)

    def redis_failed(self, error: Exception) -> None:
        if not self.degraded:
            log.warning(
                "Redis does not answer (%s): SP-API quotas are counted per process until it is back",
                type(error).__name__,
            )
        self.degraded = True

    def redis_answered(self) -> None:
        if self.degraded:
            log.info("Redis answers again: SP-API quotas are shared by every process again")
        self.degraded = False


class SharedThrottle:
    """Waits for a slot of the (app, selling partner, operation) bucket; gives up after `max_wait` seconds."""

    def __init__(self, redis: aioredis.Redis, max_wait: float = 30.0, sandbox: bool = False) -> None:
        self.redis = redis
        self.max_wait = max_wait
        self.sandbox = sandbox
        self.local = LocalBuckets()
        self._take = redis.register_script(_TAKE)
        self._drain = redis.register_script(_DRAIN)

    def documented(self, operation: str) -> Quota:
        """Amazon's usage plan for the operation (the sandbox's own in the sandbox)."""
        return SANDBOX_QUOTA if self.sandbox else QUOTAS.get(operation, Quota(1.0, 1))

    def quota(self, operation: str) -> Quota:
        """The bucket this throttle keeps: a margin below Amazon's numbers, whose clocks and delays differ from ours."""
        return kept_below(self.documented(operation))

    async def acquire(
        self, app_id: str, selling_partner_id: str, operation: str, max_wait: float | None = None
    ) -> None:
        """Take a slot, waiting up to `max_wait` seconds (the throttle's default when None) for one to come."""
        quota, key = self.quota(operation), _key(app_id, selling_partner_id, operation)
        patience = self.max_wait if max_wait is None else max_wait
        waited = 0.0
        while True:
            wait = await self._ask(key, quota, take=True)
            if wait <= 0:
                THROTTLE_WAIT.labels(operation=operation).observe(waited)
                return
            if waited + wait > patience:
                THROTTLE_GAVE_UP.labels(operation=operation).inc()
                raise QuotaWaitTooLong(
                    f"{operation} is rate limited for this selling partner; next slot in {wait:.0f} s.",
                    retry_after=wait,
                )
            # Another process may take the slot first: then the script names the next one and this waits again.
            await asyncio.sleep(wait)
            waited += wait

    async def next_slot_in(self, app_id: str, selling_partner_id: str, operation: str) -> float:
        """Seconds until the bucket has a slot (0: one is free now), taking nothing."""
        return await self._ask(_key(app_id, selling_partner_id, operation), self.quota(operation), take=False)

    async def drain(self, app_id: str, selling_partner_id: str, operation: str) -> float:
        """Amazon said the quota is spent: empty the bucket. Returns the seconds until its next slot."""
        quota, key = self.quota(operation), _key(app_id, selling_partner_id, operation)
        try:
            await self._drain(keys=[key], args=[quota.rate, quota.burst])
            self.local.redis_answered()
        except REDIS_DOWN as error:
            self.local.redis_failed(error)
            self.local.drain(key, time.monotonic())
        return 1 / quota.rate

    async def _ask(self, key: str, quota: Quota, *, take: bool) -> float:
        try:
            wait = float(await self._take(keys=[key], args=[quota.rate, quota.burst, "1" if take else "0"]))
        except REDIS_DOWN as error:
            self.local.redis_failed(error)
            return self.local.ask(key, quota, time.monotonic(), take=take)
        self.local.redis_answered()
        return wait


def kept_below(documented: Quota) -> Quota:
    """The bucket to keep for Amazon's `documented` one: Amazon accepts every call it grants, even when some reach
    Amazon up to ARRIVAL_SPREAD_SECONDS later than others.

    In any L seconds the bucket grants at most `burst + rate * L` calls; each delayed by 0 to `spread` seconds, at
    most `burst + rate * (L + spread)` of them arrive in any L seconds, and Amazon accepts `documented.burst +
    documented.rate * L`. Our rate being below Amazon's (SAFETY), the shortest window is the worst: `burst + rate *
    spread` must not exceed Amazon's burst. So the slots the spread can bring stay in hand (one at least), and a rate
    too fast for even a burst of one to absorb the spread is slowed down to one that it can.
    """
    rate = documented.rate * SAFETY
    if documented.burst <= 1:  # calls must arrive 1/rate apart: slots are granted the spread further apart
        return Quota(1 / (1 / rate + ARRIVAL_SPREAD_SECONDS), 1)
    rate = min(rate, (documented.burst - 1) / ARRIVAL_SPREAD_SECONDS)
    in_hand = max(1, math.ceil(rate * ARRIVAL_SPREAD_SECONDS))
    return Quota(rate, max(1, documented.burst - in_hand))


def _key(app_id: str, selling_partner_id: str, operation: str) -> str:
    return f"spapi-quota:{app_id}:{selling_partner_id}:{operation}"
