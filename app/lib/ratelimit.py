"""Abuse limits shared by every process through Redis: fixed windows with INCR and EXPIRE."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import redis.asyncio as aioredis

from app.lib.clock import Clock
from app.lib.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int
    message: str


LOGIN_PER_USERNAME = Limit("login-user", 10, 300, "Too many sign-in attempts for this user")
LOGIN_PER_IP = Limit("login-ip", 60, 300, "Too many sign-in attempts from this address")
TOKEN_ACTIONS_PER_USER = Limit("token-action", 30, 600, "Too many Amazon token actions")


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, clock: Clock) -> None:
        self.redis = redis
        self.clock = clock

    def _key(self, limit: Limit, subject: str) -> tuple[str, int]:
        now = self.clock.now().timestamp()
        window = int(now // limit.seconds)
        retry_after = max(1, math.ceil((window + 1) * limit.seconds - now))
        # Subjects (user names, addresses) are hashed: Redis keys are not a place for personal data.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:24]
        return f"ratelimit:{limit.name}:{digest}:{window}", retry_after

    async def hit(self, limit: Limit, subject: str) -> None:
        """Count one attempt; over the limit it raises TooManyRequests with the seconds until the window ends."""
        key, retry_after = self._key(limit, subject)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, limit.seconds + 5)
            count, _ = await pipe.execute()
        if int(count) > limit.count:
            raise TooManyRequests(f"{limit.message}; try again in {retry_after} s.", retry_after=retry_after)

    async def check(self, limit: Limit, subject: str) -> None:
        """Refuse when the limit is already used up, without counting this attempt."""
        key, retry_after = self._key(limit, subject)
        count = await self.redis.get(key)
        if count is not None and int(count) >= limit.count:
            raise TooManyRequests(f"{limit.message}; try again in {retry_after} s.", retry_after=retry_after)
