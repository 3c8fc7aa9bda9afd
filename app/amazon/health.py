"""Connection health: what every check learns is stored, and people are told once per worse state (DESIGN §12).

Every path that learns something about a connection (the worker's token refresh, the periodic check, Refresh, the
bulk test) ends in `ConnectionHealth.learned`: it stores the result and "last checked", derives the status
(app.amazon.status), and when the status became a worse state, raises ONE notification for the people whose scope
covers the owner and one e-mail to the owner's notification address, listing the unified members affected. The
state told is claimed on the connection row with a conditional UPDATE, so however many workers learn the same thing
at once, one of them tells. A connection that works again resolves what was told.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import msgspec

from app.amazon.regions import Region
from app.amazon.settings import SettingsService
from app.amazon.status import (
    TRANSIENT_ERRORS,
    WORSE_STATES,
    CheckResult,
    ConnectionStatus,
    action_phrase,
    derive_status,
)
from app.amazon.tables import AmazonConnection
from app.audit.notifications import Notice, NotificationService
from app.companies.hierarchy import HierarchyService
from app.lib.clock import Clock
from app.lib.i18n import Phrase, as_language, msgid, phrase

log = logging.getLogger(__name__)

HEALTH_KEY_PREFIX = "connection-health"
# Results only a new token (or a check that works) can end; a failure of Amazon's to answer never overwrites them.
_DEFINITE = [CheckResult.REAUTHORIZATION_REQUIRED.value, CheckResult.WRONG_REGION_OR_ROLE.value]
_TITLES = {
    ConnectionStatus.REAUTHORIZATION_REQUIRED: msgid(
        "Amazon refused the authorization of {code} ({region}): re-authorize"
    ),
    ConnectionStatus.WRONG_REGION_OR_ROLE: msgid(
        "Amazon refuses the token of {code} in {region}: wrong region or role"
    ),
    ConnectionStatus.EXPIRED: msgid("Amazon authorization of {code} ({region}) has expired"),
    ConnectionStatus.ERROR: msgid("The {region} connection of {code} keeps failing"),
}
_KINDS = {
    ConnectionStatus.REAUTHORIZATION_REQUIRED: "reauthorization_required",
    ConnectionStatus.WRONG_REGION_OR_ROLE: "wrong_region_or_role",
    ConnectionStatus.EXPIRED: "authorization_expired",
    ConnectionStatus.ERROR: "connection_error",
}
_EXPLANATIONS = {
    ConnectionStatus.REAUTHORIZATION_REQUIRED: msgid(
        "Amazon says the authorization was revoked or has expired; nothing works for this account until someone "
        "re-authorizes."
    ),
    ConnectionStatus.WRONG_REGION_OR_ROLE: msgid(
        "Amazon refused the call even with a fresh access token: the seller account is probably in another region, "
        "or the app lacks the role for this call."
    ),
    ConnectionStatus.EXPIRED: msgid("The authorization's year is over: Amazon stopped accepting it."),
    ConnectionStatus.ERROR: msgid("The last checks failed:"),
}


def affected_phrase(members: list[str], *, none_said: bool = True) -> list[Phrase]:
    """ "Unified companies affected: CA-01, MX-01." (or that none is)."""
    if members:
        return [phrase("Unified companies affected: {codes}.", codes=", ".join(members))]
    return [phrase("No unified company uses this account.")] if none_said else []


def health_key(connection_id: int, state: str, episode: int) -> str:
    return f"{HEALTH_KEY_PREFIX}:{connection_id}:{state}:{episode}"


class ConnectionHealth:
    def __init__(
        self, clock: Clock, hierarchy: HierarchyService, settings: SettingsService, notifications: NotificationService
    ) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.settings = settings
        self.notifications = notifications

    async def learned(
        self,
        connection_id: int,
        result: CheckResult,
        code: str | None = None,
        message: str | None = None,
        seen: list[str] | None = None,
    ) -> datetime:
        """Store what a check concluded (`seen`: the marketplaces Amazon listed), then tell or resolve; returns when."""
        now = self.clock.now()
        values: dict[Any, Any] = {
            AmazonConnection.last_checked_at: now,
            AmazonConnection.last_check_result: result.value,
            AmazonConnection.last_error_code: None if result == CheckResult.OK else code,
            AmazonConnection.last_error_message: None if result == CheckResult.OK else (message or "")[:1000],
            AmazonConnection.error_streak: AmazonConnection.error_streak + 1 if result == CheckResult.ERROR else 0,
        }
        if seen is not None:
            values[AmazonConnection.marketplaces_seen] = msgspec.json.encode(seen).decode()
        where: Any = AmazonConnection.id == connection_id
        if result == CheckResult.ERROR and code in TRANSIENT_ERRORS:
            # Amazon failing to answer tells nothing about the connection: what is known to need a person (a revoked
            # authorization, the wrong region) stays as it was, with its error; only the time of the check moves.
            await AmazonConnection.update({AmazonConnection.last_checked_at: now}).where(
                where & AmazonConnection.last_check_result.is_in(_DEFINITE)
            )
            where = where & (
                AmazonConnection.last_check_result.is_null() | AmazonConnection.last_check_result.not_in(_DEFINITE)
            )
        await AmazonConnection.update(values).where(where)
        await self.settle(connection_id)
        return now

    async def learned_for(
        self, owner_id: int, region: Region, result: CheckResult, code: str | None = None, message: str | None = None
    ) -> None:
        """`learned` for the owner's connection in `region`, when the caller holds no row (a job's SP-API call)."""
        row = await AmazonConnection.select(AmazonConnection.id).where(
            (AmazonConnection.company == owner_id) & (AmazonConnection.region == region.value)
        )
        if row:
            await self.learned(row[0]["id"], result, code=code, message=message)

    async def refreshed(self, connection_id: int) -> None:
        """A worker's LWA refresh worked: the authorization is alive now, so a failure of Amazon's to answer is over.

        What the refresh cannot tell (a wrong region or role, a marketplace not authorized) stays until a test says.
        """
        await AmazonConnection.update(
            {
                AmazonConnection.last_checked_at: self.clock.now(),
                AmazonConnection.last_check_result: CheckResult.OK.value,
                AmazonConnection.last_error_code: None,
                AmazonConnection.last_error_message: None,
                AmazonConnection.error_streak: 0,
            }
        ).where(
            (AmazonConnection.id == connection_id)
            & (AmazonConnection.last_check_result == CheckResult.ERROR.value)
            & (AmazonConnection.last_error_code == "amazon_unavailable")
        )
        await AmazonConnection.update({AmazonConnection.last_checked_at: self.clock.now()}).where(
            AmazonConnection.id == connection_id
        )
        await self.settle(connection_id)

    async def settle(self, connection_id: int) -> None:
        """Compare the connection's status with the state people were told about: tell a new one, resolve an old one."""
        row = await AmazonConnection.select().where(AmazonConnection.id == connection_id).first()
        if row is None:
            return
        status = derive_status(row, self.clock.now())
        if status in WORSE_STATES:
            claimed = (
                await AmazonConnection.update(
                    {
                        AmazonConnection.health_state: status.value,
                        AmazonConnection.health_episode: AmazonConnection.health_episode + 1,
                    }
                )
                .where(
                    (AmazonConnection.id == connection_id)
                    & (AmazonConnection.health_state.is_null() | (AmazonConnection.health_state != status.value))
                )
                .returning(AmazonConnection.health_episode)
            )
            if claimed:
                await self._tell(row, status, int(claimed[0]["health_episode"]))
        elif row.get("health_state") is not None:
            ended = (
                await AmazonConnection.update({AmazonConnection.health_state: None})
                .where((AmazonConnection.id == connection_id) & AmazonConnection.health_state.is_not_null())
                .returning(AmazonConnection.id)
            )
            if ended:
                resolved = await self.notifications.resolve_prefixed(
                    [f"{HEALTH_KEY_PREFIX}:{connection_id}:", f"authorization-expired:{connection_id}:"]
                )
                log.info("connection %s works again; %d notification(s) resolved", connection_id, resolved)

    async def _tell(self, row: dict[str, Any], status: ConnectionStatus, episode: int) -> None:
        owner_id, region = row["company"], Region(row["region"])
        settings = (await self.settings.rows([owner_id])).get(owner_id, {})
        code = settings.get("company_code", str(owner_id))
        members = (await self.hierarchy.members_of_owners([owner_id]))[owner_id]
        body = [Phrase(_EXPLANATIONS[status])]
        if status == ConnectionStatus.ERROR:
            error = row.get("last_error_message")
            body.append(Phrase("{detail}", {"detail": error}) if error else phrase("Amazon did not answer properly."))
        body += affected_phrase([m.code for m in members])
        action = action_phrase(status, code, region.value)
        body += [action] if action else []
        # The expiry has a reminder of its own (app.amazon.reminders): the same key, so that it is told once.
        expires = row.get("authorization_expires_at")
        key = (
            f"authorization-expired:{row['id']}:{expires:%Y-%m-%d}"
            if status == ConnectionStatus.EXPIRED and expires is not None
            else health_key(row["id"], status.value, episode)
        )
        notice = Notice(
            dedupe_key=key,
            kind=_KINDS[status],
            severity="error",
            title=[Phrase(_TITLES[status], {"code": code, "region": region.value})],
            body=body,
            company_id=owner_id,
            email=settings.get("notification_email"),
            language=as_language(settings.get("company_language")),
        )
        if await self.notifications.notify_many([notice]):
            log.warning("connection %s of %s (%s) is now %s: people told", row["id"], code, region, status.value)
