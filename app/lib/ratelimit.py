"""Abuse limits shared by every process through Redis: fixed windows per subject, and the sign-in limits."""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.lib.clock import Clock
from app.lib.errors import TooManyRequests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int
    message: str


LOGIN_PER_IP = Limit("login-ip", 60, 300, "Too many sign-in attempts from this address")
TOKEN_ACTIONS_PER_USER = Limit("token-action", 30, 600, "Too many Amazon token actions")
# Amazon's quota already paces tests per seller (about one a minute past a burst of 15); this only stops one user
# from sweeping hundreds of connections by hand, which is what the bulk test is for.
CONNECTION_TESTS_PER_USER = Limit("connection-test", 120, 600, "Too many connection tests")
# Authorization links e-mailed to account holders: each is a mail to an address outside the ERP.
CONSENT_LINKS_PER_USER = Limit("consent-link-user", 30, 3600, "Too many authorization links sent")
CONSENT_LINKS_PER_ACCOUNT = Limit(
    "consent-link-account", 5, 3600, "Too many authorization links sent for this company and region"
)


def _digest(*parts: str) -> str:
    # Subjects (user names, addresses) are hashed: Redis keys are not a place for personal data.
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


class LocalWindows:
    """Fixed-window counters in this process: the limits' fallback while Redis is away (DESIGN §12).

    Each process then counts on its own, so the limits are looser by the number of processes, never absent. The
    first failure of an outage is logged, and the return of Redis, once each.
    """

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self.degraded = False

    def incr(self, key: str, seconds: float, now: float, by: int = 1) -> int:
        count, expires = self._counts.get(key, (0, now + seconds))
        if expires <= now:
            count, expires = 0, now + seconds
        count = max(0, count + by)
        self._counts[key] = (count, expires)
        if len(self._counts) > 100_000:  # an outage with very many subjects: forget the expired ones
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        return count

    def get(self, key: str, now: float) -> int:
        count, expires = self._counts.get(key, (0, now))
        return count if expires > now else 0

    def redis_failed(self, error: Exception) -> None:
        if not self.degraded:
            log.warning("Redis does not answer (%s): limits count per process until it is back", type(error).__name__)
        self.degraded = True

    def redis_answered(self) -> None:
        if self.degraded:
            log.info("Redis answers again: limits are shared by every process again")
        self.degraded = False


REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, clock: Clock) -> None:
        self.redis = redis
        self.clock = clock
        self.local = LocalWindows()
        self.sign_ins = SignInLimits(redis, clock, self.local)

    def _key(self, limit: Limit, subject: str) -> tuple[str, int]:
        now = self.clock.now().timestamp()
        window = int(now // limit.seconds)
        retry_after = max(1, math.ceil((window + 1) * limit.seconds - now))
        return f"ratelimit:{limit.name}:{_digest(subject)}:{window}", retry_after

    async def hit(self, limit: Limit, subject: str) -> None:
        """Count one attempt; over the limit it raises TooManyRequests with the seconds until the window ends."""
        key, retry_after = self._key(limit, subject)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, limit.seconds + 5)
                count, _ = await pipe.execute()
            self.local.redis_answered()
        except REDIS_DOWN as error:
            self.local.redis_failed(error)
            count = self.local.incr(key, limit.seconds, self.clock.now().timestamp())
        if int(count) > limit.count:
            raise TooManyRequests(f"{limit.message}; try again in {retry_after} s.", retry_after=retry_after)

    async def check(self, limit: Limit, subject: str) -> None:
        """Refuse when the limit is already used up, without counting this attempt."""
        key, retry_after = self._key(limit, subject)
        try:
            count = await self.redis.get(key)
        except REDIS_DOWN as error:
            self.local.redis_failed(error)
            count = self.local.get(key, self.clock.now().timestamp())
        if count is not None and int(count) >= limit.count:
            raise TooManyRequests(f"{limit.message}; try again in {retry_after} s.", retry_after=retry_after)


