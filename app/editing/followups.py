"""A committed Save's follow-up work, recorded in its transaction and delivered when Redis answers (an outbox).

After a Save every process must drop its cached owners and tokens, and each new token gets a connection check.
Both go through Redis. Were they sent after the commit directly, a Redis outage would lose them (and answer the
committed Save with a 500). So the Save writes a `SaveFollowUp` row in its own transaction; right after the commit
the saving process tries to deliver it, and every process looks for undelivered rows every few seconds, so the
first one that reaches Redis delivers it. A row is claimed before delivery (a stale claim, of a process that died
meanwhile, is taken over), so it is delivered once; its effects (a cache flush, a check deduplicated against one
queued or running) stay harmless if a process dies between delivering and marking it delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import msgspec
from redis import exceptions as redis_errors

from app.amazon.regions import Region
from app.companies.hierarchy import CompanyRef
from app.editing.tables import SaveFollowUp
from app.lib.clock import Clock

log = logging.getLogger(__name__)


class SavedSettings(msgspec.Struct, frozen=True):
    """What a Save changed, for whoever must react after the commit (token caches, connection checks).

    Unified members are not listed: a listener that needs them asks the hierarchy for the owner's members.
    """

    company: CompanyRef
    owner: CompanyRef
    regions_authorized: tuple[Region, ...]
    account_scope_changed: bool


Deliver = Callable[[SavedSettings], Awaitable[None]]
CLAIM_STALE_AFTER = timedelta(seconds=60)
POLL_SECONDS = 2.0
# Failures of delivery that mean "Redis is away, try again later"; anything else is a bug and is logged as one.
_REDIS_AWAY = (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError)


class SaveFollowUps:
    def __init__(self, clock: Clock, deliver: Deliver) -> None:
        self.clock = clock
        self._deliver = deliver
        self._redis_away = False

    async def record(self, saved: SavedSettings) -> uuid.UUID:
        """Inside the Save's transaction: what must happen once it is committed."""
        follow_up = uuid.uuid4()
        await SaveFollowUp.insert(
            SaveFollowUp(id=follow_up, payload=msgspec.json.encode(saved).decode(), created_at=self.clock.now())
        )
        return follow_up

    async def deliver(self, follow_up: uuid.UUID | None = None) -> int:
        """Deliver one follow-up (or every pending one); returns how many were delivered. Never raises for Redis
        being away: what was not delivered stays recorded for the next try."""
        now = self.clock.now()
        pending = SaveFollowUp.delivered_at.is_null() & (
            SaveFollowUp.claimed_at.is_null() | (SaveFollowUp.claimed_at < now - CLAIM_STALE_AFTER)
        )
        if follow_up is not None:
            pending = pending & (SaveFollowUp.id == follow_up)
        candidates = await SaveFollowUp.select(SaveFollowUp.id).where(pending).order_by(SaveFollowUp.created_at)
        delivered = 0
        for candidate in candidates:
            claimed = (
                await SaveFollowUp.update(
                    {SaveFollowUp.claimed_at: now, SaveFollowUp.attempts: SaveFollowUp.attempts + 1}
                )
                .where(pending & (SaveFollowUp.id == candidate["id"]))
                .returning(SaveFollowUp.id, SaveFollowUp.payload)
            )
            if not claimed:
                continue  # another process took it
            try:
                await self._deliver(msgspec.json.decode(claimed[0]["payload"], type=SavedSettings))
            except _REDIS_AWAY as away:
                await SaveFollowUp.update({SaveFollowUp.claimed_at: None}).where(SaveFollowUp.id == candidate["id"])
                if not self._redis_away:
                    log.warning("Redis does not answer (%s): Save follow-ups wait until it does", type(away).__name__)
                self._redis_away = True
                break
            await SaveFollowUp.update({SaveFollowUp.delivered_at: self.clock.now()}).where(
                SaveFollowUp.id == candidate["id"]
            )
            delivered += 1
        if delivered and self._redis_away:
            log.info("Redis answers again: %d Save follow-up(s) delivered", delivered)
            self._redis_away = False
        return delivered

    async def deliver_forever(self, interval: float = POLL_SECONDS) -> None:
        """The background loop every process runs: pending follow-ups are delivered as soon as Redis answers."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.deliver()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Save follow-ups could not be read; trying again in %.0f s", interval, exc_info=False)

    @contextlib.asynccontextmanager
    async def delivering(self, interval: float = POLL_SECONDS) -> AsyncIterator[None]:
        """Run `deliver_forever` for as long as the block runs."""
        task = asyncio.create_task(self.deliver_forever(interval), name="save-follow-ups")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
