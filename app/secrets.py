"""Which stored columns hold secrets, how each is bound to its row, and the checks and rotation over all of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from app.amazon.tables import AmazonConnection, IntegrationCredentials
from app.editing.tables import CredentialsEdit, PendingGrant
from app.lib.crypto import KEY_ID_LENGTH, KEY_ID_SQL_START, PREFIX, Keyring, SecretError

# What Keyring.encrypt stores, found anywhere in a value: a column (or a JSON field inside one) holding it holds a
# secret, and must be in SECRET_COLUMNS, or rotation would skip it and dropping the old key would lose it.
CIPHERTEXT = re.compile(rf"{re.escape(PREFIX)}[0-9a-f]{{{KEY_ID_LENGTH}}}:[A-Za-z0-9_-]+=*")


def connection_context(column: str, company_id: int, region: str) -> str:
    return f"amazon_connection.{column}:company={company_id}:region={region}"


def credentials_context(account_type: str, environment: str) -> str:
    return f"integration_credentials.lwa_client_secret:account_type={account_type}:environment={environment}"


def credentials_edit_context(edit_id: Any) -> str:
    return f"credentials_edit.client_secret:edit={edit_id}"


def grant_context(column: str, edit_id: Any, region: str) -> str:
    return f"pending_grant.{column}:edit={edit_id}:region={region}"


@dataclass(frozen=True)
class SecretColumn:
    table: type[Table]
    column: str
    context: Callable[[dict[str, Any]], str]

    @property
    def name(self) -> str:
        return f"{self.table._meta.tablename}.{self.column}"


# The registry of every column that holds a secret: start-up checks its keys and `erp-settings rotate-keys`
# re-encrypts it. tests/integration/test_key_rotation.py fills every table through the real flows and fails on
# ciphertext in a column that is not here (and on a column here that the flows leave empty).
SECRET_COLUMNS: tuple[SecretColumn, ...] = (
    SecretColumn(
        AmazonConnection, "refresh_token", lambda r: connection_context("refresh_token", r["company"], r["region"])
    ),
    SecretColumn(
        AmazonConnection, "access_token", lambda r: connection_context("access_token", r["company"], r["region"])
    ),
    SecretColumn(PendingGrant, "refresh_token", lambda r: grant_context("refresh_token", r["edit"], r["region"])),
    SecretColumn(PendingGrant, "access_token", lambda r: grant_context("access_token", r["edit"], r["region"])),
    SecretColumn(
        IntegrationCredentials,
        "lwa_client_secret",
        lambda r: credentials_context(r["account_type"], r["environment"]),
    ),
    SecretColumn(CredentialsEdit, "client_secret", lambda r: credentials_edit_context(r["id"])),
)


def secret_column(name: str) -> SecretColumn | None:
    """The registered column named `table.column`, or None."""
    return next((column for column in SECRET_COLUMNS if column.name == name), None)


async def stored_key_ids(column: SecretColumn) -> set[str]:
    table = column.table._meta.tablename
    rows: list[dict[str, Any]] = await column.table.raw(
        f"SELECT DISTINCT substr({column.column}, {KEY_ID_SQL_START}, {KEY_ID_LENGTH}) AS kid "  # noqa: S608
        f"FROM {table} WHERE {column.column} IS NOT NULL"
    )
    return {row["kid"] for row in rows}


async def verify_stored_keys(keyring: Keyring) -> None:
    """Refuse to run when any stored secret names a key that is not configured."""
    for column in SECRET_COLUMNS:
        missing = await stored_key_ids(column) - keyring.key_ids
        if missing:
            raise SecretError(
                f"{column.name} holds secrets encrypted with key(s) {', '.join(sorted(missing))}, which SECRET_KEYS "
                "does not contain: add the old key after the new one, start, and run `erp-settings rotate-keys`."
            )


async def count_to_rotate(keyring: Keyring) -> int:
    total = 0
    for column in SECRET_COLUMNS:
        total += await column.table.count().where(*_not_current(column, keyring))
    return total


def _not_current(column: SecretColumn, keyring: Keyring) -> list[Any]:
    col = column.table._meta.get_column_by_name(column.column)
    return [col.is_not_null(), col.not_like(f"enc1:{keyring.current_key_id}:%")]


async def rotate_keys(keyring: Keyring, on_progress: Callable[[int], None], batch_size: int = 200) -> int:
    """Re-encrypt every secret not yet under the current key; safe to stop and run again. Returns how many."""
    done = 0
    for column in SECRET_COLUMNS:
        table = column.table
        col = table._meta.get_column_by_name(column.column)
        pk = table._meta.primary_key
        while True:
            rows = await table.select().where(*_not_current(column, keyring)).limit(batch_size)
            if not rows:
                break
            for row in rows:
                old = row[column.column]
                new = keyring.encrypt(keyring.decrypt(old, column.context(row)), column.context(row))
                # Only if nobody changed the value meanwhile; a changed value is picked up by the next batch.
                await table.update({col: new}).where((pk == row[pk._meta.name]) & (col == old))
                done += 1
                on_progress(1)
    return done