@dataclass(frozen=True)
class SignInPolicy:
    """How many wrong passwords a user name takes, per address and in all, before sign-ins have to wait."""

    address_failures: int = 5  # per (user name, address) in a sliding window; the next attempt answers 429
    address_window_seconds: float = 15 * 60
    free_failures: int = 5  # per user name, from any address, before the growing delay starts
    first_delay_seconds: float = 1.0  # after the first failure beyond the free ones; doubles with each further one
    max_delay_seconds: float = 30.0
    failure_memory_seconds: float = 15 * 60  # a user name's failures are forgotten this long after the last attempt
    known_address_seconds: float = 90 * 24 * 3600  # how long a successful sign-in vouches for its address

    def delay_after(self, failures: int) -> float:
        """Seconds a user name waits after this many failures (from any address)."""
        beyond = failures - self.free_failures
        if beyond <= 0:
            return 0.0
        return min(self.max_delay_seconds, self.first_delay_seconds * 2.0 ** (beyond - 1))

    def delay_schedule(self) -> list[float]:
        """delay_after(1), delay_after(2), … up to the first capped value, which holds from then on."""
        schedule = [self.delay_after(1)]
        while schedule[-1] < self.max_delay_seconds and len(schedule) < 64:  # bounded even for odd settings
            schedule.append(self.delay_after(len(schedule) + 1))
        return schedule


SIGN_IN_POLICY = SignInPolicy()

# One atomic step per attempt, so parallel guesses (from many processes) cannot all pass before any has failed: an
# attempt let through is counted as a failure right away, and the success script takes it back.
# KEYS: the (user name, address) failures (sorted set, scores are times), the user name's state (hash), and the
# (user name, address) known-address marker. ARGV: now, attempt ID, address window, address failures, failure
# memory, known-address lifetime, then the delay schedule (delay after 1, 2, … failures; the last one holds).
_BEGIN = """
local now, attempt = tonumber(ARGV[1]), ARGV[2]
local window, per_address = tonumber(ARGV[3]), tonumber(ARGV[4])
local memory, known_for = tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= per_address then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {'address', tostring(tonumber(oldest[2]) + window - now)}
end
local known_at = tonumber(redis.call('GET', KEYS[3]))
local known = known_at ~= nil and now - known_at < known_for
local state = redis.call('HMGET', KEYS[2], 'failures', 'next_at', 'last_at')
local failures, next_at = tonumber(state[1]) or 0, tonumber(state[2]) or 0
if now - (tonumber(state[3]) or 0) > memory then
  failures, next_at = 0, 0
end
if not known and now < next_at then
  return {'user', tostring(next_at - now)}
end
failures = failures + 1
local claimed = math.max(next_at, now + tonumber(ARGV[6 + math.min(failures, #ARGV - 6)]))
redis.call('ZADD', KEYS[1], now, attempt)
redis.call('EXPIRE', KEYS[1], math.ceil(window) + 60)
redis.call('HSET', KEYS[2], 'failures', failures, 'next_at', tostring(claimed), 'last_at', tostring(now))
redis.call('EXPIRE', KEYS[2], math.ceil(memory) + 60)
return {'ok', tostring(next_at), tostring(claimed)}
"""

# The password was right: the address's failures are forgiven and it becomes known for the user name; the user
# name's provisional failure is taken back, and so is the delay it claimed unless a later attempt moved it since.
# ARGV: now, the delay's end before the attempt, the one it claimed, the known-address lifetime.
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
local state = redis.call('HMGET', KEYS[2], 'failures', 'next_at')
local failures = tonumber(state[1])
if failures and failures > 0 then
  redis.call('HSET', KEYS[2], 'failures', failures - 1)
end
if state[2] == ARGV[3] then
  redis.call('HSET', KEYS[2], 'next_at', ARGV[2])
