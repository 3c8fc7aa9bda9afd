"""Expiry reminders: one per ISO week per authorization in its last 30 days, one at expiry; the same for secrets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.amazon.health import affected_phrase
from app.amazon.status import EXPIRING_WITHIN, days_left
from app.amazon.tables import AmazonConnection, AmazonSettings, IntegrationCredentials
from app.audit.notifications import Notice, NotificationService
from app.companies.hierarchy import HierarchyService
from app.lib.clock import Clock
from app.lib.i18n import DEFAULT_LANGUAGE, Language, Phrase, as_language, msgid, phrase


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
            _notice(row, key, now, [m.code for m in members[row["company"]]], *emails.get(row["company"], _NO_MAIL))
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
                phrase("The app's LWA client secret ({label}) has expired", label=label)
                if expired
                else _expires_in(expires, now, _SECRET_EXPIRES, label=label)
            )
            body = phrase(
                "Rotate it in Seller Central (Developer Central) and enter the new secret under Admin → App "
                "credentials; until then every refresh fails with invalid_client."
            )
            sent += int(
                await self.notifications.notify(
                    dedupe_key=key,
                    kind="client_secret_expiry",
                    title=[title],
                    body=[body],
                    severity="error" if expired else "warning",
                )
            )
        return sent

    async def _emails(self, company_ids: set[int]) -> dict[int, tuple[str, Language]]:
        """The owners' notification addresses, each with its company's language (the e-mail's)."""
        ids = sorted(company_ids)
        emails: dict[int, tuple[str, Language]] = {}
        for start in range(0, len(ids), 1000):  # PostgreSQL takes at most 32,767 parameters per query
            rows = await AmazonSettings.select(
                AmazonSettings.company,
                AmazonSettings.notification_email,
                AmazonSettings.company.language.as_alias("language"),
            ).where(AmazonSettings.company.is_in(ids[start : start + 1000]))
            emails.update(
                {
                    r["company"]: (r["notification_email"], as_language(r["language"]))
                    for r in rows
                    if r["notification_email"]
                }
            )
        return emails


_NO_MAIL: tuple[None, Language] = (None, DEFAULT_LANGUAGE)


def _dedupe_key(row: dict[str, Any], now: datetime) -> str:
    """Once at expiry; before it, once per ISO week."""
    expires = row["authorization_expires_at"]
    if expires <= now:
        return f"authorization-expired:{row['id']}:{expires:%Y-%m-%d}"
    year, week, _ = now.isocalendar()
    return f"authorization-expiring:{row['id']}:{expires:%Y-%m-%d}:{year}-W{week:02d}"


def _notice(
    row: dict[str, Any], key: str, now: datetime, members: list[str], email: str | None, language: Language
) -> Notice:
    expires = row["authorization_expires_at"]
    names = {"code": row["code"], "region": row["region"]}
    affected = affected_phrase(members, none_said=False)
    renew = phrase(
        "To renew: open {code}, click Edit, use Get Selling Partner API token for {region}, confirm at Amazon, then "
        "Save.",
        **names,
    )
    if expires <= now:
        return Notice(
            dedupe_key=key,
            kind="authorization_expired",
            severity="error",
            title=[phrase("Amazon authorization of {code} ({region}) has expired", **names)],
            body=[phrase("Amazon stopped accepting it on {date}.", date=expires), *affected, renew],
            company_id=row["company"],
            email=email,
            language=language,
        )
    return Notice(
        dedupe_key=key,
        kind="authorization_expiring",
        severity="warning",
        title=[_expires_in(expires, now, _AUTHORIZATION_EXPIRES, **names)],
        body=[phrase("It expires on {date}.", date=expires), *affected, renew],
        company_id=row["company"],
        email=email,
        language=language,
    )


_AUTHORIZATION_EXPIRES = (
    msgid("Amazon authorization of {code} ({region}) expires in {days} days"),
    msgid("Amazon authorization of {code} ({region}) expires today"),
)
_SECRET_EXPIRES = (
    msgid("The app's LWA client secret ({label}) expires in {days} days"),
    msgid("The app's LWA client secret ({label}) expires today"),
)


def _expires_in(moment: datetime, now: datetime, texts: tuple[str, str], **names: str) -> Phrase:
    """ "… expires in 30 days" (29 days and 23 hours), "… expires today" under 24 hours: the page's count
    (`days_left`)."""
    days = days_left(moment, now)
    if days is not None and days > 1:
        return Phrase(texts[0], {**names, "days": days})
    return Phrase(texts[1], dict(names))
