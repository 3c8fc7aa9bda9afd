"""The reminder scan's data set: many connected account owners whose authorizations expire over the coming months.

Each owner is a root company (its own account owner, no unified members) with the default `amazon_settings` row
(no notification e-mail) and one NA `amazon_connection`. Authorizations expire evenly over the next
`horizon_days` days in a shuffled order, so about 30/400 = 7.5 % fall within the reminders' 30-day window.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.amazon.status import EXPIRING_WITHIN
from app.companies.tables import Company
from app.lib.crypto import Keyring
from app.secrets import connection_context
from tests.benchmarks.dataset import CompanyRow
from tests.benchmarks.load import BATCH, engine, finish_load, insert_companies, insert_default_settings

AUTHORIZATION_DAYS = 365
SEED = 20_261_123
_CONNECTION_COLUMNS = (
    "company, region, selling_partner_id, refresh_token, authorized_at, authorization_expires_at, marketplaces_seen, "
    "created_at, updated_at"
)
_CONNECTION_ROW = "(" + ", ".join(["{}"] * 9) + ")"


@dataclass(frozen=True)
class ReminderSet:
    """What was loaded: the id range, and how many authorizations the scan must find due (within 30 days)."""

    first_id: int
    count: int
    due: int
    load_seconds: float = 0.0


def expiries(count: int, now: datetime, horizon_days: int) -> list[datetime]:
    """`count` expiry moments spread evenly over (now, now + horizon_days], shuffled (seeded) across the owners."""
    moments = [now + timedelta(days=horizon_days * (i + 1) / count) for i in range(count)]
    random.Random(SEED).shuffle(moments)
    return moments


async def insert_connections(first_id: int, expires: Sequence[datetime], refresh_token: str, now: datetime) -> None:
    """One NA connection per owner, multi-row INSERTs of `BATCH` rows in one transaction."""
    async with engine().transaction():
        for start in range(0, len(expires), BATCH):
            args: list[Any] = []
            chunk = expires[start : start + BATCH]
            for offset, expires_at in enumerate(chunk):
                company = first_id + start + offset
                authorized_at = expires_at - timedelta(days=AUTHORIZATION_DAYS)
                args += [company, "NA", f"A{company:012d}", refresh_token, authorized_at, expires_at, "[]", now, now]
            sql = (
                f"INSERT INTO amazon_connection ({_CONNECTION_COLUMNS}) VALUES "  # noqa: S608 (constants only)
                + ", ".join([_CONNECTION_ROW] * len(chunk))
            )
            await Company.raw(sql, *args)


async def next_company_id() -> int:
    """The first id after every company that exists (the hierarchy part's, the connected owner's)."""
    rows: list[dict[str, Any]] = await Company.raw("SELECT COALESCE(MAX(id), 0) AS top FROM company")
    return int(rows[0]["top"]) + 1


async def load_reminder_set(count: int, now: datetime, horizon_days: int, keyring: Keyring) -> ReminderSet:
    """Companies, settings rows and connections for `count` owners; the refresh token is one real ciphertext.

    The scan never decrypts, so every row carries the same `enc1:` value (sealed for the first row): it has the
    stored format and a configured key ID, which is all that start-up's key check looks at.
    """
    first_id = await next_company_id()
    rows = [CompanyRow(first_id + i, f"R{first_id + i:07d}", None, False) for i in range(count)]
    await insert_companies(rows, now)
    await insert_default_settings(now, first_id)
    moments = expiries(count, now, horizon_days)
    token = keyring.encrypt("Atzr|bench-placeholder-refresh-token", connection_context("refresh_token", first_id, "NA"))
    await insert_connections(first_id, moments, token, now)
    await finish_load()
    due = sum(1 for moment in moments if moment <= now + EXPIRING_WITHIN)
    return ReminderSet(first_id, count, due)