end
redis.call('SET', KEYS[3], ARGV[1], 'EX', math.ceil(tonumber(ARGV[4])))
return 1
"""


@dataclass(frozen=True)
class SignInAttempt:
    """An attempt let through; it counts as a failure unless `SignInLimits.succeeded` is told otherwise."""

    keys: tuple[str, str, str]
    attempt_id: str
    delay_end_before: str
    delay_end_claimed: str
    local: bool = False  # counted in this process, Redis being away


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class SignInLimits:
    """Wrong passwords are limited per (user name, address) and slowed down per user name, so nobody is locked out.

    - Per (user name, address): `address_failures` failures in a sliding `address_window_seconds` and that address
      gets 429 for that user name until the oldest failure leaves the window. Other addresses are not affected.
    - Per user name, from every address together: the first `free_failures` failures cost nothing, then each one
      makes the next attempt wait `first_delay_seconds`, doubling per failure up to `max_delay_seconds`. A
      distributed guesser gets at most one guess per delay, and the owner, from a clean address, signs in after at
      most that delay (429 with Retry-After and the seconds in the message).
    - An address the user signed in from successfully (within `known_address_seconds`) skips the user-name delay,
      so a continuous distributed attack, which can always fire the moment a delay ends, cannot starve the owner.
      The per-address limit still applies there, and the per-IP limit (LOGIN_PER_IP) applies to every attempt.

    An attempt counts as a failure from the moment it is let through until its password is found right (one atomic
    Redis step each), so parallel guesses cannot all pass before any has failed; the price is that more than
    `free_failures` sign-ins of one user name at the same instant, from new addresses, are told to wait too.
    Unknown user names are treated exactly like known ones, so the limits tell nobody which names exist. All state
    lives in Redis, shared by every process; times come from the app's clock, so tests can move them.
    """

    def __init__(
        self, redis: aioredis.Redis, clock: Clock, local: LocalWindows, policy: SignInPolicy = SIGN_IN_POLICY
    ) -> None:
        self.clock = clock
        self.local = local
        self.policy = policy
        self._begin = redis.register_script(_BEGIN)
        self._succeeded = redis.register_script(_SUCCEEDED)

    async def begin(self, username: str, address: str) -> SignInAttempt:
        """Let one attempt through, counted as a failure until it succeeds; or TooManyRequests saying how long."""
        policy, name = self.policy, username.lower()
        keys = (
            f"signin:address-failures:{_digest(name, address)}",
            f"signin:user:{_digest(name)}",
            f"signin:known-address:{_digest(name, address)}",
        )
        attempt_id = secrets.token_hex(8)
        try:
            answer = await self._begin(
                keys=list(keys),
                args=[
                    f"{self.clock.now().timestamp():.6f}",
                    attempt_id,
                    policy.address_window_seconds,
                    policy.address_failures,
                    policy.failure_memory_seconds,
                    policy.known_address_seconds,
                    *policy.delay_schedule(),
                ],
            )
        except REDIS_DOWN as error:
            self.local.redis_failed(error)
            return self._begin_locally(keys, attempt_id)
        self.local.redis_answered()
        verdict, *values = (_text(part) for part in answer)
        if verdict == "address":
            raise _too_many("Too many failed sign-ins for this user from this address", float(values[0]))
        if verdict == "user":
            raise _too_many("Too many failed sign-ins for this user", float(values[0]))
        return SignInAttempt(keys, attempt_id, delay_end_before=values[0], delay_end_claimed=values[1])

    def _begin_locally(self, keys: tuple[str, str, str], attempt_id: str) -> SignInAttempt:
        """Without Redis: only the per-(user name, address) limit, counted in this process (a fixed window)."""
        now, window = self.clock.now().timestamp(), self.policy.address_window_seconds
        if self.local.get(keys[0], now) >= self.policy.address_failures:
            raise _too_many("Too many failed sign-ins for this user from this address", window)
        self.local.incr(keys[0], window, now)
        return SignInAttempt(keys, attempt_id, delay_end_before="", delay_end_claimed="", local=True)

    async def succeeded(self, attempt: SignInAttempt) -> None:
        """The password was right: take the attempt back and remember the address for the user name."""
        if attempt.local:
            self.local.incr(attempt.keys[0], self.policy.address_window_seconds, self.clock.now().timestamp(), -1)
            return
        try:
            await self._succeeded(
                keys=list(attempt.keys),
                args=[
                    f"{self.clock.now().timestamp():.6f}",
                    attempt.delay_end_before,
                    attempt.delay_end_claimed,
                    self.policy.known_address_seconds,
                ],
            )
        except REDIS_DOWN as error:
            # Redis went away after the attempt was let through: it stays counted, the sign-in goes on.
            self.local.redis_failed(error)


def _too_many(reason: str, seconds: float) -> TooManyRequests:
    retry_after = max(1, math.ceil(seconds))
    return TooManyRequests(f"{reason}; try again in {retry_after} s.", retry_after=retry_after)
