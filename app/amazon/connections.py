"""Selling Partner API connections of account owners: reading them for display and storing authorizations."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from app.amazon.regions import REGIONS, Region
from app.amazon.schemas import Connection, RegionStatus, Source
from app.amazon.status import AUTHORIZATION_LIFETIME, days_left, derive_status
from app.amazon.tables import AmazonConnection
from app.lib.clock import Clock
from app.lib.crypto import Keyring, SecretError
from app.secrets import connection_context

log = logging.getLogger(__name__)


def fingerprint(secret: str | None) -> str | None:
    """What a person may see of a secret: its last four characters."""
    if not secret:
        return None
    return f"…{secret[-4:]}"


class ConnectionService:
    """Reads and writes AmazonConnection rows; the owner is always resolved by the caller."""

    def __init__(self, clock: Clock, keyring: Keyring) -> None:
        self.clock = clock
        self.keyring = keyring

    def secret(self, row: dict[str, Any], column: str) -> str | None:
        """A connection's refresh or access token in clear, for the code that must send it to Amazon."""
        value = row.get(column)
        if not value:
            return None
        return self.keyring.decrypt(value, connection_context(column, row["company"], row["region"]))

    def _fingerprint(self, row: dict[str, Any]) -> str | None:
        try:
            return fingerprint(self.secret(row, "refresh_token"))
        except SecretError:
            log.error("refresh token of connection %s cannot be decrypted", row["id"])
            return "unreadable"

    def _seal(self, column: str, company_id: int, region: Region, value: str | None) -> str | None:
        if value is None:
            return None
        return self.keyring.encrypt(value, connection_context(column, company_id, region.value))

    async def rows_for_owners(self, owner_ids: Iterable[int]) -> dict[int, dict[Region, dict[str, Any]]]:
        ids = sorted(set(owner_ids))
        result: dict[int, dict[Region, dict[str, Any]]] = {owner: {} for owner in ids}
        if not ids:
            return result
        rows = await AmazonConnection.select().where(AmazonConnection.company.is_in(ids))
        for row in rows:
            result[row["company"]][Region(row["region"])] = row
        return result

    async def statuses_for_owners(self, owner_ids: Iterable[int]) -> dict[int, list[RegionStatus]]:
        now = self.clock.now()
        by_owner = await self.rows_for_owners(owner_ids)
        return {
            owner: [
                RegionStatus(
                    region=region,
                    status=derive_status(rows.get(region), now),
                    days_left=days_left((rows.get(region) or {}).get("authorization_expires_at"), now),
                )
                for region in REGIONS
            ]
            for owner, rows in by_owner.items()
        }

    def view(self, region: Region, row: dict[str, Any] | None, source: Source) -> Connection:
        now = self.clock.now()
        status = derive_status(row, now)
        if row is None or not row.get("refresh_token"):
            return Connection(region=region, status=status, source=source)
        return Connection(
            region=region,
            status=status,
            source=source,
            selling_partner_id=row["selling_partner_id"],
            token_fingerprint=self._fingerprint(row),
            authorized_at=row["authorized_at"],
            authorization_expires_at=row["authorization_expires_at"],
            days_left=days_left(row["authorization_expires_at"], now),
            access_token_expires_at=row["access_token_expires_at"],
            last_checked_at=row["last_checked_at"],
            last_error_code=row["last_error_code"],
            last_error_message=row["last_error_message"],
            marketplaces_seen=msgspec.json.decode(row["marketplaces_seen"] or "[]", type=list[str]),
        )

    async def store_authorization(
        self,
        owner_id: int,
        region: Region,
        *,
        selling_partner_id: str,
        refresh_token: str,
        authorized_at: datetime,
        access_token: str | None = None,
        access_token_expires_at: datetime | None = None,
    ) -> None:
        """Make the owner's connection in `region` active with a new authorization; the year starts now."""
        values: dict[Any, Any] = {
            AmazonConnection.selling_partner_id: selling_partner_id,
            AmazonConnection.refresh_token: self._seal("refresh_token", owner_id, region, refresh_token),
            AmazonConnection.authorized_at: authorized_at,
            AmazonConnection.authorization_expires_at: authorized_at + AUTHORIZATION_LIFETIME,
            AmazonConnection.access_token: self._seal("access_token", owner_id, region, access_token),
            AmazonConnection.access_token_expires_at: access_token_expires_at,
            AmazonConnection.last_check_result: None,
            AmazonConnection.last_error_code: None,
            AmazonConnection.last_error_message: None,
            AmazonConnection.updated_at: self.clock.now(),
        }
        updated = (
            await AmazonConnection.update(values)
            .where((AmazonConnection.company == owner_id) & (AmazonConnection.region == region.value))
            .returning(AmazonConnection.id)
        )
        if not updated:
            row = AmazonConnection(company=owner_id, region=region.value, created_at=self.clock.now())
            for column, value in values.items():
                setattr(row, column._meta.name, value)
            await row.save()

    async def cache_access_token(self, row: dict[str, Any], access_token: str, expires_at: datetime) -> None:
        """Keep a fresh access token (encrypted) for reuse; operational state, not a settings change."""
        await AmazonConnection.update(
            {
                AmazonConnection.access_token: self._seal(
                    "access_token", row["company"], Region(row["region"]), access_token
                ),
                AmazonConnection.access_token_expires_at: expires_at,
                AmazonConnection.updated_at: self.clock.now(),
            }
        ).where(AmazonConnection.id == row["id"])

    async def discard(self, company_id: int) -> list[Region]:
        """Delete a company's own connections (it became unified); returns the regions it had."""
        removed = (
            await AmazonConnection.delete()
            .where(AmazonConnection.company == company_id)
            .returning(AmazonConnection.region)
        )
        return sorted(Region(row["region"]) for row in removed)

    async def connected_regions(self, owner_id: int) -> set[Region]:
        rows = await AmazonConnection.select(AmazonConnection.region).where(
            (AmazonConnection.company == owner_id) & AmazonConnection.refresh_token.is_not_null()
        )
        return {Region(row["region"]) for row in rows}
