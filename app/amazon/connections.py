"""Selling Partner API connections of account owners: reading them for display and storing authorizations."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

import msgspec

from app.amazon.regions import REGIONS, Region
from app.amazon.schemas import Connection, RegionStatus, Source
from app.amazon.status import AUTHORIZATION_LIFETIME, days_left, derive_status
from app.amazon.tables import AmazonConnection
from app.audit.service import Actor, AuditService
from app.lib.clock import Clock
from app.lib.crypto import Keyring, SecretError
from app.lib.database import write_transaction
from app.secrets import connection_context

log = logging.getLogger(__name__)
# What became of a refresh's answer: cached (access token), rotated (a new refresh token stored with it), or
# superseded (a Save stored another authorization meanwhile, which stays).
RefreshStored = Literal["cached", "rotated", "superseded"]


def fingerprint(secret: str | None) -> str | None:
    """What a person may see of a secret: its last four characters."""
    if not secret:
        return None
    return f"…{secret[-4:]}"


class ConnectionService:
    """Reads and writes AmazonConnection rows; the owner is always resolved by the caller."""

    def __init__(self, clock: Clock, keyring: Keyring, audit: AuditService) -> None:
        self.clock = clock
        self.keyring = keyring
        self.audit = audit

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

    async def store_refresh(
        self,
        row: dict[str, Any],
        *,
        sent_refresh_token: str,
        returned_refresh_token: str | None,
        access_token: str,
        expires_at: datetime,
        actor: Actor,
    ) -> RefreshStored:
        """Keep what an LWA refresh of `row` returned: the access token (encrypted cache) and, should Amazon ever send
        back another refresh token than the one sent (FACTS §2), that one too, in the same UPDATE.

        Operational state: no version bump, the authorization dates stay (it is the same authorization). The UPDATE
        applies only while the row still holds the refresh token that was sent, so a Save that stored a new
        authorization meanwhile wins; a rotation is audited with fingerprints only.
        """
        company_id, region = row["company"], Region(row["region"])
        rotated = bool(returned_refresh_token) and returned_refresh_token != sent_refresh_token
        values: dict[Any, Any] = {
            AmazonConnection.access_token: self._seal("access_token", company_id, region, access_token),
            AmazonConnection.access_token_expires_at: expires_at,
            AmazonConnection.updated_at: self.clock.now(),
        }
        if not rotated:
            return "cached" if await self._update_if_unchanged(row, values, sent_refresh_token) else "superseded"
        values[AmazonConnection.refresh_token] = self._seal("refresh_token", company_id, region, returned_refresh_token)
        async with write_transaction(AmazonConnection._meta.db):
            if not await self._update_if_unchanged(row, values, sent_refresh_token):
                log.warning(
                    "LWA returned a new refresh token for connection %s, but a new authorization was saved meanwhile; "
                    "the saved one is kept",
                    row["id"],
                )
                return "superseded"
            await self.audit.record(
                actor,
                company_id,
                "connection.refresh_token_rotated",
                f"Amazon returned a new refresh token for {region}; it replaces the old one (same authorization, "
                "same dates)",
                {
                    "region": region.value,
                    "tokenFingerprint": fingerprint(returned_refresh_token),
                    "previousTokenFingerprint": fingerprint(sent_refresh_token),
                },
            )
        log.info("LWA returned a new refresh token for connection %s; stored", row["id"])
        return "rotated"

    async def _update_if_unchanged(self, row: dict[str, Any], values: dict[Any, Any], sent_refresh_token: str) -> bool:
        """UPDATE the row while it holds `sent_refresh_token`; False when another authorization replaced it."""
        ciphertext = row["refresh_token"]
        for _ in range(3):
            updated = (
                await AmazonConnection.update(values)
                .where((AmazonConnection.id == row["id"]) & (AmazonConnection.refresh_token == ciphertext))
                .returning(AmazonConnection.id)
            )
            if updated:
                return True
            # The ciphertext changed: a Save stored another authorization (it wins), or `rotate-keys` re-encrypted
            # the same token under a newer key (then the refresh still belongs to this row: try again with it).
            current = await AmazonConnection.select().where(AmazonConnection.id == row["id"]).first()
            try:
                same = current is not None and self.secret(current, "refresh_token") == sent_refresh_token
            except SecretError:
                same = False
            if current is None or not same:
                return False
            ciphertext = current["refresh_token"]
        return False

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
