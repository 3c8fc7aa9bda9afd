"""SP-API's rate limits are per (app, selling partner, operation) and shared by every process: a Redis token bucket."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import redis.asyncio as aioredis

from app.lib.errors import AmazonUnavailable


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

# Token bucket in one atomic step, on the Redis server's clock so every process agrees.
_TAKE = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class SharedThrottle:
    """Waits for a slot of the (app, selling partner, operation) bucket; gives up after `max_wait` seconds."""

    def __init__(self, redis: aioredis.Redis, max_wait: float = 30.0, sandbox: bool = False) -> None:
        self.redis = redis
        self.max_wait = max_wait
        self.sandbox = sandbox
        self._take = redis.register_script(_TAKE)

    async def acquire(self, app_id: str, selling_partner_id: str, operation: str) -> None:
        documented = SANDBOX_QUOTA if self.sandbox else QUOTAS.get(operation, Quota(1.0, 1))
        # A margin below Amazon's numbers: clocks and network delays differ between us and Amazon.
        quota = Quota(documented.rate * SAFETY, max(1, documented.burst - 1))
        key = f"spapi-quota:{app_id}:{selling_partner_id}:{operation}"
        waited = 0.0
        while True:
            wait = float(await self._take(keys=[key], args=[quota.rate, quota.burst]))
            if wait <= 0:
                return
            if waited + wait > self.max_wait:
                raise AmazonUnavailable(
                    f"{operation} is rate limited for this selling partner; next slot in {wait:.0f} s.",
                    retry_after=wait,
                    code="amazon_throttled",
                )
            await asyncio.sleep(wait)
            waited += wait
