"""Database set-up for a benchmark run: a clean schema, the migrations, and bulk inserts of generated companies and
connections.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.sqlite import TransactionType

from app.cli import migrate
from app.companies.tables import Company
from app.config import Settings
from app.lib.database import is_sqlite
from tests.benchmarks.dataset import CompanyRow
from tests.benchmarks.env import check_disposable

BATCH = 1000
_COMPANY_COLUMNS = "id, code, name, parent, unified, created_at, updated_at"
_ROW = "(" + ", ".join(["{}"] * 7) + ")"
# Only "{}" placeholders and constants: every value travels as a query parameter.
_SETTINGS_FOR_ALL = """
    INSERT INTO amazon_settings
        (company, enabled, account_type, marketplace_ids, order_import_enabled, inventory_sync_enabled,
         price_sync_enabled, notification_email, version, updated_at, updated_by)
    SELECT id, {}, {}, {}, {}, {}, {}, NULL, 1, {}, NULL FROM company WHERE id >= {}
"""


def engine() -> Any:
    """The Piccolo engine configured by piccolo_conf."""
    found = engine_finder()
    assert found is not None, "piccolo_conf.py not found: run from the project root"
    return found


def engine_label() -> str:
    """SQLite or PostgreSQL, for the report."""
    return "SQLite" if is_sqlite(engine()) else "PostgreSQL"


async def prepare_schema(settings: Settings) -> None:
    """Drop and recreate PostgreSQL's public schema (a fresh SQLite file needs nothing), then migrate."""
    if settings.uses_postgres:
        check_disposable(str(settings.database_url))
        await Company.raw("DROP SCHEMA public CASCADE")
        await Company.raw("CREATE SCHEMA public")
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):  # Piccolo prints a banner per app and migration
            await migrate()
    except BaseException:
        print(chatter.getvalue())
        raise


async def reset_schema(settings: Settings) -> None:
    """`prepare_schema` on an emptied database, whatever the parts before left in it (SQLite: every table dropped)."""
    if not settings.uses_postgres:
        # Python's own sqlite3 connection has foreign keys off, so the tables drop in any order; WAL mode stays.
        with contextlib.closing(sqlite3.connect(settings.database_path)) as database:
            names = database.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            for (name,) in names.fetchall():
                database.execute(f'DROP TABLE "{name}"')
            database.commit()
            database.execute("VACUUM")
    await prepare_schema(settings)


def read_transaction() -> Any:
    """One connection held for a series of reads (deferred on SQLite, so it takes no write lock)."""
    if is_sqlite(engine()):
        return engine().transaction(transaction_type=TransactionType.deferred)
    return engine().transaction()


def _batches(rows: Sequence[CompanyRow], size: int) -> Iterator[Sequence[CompanyRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def insert_companies(rows: Sequence[CompanyRow], now: datetime) -> None:
    """Multi-row INSERTs of `BATCH` companies each, in one transaction."""
    async with engine().transaction():
        for batch in _batches(rows, BATCH):
            args: list[Any] = []
            for row in batch:
                args += [row.id, row.code, f"Company {row.code}", row.parent, row.unified, now, now]
            sql = f"INSERT INTO company ({_COMPANY_COLUMNS}) VALUES " + ", ".join([_ROW] * len(batch))  # noqa: S608
            await Company.raw(sql, *args)


async def insert_default_settings(now: datetime, first_id: int = 1) -> None:
    """The default Amazon settings row of every company from `first_id` on, in one INSERT … SELECT."""
    await Company.raw(_SETTINGS_FOR_ALL, False, "seller", "[]", False, False, False, now, first_id)


async def finish_load() -> None:
    """PostgreSQL: move the id sequence past the explicit ids and gather planner statistics (as autovacuum would)."""
    if is_sqlite(engine()):
        return
    await Company.raw("SELECT setval(pg_get_serial_sequence('company', 'id'), (SELECT MAX(id) FROM company))")
    await Company.raw("ANALYZE")


async def load(rows: Sequence[CompanyRow], now: datetime) -> None:
    """Companies, their settings rows, and the engine's follow-up."""
    await insert_companies(rows, now)
    await insert_default_settings(now)
    await finish_load()


@dataclass(frozen=True)
class ConnectionRow:
    """One `amazon_connection` row as it is inserted: an authorization and what its last check found."""

    company: int
    region: str
    selling_partner_id: str
    refresh_token: str
    authorized_at: datetime
    authorization_expires_at: datetime
    last_checked_at: datetime | None = None
    last_check_result: str | None = None
    last_error_code: str | None = None
    last_error_message: str | None = None
    error_streak: int = 0
    health_state: str | None = None


_CONNECTION_COLUMNS = (
    "company, region, selling_partner_id, refresh_token, authorized_at, authorization_expires_at, last_checked_at, "
    "last_check_result, last_error_code, last_error_message, error_streak, health_state, marketplaces_seen, "
    "created_at, updated_at"
)
_CONNECTION_ROW = "(" + ", ".join(["{}"] * 15) + ")"


async def insert_connection_rows(rows: Sequence[ConnectionRow], now: datetime) -> None:
    """Multi-row INSERTs of `BATCH` connections each, in one transaction."""
    async with engine().transaction():
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            args: list[Any] = []
            for r in chunk:
                args += [
                    r.company, r.region, r.selling_partner_id, r.refresh_token, r.authorized_at,
                    r.authorization_expires_at, r.last_checked_at, r.last_check_result, r.last_error_code,
                    r.last_error_message, r.error_streak, r.health_state, "[]", now, now,
                ]  # fmt: skip
            sql = (
                f"INSERT INTO amazon_connection ({_CONNECTION_COLUMNS}) VALUES "  # noqa: S608 (constants only)
                + ", ".join([_CONNECTION_ROW] * len(chunk))
            )
            await Company.raw(sql, *args)
