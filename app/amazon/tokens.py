"""TokenProvider: access tokens for (company, region) that refresh by themselves, once, however many ask."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from redis import exceptions as redis_errors
from redis.asyncio.client import PubSub
from redis.exceptions import LockError

from app.amazon.connections import ConnectionService
from app.amazon.credentials import AppCredentialsService
from app.amazon.health import ConnectionHealth
from app.amazon.lwa import LwaClient
from app.amazon.regions import Region
from app.amazon.settings import SettingsService
from app.amazon.status import CheckResult
from app.audit.service import SYSTEM
from app.companies.hierarchy import HierarchyService
from app.lib.clock import Clock
from app.lib.crypto import SecretError
from app.lib.errors import AmazonRefused, AmazonUnavailable, DomainError, RuleViolation

log = logging.getLogger(__name__)
SKEW = timedelta(minutes=5)
SAVES_CHANNEL = "erp-settings:settings-saved"
LOCK_TIMEOUT_SECONDS = 30
COOLDOWN_SECONDS = 60  # after Amazon fails a refresh, nobody asks it again for this long (longer if it says so)
# Redis failing to answer (as opposed to answering with an error): the subscription waits for it and comes back.
REDIS_AWAY: tuple[type[BaseException], ...] = (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError)
RESUBSCRIBE_FIRST_SECONDS = 0.5
RESUBSCRIBE_MAX_SECONDS = 5.0
RECEIVE_WAIT_SECONDS = 1.0
CONFIRM_SECONDS = 5.0
HEARTBEAT_SECONDS = 15.0


class ReauthorizationRequired(DomainError):
    """Amazon refused the refresh token (revoked or expired): nothing will work until someone re-authorizes."""

    code = "reauthorization_required"


class TokenUnavailable(DomainError):
    """No token now for a transient reason; try again after `retry_after` seconds."""

    code = "token_unavailable"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class _Cached:
    token: str
    expires_at: datetime


class TokenProvider:
    """Owner → in-process cache → database → single flight (one future per process, one Redis lock overall)."""

    def __init__(
        self,
        clock: Clock,
        redis: aioredis.Redis,
        hierarchy: HierarchyService,
        settings: SettingsService,
        connections: ConnectionService,
        credentials: AppCredentialsService,
        lwa: LwaClient,
        environment: str,
        health: ConnectionHealth,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    ) -> None:
        self.clock = clock
        self.redis = redis
        self.hierarchy = hierarchy
        self.settings = settings
        self.connections = connections
        self.credentials = credentials
        self.lwa = lwa
        self.environment = environment
        self.health = health  # told what each refresh learns about the connection
        self.lock_timeout = lock_timeout
        self._owners: dict[int, int] = {}
        self._tokens: dict[tuple[int, Region], _Cached] = {}
        self._flights: dict[tuple[int, Region], asyncio.Future[str]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._owner_flights: dict[int, asyncio.Future[int]] = {}

    async def announce_save(self) -> None:
        """After a Save: this process and every other one drop their cached owners and tokens."""
        self.forget()
        await self.redis.publish(SAVES_CHANNEL, b"saved")

    async def listen_for_saves(self) -> None:
        """Follow other processes' Saves (Redis pub/sub) for as long as the services run, through Redis outages.

        Subscribes once before returning (a Redis that is away at start-up stops the start, as before); the
        subscription then comes back by itself after every lost connection.
        """
        pubsub = await self._subscribe()
        self._listener = asyncio.create_task(self._follow_saves(pubsub), name="token-cache-invalidation")

    async def _subscribe(self) -> PubSub:
        """A subscription Redis has confirmed (a request sent into a dead connection would seem to succeed)."""
        pubsub = self.redis.pubsub()
        try:
            await pubsub.subscribe(SAVES_CHANNEL)
            confirmed = await pubsub.get_message(timeout=CONFIRM_SECONDS)
            if confirmed is None or confirmed.get("type") != "subscribe":
                raise redis_errors.TimeoutError(f"Redis did not confirm the subscription within {CONFIRM_SECONDS:g} s")
        except BaseException:
            with contextlib.suppress(*REDIS_AWAY):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            raise
        return pubsub

    async def _follow_saves(self, pubsub: PubSub | None) -> None:
        delay = RESUBSCRIBE_FIRST_SECONDS
        lost_at = 0.0
        try:
            while True:
                if pubsub is None:
                    await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)
                    try:
                        pubsub = await self._subscribe()
                    except REDIS_AWAY:
                        delay = min(RESUBSCRIBE_MAX_SECONDS, delay * 2)
                        continue
                    # Subscribed first, then forgotten: a Save announced while we were cut off never reached us,
                    # one announced from now on will.
                    self.forget()
                    log.info(
                        "Save announcements: subscribed again after %.1f s; cached owners and tokens dropped",
                        time.monotonic() - lost_at,
                    )
                    delay = RESUBSCRIBE_FIRST_SECONDS
                try:
                    await self._receive_saves(pubsub)
                except REDIS_AWAY as away:
                    lost_at = time.monotonic()
                    log.warning(
                        "Save announcements: connection to Redis lost (%s); subscribing again with backoff",
                        type(away).__name__,
                    )
                    with contextlib.suppress(*REDIS_AWAY):
                        await pubsub.aclose()  # type: ignore[no-untyped-call]
                    pubsub = None
        finally:
            if pubsub is not None:
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _receive_saves(self, pubsub: PubSub) -> None:
        """Drop the caches at each announcement until the connection fails (raises).

        Each read passes its own timeout: the client's socket timeout would otherwise end every quiet minute. A
        connection that stays quiet is pinged; one that does not answer the ping is lost (a host gone away sends
        no reset, and would leave this process deaf to Saves for good).
        """
        loop = asyncio.get_running_loop()
        heard = loop.time()
        pinged = False
        while True:
            message = await pubsub.get_message(timeout=RECEIVE_WAIT_SECONDS)
            now = loop.time()
            if message is not None:
                heard, pinged = now, False
                if message.get("type") == "message":
                    self.forget()
            elif now - heard > HEARTBEAT_SECONDS:
                if pinged:
                    raise redis_errors.TimeoutError(f"no answer to a ping within {HEARTBEAT_SECONDS:.0f} s")
                await pubsub.ping()
                heard, pinged = now, True

    async def stop_listening(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    def forget(self, company_ids: list[int] | None = None) -> None:
        """Drop cached owners and tokens (after a Save); None forgets everything."""
        if company_ids is None:
            self._owners.clear()
            self._tokens.clear()
            return
        for company_id in company_ids:
            owner = self._owners.pop(company_id, None)
            for key in [k for k in self._tokens if k[0] in (company_id, owner)]:
                del self._tokens[key]

    async def owner_of(self, company_id: int) -> int:
        """The company's account owner, looked up once however many callers ask at the same time."""
        owner = self._owners.get(company_id)
        if owner is not None:
            return owner
        pending = self._owner_flights.get(company_id)
        if pending is not None:
            return await asyncio.shield(pending)
        pending = self._owner_flights[company_id] = asyncio.get_running_loop().create_future()
        try:
            ref = await self.hierarchy.account_owner(company_id)
            if ref is None:
                raise RuleViolation(f"Company {company_id} does not exist.", code="unknown_company")
            self._owners[company_id] = ref.id
            pending.set_result(ref.id)
            return ref.id
        except BaseException as failure:
            pending.set_exception(failure)
            pending.exception()  # retrieved here: the first caller raises it, the others get it from the future
            raise
        finally:
            del self._owner_flights[company_id]

    async def access_token(self, company_id: int, region: Region, *, force: bool = False) -> str:
        """A valid access token for the company's account in `region` (refreshing it at most once across workers)."""
        key = (await self.owner_of(company_id), region)
        cached = self._tokens.get(key)
        if not force and cached is not None and cached.expires_at - self.clock.now() > SKEW:
            return cached.token
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.get_running_loop().create_future()
            self._flights[key] = flight
            try:
                flight.set_result(await self._obtain(key, force, cached.token if cached else None))
            except BaseException as failure:
                flight.set_exception(failure)
                raise
            finally:
                del self._flights[key]
                if flight.done() and flight.exception() is not None:
                    flight.exception()  # mark retrieved: the first caller raises it
            return flight.result()
        return await asyncio.shield(flight)

    async def _obtain(self, key: tuple[int, Region], force: bool, stale: str | None) -> str:
        row = await self._row(key)
        if not force and (fresh := self._fresh(row)) is not None:
            return self._remember(key, fresh, row["access_token_expires_at"])
        await self._respect_cooldown(key)
        lock = self.redis.lock(
            f"lock:token:{key[0]}:{key[1]}", timeout=self.lock_timeout, blocking_timeout=self.lock_timeout * 1.5
        )
        if not await lock.acquire():
            raise TokenUnavailable("Another worker is refreshing this token and takes too long.", retry_after=5)
        try:
            row = await self._row(key)  # another process may have refreshed while we waited for the lock
            fresh = self._fresh(row)
            if fresh is not None and not (force and fresh == stale):
                return self._remember(key, fresh, row["access_token_expires_at"])
            return await self._refresh(key, row)
        finally:
            try:
                await lock.release()
            except LockError:
                log.warning("token lock for owner %s %s expired before release", key[0], key[1])

    async def _row(self, key: tuple[int, Region]) -> dict[str, Any]:
        row = (await self.connections.rows_for_owners([key[0]]))[key[0]].get(key[1])
        if row is None or not row.get("refresh_token"):
            raise RuleViolation(f"No Selling Partner API connection for {key[1]}.", code="not_connected")
        if row.get("last_check_result") == CheckResult.REAUTHORIZATION_REQUIRED:
            # Amazon refused this refresh token already: asking again cannot help until someone re-authorizes.
            raise ReauthorizationRequired(row.get("last_error_message") or "Re-authorization required.")
        return row

    def _fresh(self, row: dict[str, Any]) -> str | None:
        expires: datetime | None = row.get("access_token_expires_at")
        if not row.get("access_token") or expires is None or expires - self.clock.now() <= SKEW:
            return None
        try:
            return self.connections.secret(row, "access_token")
        except SecretError:
            log.error("cached access token of connection %s cannot be decrypted; refreshing", row["id"])
            return None

    def _remember(self, key: tuple[int, Region], token: str, expires_at: datetime) -> str:
        self._tokens[key] = _Cached(token, expires_at)
        return token

    async def _require_reauthorization(
        self, key: tuple[int, Region], row: dict[str, Any], code: str, message: str
    ) -> None:
        """Only a new token can help: mark the connection, tell the people concerned, never retry."""
        await self.health.learned(row["id"], CheckResult.REAUTHORIZATION_REQUIRED, code=code, message=message)

    async def _respect_cooldown(self, key: tuple[int, Region]) -> None:
        """Refuse at once, without asking Amazon, while the cooldown after a failed refresh lasts (any process's)."""
        until = await self.redis.get(_cooldown_key(key))
        left = (_instant(until) - self.clock.now()).total_seconds() if until is not None else 0.0
        if left > 0:
            seconds = math.ceil(left)
            raise TokenUnavailable(
                f"Amazon failed to refresh the access token moments ago: try again in {seconds} s.",
                retry_after=seconds,
            )

    async def _start_cooldown(self, key: tuple[int, Region], retry_after: float | None) -> float:
        """Nobody refreshes this token for COOLDOWN_SECONDS, or as long as Amazon asked; returns the seconds.

        The end is a time of the app's clock (which tests move); Redis forgets the key a little after it.
        """
        seconds = max(float(COOLDOWN_SECONDS), retry_after or 0.0)
        until = self.clock.now() + timedelta(seconds=seconds)
        await self.redis.set(_cooldown_key(key), until.isoformat(), ex=math.ceil(seconds) + 1)
        return seconds

    async def _refresh(self, key: tuple[int, Region], row: dict[str, Any]) -> str:
        await self._respect_cooldown(key)  # again: a refresh may have failed while this caller waited for the lock
        owner_settings = (await self.settings.rows([key[0]]))[key[0]]
        creds = await self.credentials.required(owner_settings["account_type"], self.environment)
        try:
            refresh_token = self.connections.secret(row, "refresh_token") or ""
        except SecretError:
            log.error("refresh token of connection %s cannot be decrypted", row["id"])
            message = "The stored refresh token cannot be read; get the token again."
            await self._require_reauthorization(key, row, "token_unreadable", message)
            raise ReauthorizationRequired(message) from None
        try:
            grant = await self.lwa.refresh(self.credentials.client(creds), refresh_token)
        except AmazonRefused as refused:
            if refused.lwa_error == "invalid_grant":
                newer = await self._row(key)
                if newer["refresh_token"] != row["refresh_token"]:
                    # A connection test stored the refresh token Amazon rotated (or a Save a new authorization)
                    # while ours was on its way: ours was the old one, the stored one may well work.
                    return await self._from_stored(key, newer)
                await self._require_reauthorization(key, row, "reauthorization_required", refused.message)
                raise ReauthorizationRequired(refused.message) from None
            await self._start_cooldown(key, None)
            raise
        except AmazonUnavailable as failure:
            cooldown = await self._start_cooldown(key, failure.retry_after)
            raise TokenUnavailable(failure.message, retry_after=cooldown) from None
        expires_at = self.clock.now() + timedelta(seconds=grant.expires_in)
        # A refresh token other than the one sent is stored with the access token (FACTS §2): the old one may be dead.
        stored = await self.connections.store_refresh(
            row,
            sent_refresh_token=refresh_token,
            returned_refresh_token=grant.refresh_token,
            access_token=grant.access_token,
            expires_at=expires_at,
            actor=SYSTEM,
        )
        if stored == "superseded":
            # A Save stored another authorization while LWA answered (perhaps of another seller): use that one.
            return await self._from_stored(key, await self._row(key))
        await self.health.refreshed(row["id"])
        return self._remember(key, grant.access_token, expires_at)

    async def _from_stored(self, key: tuple[int, Region], row: dict[str, Any]) -> str:
        """The row's access token while it is fresh, else a refresh with its refresh token."""
        if (fresh := self._fresh(row)) is not None:
            return self._remember(key, fresh, row["access_token_expires_at"])
        return await self._refresh(key, row)


def _cooldown_key(key: tuple[int, Region]) -> str:
    return f"cooldown:token:{key[0]}:{key[1]}"


def _instant(value: bytes | str) -> datetime:
    return datetime.fromisoformat(value.decode() if isinstance(value, bytes) else value)
