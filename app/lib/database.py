"""The database engine (SQLite by default, PostgreSQL by URL) and the write-transaction rule."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from app.config import Settings


def build_engine(settings: Settings) -> Engine[Any]:
    """SQLite file under var/ unless DATABASE_URL names a PostgreSQL server."""
    if settings.database_url:
        if not settings.uses_postgres:
            raise SystemExit("configuration error: DATABASE_URL must be a postgresql:// URL")
        return PostgresEngine(config={"dsn": settings.database_url})
    path = settings.database_path
    path.parent.mkdir(parents=True, exist_ok=True)
    _enable_wal(str(path))
    return SQLiteEngine(path=str(path), timeout=settings.sqlite_busy_timeout_seconds)


def _enable_wal(path: str) -> None:
    # WAL is a property of the file: set once, every later connection (and process) uses it.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def is_sqlite(engine: Engine[Any]) -> bool:
    return isinstance(engine, SQLiteEngine)


def read_transaction(engine: Engine[Any]) -> Any:
    """Several reads on one connection (and one snapshot); cheaper than a connection per statement."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.deferred)
    return engine.transaction()


def write_transaction(engine: Engine[Any]) -> Any:
    """A transaction for read-then-write work; on SQLite it takes the write lock at BEGIN (IMMEDIATE)."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()
