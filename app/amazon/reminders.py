"""Expiry reminders: one per ISO week per authorization in its last 30 days, one at expiry; the same for secrets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.amazon.status import EXPIRING_WITHIN, days_left
from app.amazon.tables import AmazonConnection, AmazonSettings, IntegrationCredentials
from app.audit.notifications import Notice, NotificationService
from app.companies.hierarchy import HierarchyService
from app.lib.clock import Clock


class ReminderRun(msgspec.Struct, frozen=True):
    scanned: int
    sent: int


class ReminderService:
    def __init__(self, clock: Clock, hierarchy: HierarchyService, notifications: NotificationService) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.notifications = notifications

    async def run(self) -> ReminderRun:
        """Send what is due now; safe to run any number of times (each reminder has a dedupe key).

        A handful of queries whatever the number of connections: existing reminders are looked up in bulk, members
        and e-mail addresses are fetched only for what is new, and new reminders are inserted many rows at a time.
        """
        now = self.clock.now()
        horizon = now + EXPIRING_WITHIN
        rows = await AmazonConnection.select(
            AmazonConnection.id,
            AmazonConnection.company,
            AmazonConnection.region,
            AmazonConnection.authorization_expires_at,
            AmazonConnection.company.code.as_alias("code"),
        ).where(AmazonConnection.refresh_token.is_not_null() & (AmazonConnection.authorization_expires_at <= horizon))
        keyed = [(row, _dedupe_key(row, now)) for row in rows]
        sent_before = await self.notifications.existing_keys([key for _, key in keyed])
        due = [(row, key) for row, key in keyed if key not in sent_before]
        owners = sorted({row["company"] for row, _ in due})
        members = await self.hierarchy.members_of_owners(owners)
        emails = await self._emails(set(owners))
        notices = [
            _notice(row, key, now, [m.code for m in members[row["company"]]], emails.get(row["company"]))
            for row, key in due
        ]
        sent = await self.notifications.notify_many(notices)
        sent += await self._secrets(horizon)
        return ReminderRun(scanned=len(rows), sent=sent)

    async def _secrets(self, horizon: Any) -> int:
        now = self.clock.now()
        year, week, _ = now.isocalendar()
        rows = await IntegrationCredentials.select().where(
            IntegrationCredentials.client_secret_expires_at.is_not_null()
            & (IntegrationCredentials.client_secret_expires_at <= horizon)
        )
        sent = 0
        for row in rows:
            expires = row["client_secret_expires_at"]
            expired = expires <= now
            label = f"{row['account_type']}, {row['environment']}"
            key = (
                f"secret-expired:{row['id']}:{expires:%Y-%m-%d}"
                if expired
                else f"secret-expiring:{row['id']}:{expires:%Y-%m-%d}:{year}-W{week:02d}"
            )
            title = (
                f"The app's LWA client secret ({label}) has expired"
                if expired
                else f"The app's LWA client secret ({label}) {_expires_in(expires, now)}"
            )
            body = (
                "Rotate it in Seller Central (Developer Central) and enter the new secret under Admin → App "
                "credentials; until then every refresh fails with invalid_client."
            )
            sent += int(
                await self.notifications.notify(
                    dedupe_key=key,
                    kind="client_secret_expiry",
                    title=title,
                    body=body,
                    severity="error" if expired else "warning",
                )
            )
        return sent

    async def _emails(self, company_ids: set[int]) -> dict[int, str]:
        ids = sorted(company_ids)
        emails: dict[int, str] = {}
        for start in range(0, len(ids), 1000):  # PostgreSQL takes at most 32,767 parameters per query
            rows = await AmazonSettings.select(AmazonSettings.company, AmazonSettings.notification_email).where(
                AmazonSettings.company.is_in(ids[start : start + 1000])
            )
            emails.update({r["company"]: r["notification_email"] for r in rows if r["notification_email"]})
        return emails


def _dedupe_key(row: dict[str, Any], now: datetime) -> str:
    """Once at expiry; before it, once per ISO week."""
    expires = row["authorization_expires_at"]
    if expires <= now:
        return f"authorization-expired:{row['id']}:{expires:%Y-%m-%d}"
    year, week, _ = now.isocalendar()
    return f"authorization-expiring:{row['id']}:{expires:%Y-%m-%d}:{year}-W{week:02d}"


def _notice(row: dict[str, Any], key: str, now: datetime, members: list[str], email: str | None) -> Notice:
    expires = row["authorization_expires_at"]
    affected = f" Unified companies affected: {', '.join(members)}." if members else ""
    renew = (
        f"To renew: open {row['code']}, click Edit, use Get Selling Partner API token for {row['region']}, "
        "confirm at Amazon, then Save."
    )
    if expires <= now:
        return Notice(
            dedupe_key=key,
            kind="authorization_expired",
            severity="error",
            title=f"Amazon authorization of {row['code']} ({row['region']}) has expired",
            body=f"Amazon stopped accepting it on {expires:%Y-%m-%d}.{affected} {renew}",
            company_id=row["company"],
            email=email,
        )
    return Notice(
        dedupe_key=key,
        kind="authorization_expiring",
        severity="warning",
        title=f"Amazon authorization of {row['code']} ({row['region']}) {_expires_in(expires, now)}",
        body=f"It expires on {expires:%Y-%m-%d}.{affected} {renew}",
        company_id=row["company"],
        email=email,
    )


def _expires_in(moment: datetime, now: datetime) -> str:
    """ "expires in 30 days" (29 days and 23 hours), "expires today" under 24 hours: the page's count (`days_left`)."""
    days = days_left(moment, now)
    return f"expires in {days} days" if days is not None and days > 1 else "expires today"
