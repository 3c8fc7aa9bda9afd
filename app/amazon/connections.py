"""Selling Partner API connections of account owners: reading them for display and storing authorizations."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

import msgspec

from app.amazon.regions import REGIONS, Region
from app.amazon.schemas import Connection, RegionStatus, Source, StatusFilter
from app.amazon.status import (
    AUTHORIZATION_LIFETIME,
    EXPIRING_WITHIN,
    NEEDS_ACTION,
    STATUS_GROUPS,
    CheckResult,
    ConnectionStatus,
    action_for,
    days_left,
    derive_status,
    status_sql,
)
from app.amazon.tables import AmazonConnection
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, subtree_condition
from app.lib.clock import Clock
from app.lib.crypto import Keyring, SecretError
from app.lib.database import write_transaction
from app.secrets import connection_context

log = logging.getLogger(__name__)
# Holds for every connection whose status may be other than active (its argument: now + EXPIRING_WITHIN). Written as
# the partial index amazon_connection_check_failed's condition, which the planners match literally.
NARROWING_SQL = (
    "(authorization_expires_at <= {} OR "
    "last_check_result IN ('reauthorization_required', 'wrong_region_or_role', 'error'))"
)
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

    async def statuses_for_owners(self, owners: Iterable[CompanyRef]) -> dict[int, list[RegionStatus]]:
        """Each owner's status per region, when it was last checked and what a person must do about it."""
        now = self.clock.now()
        codes = {owner.id: owner.code for owner in owners}
        by_owner = await self.rows_for_owners(codes)
        result: dict[int, list[RegionStatus]] = {}
        for owner, rows in by_owner.items():
            result[owner] = []
            for region in REGIONS:
                row = rows.get(region)
                status = derive_status(row, now)
                connected = status != ConnectionStatus.NOT_CONNECTED
                result[owner].append(
                    RegionStatus(
                        region=region,
                        status=status,
                        days_left=days_left((row or {}).get("authorization_expires_at"), now),
                        last_checked_at=(row or {}).get("last_checked_at"),
                        action=action_for(status, codes[owner], region.value) if connected else None,
                    )
                )
        return result

    def _matching(
        self, wanted: StatusFilter | None, region: Region | None, scope: list[int] | None
    ) -> tuple[str, list[Any]]:
        """WHERE conditions (and their arguments) on amazon_connection: connected, in `wanted`, `region`, `scope`."""
        now = self.clock.now()
        conditions = ["amazon_connection.refresh_token IS NOT NULL"]
        args: list[Any] = []
        if wanted is not None:
            statuses = [s.value for s in STATUS_GROUPS[wanted]] if wanted in STATUS_GROUPS else [wanted]
            if ConnectionStatus.ACTIVE.value not in statuses:
                # Only the few rows that can be in another status than active are given the CASE (through the index
                # on authorization_expires_at and the partial index amazon_connection_check_failed).
                conditions.append(NARROWING_SQL)
                args.append(now + EXPIRING_WITHIN)
            conditions.append(f"{status_sql()} IN ({', '.join(['{}'] * len(statuses))})")
            args += [now, now + EXPIRING_WITHIN, *statuses]
        if region is not None:
            conditions.append("amazon_connection.region = {}")
            args.append(region.value)
        if scope is not None:
            sql, scope_args = subtree_condition(scope, column="amazon_connection.company")
            conditions.append(sql)
            args += scope_args
        return " AND ".join(conditions), args

    def status_condition(self, wanted: StatusFilter | None, region: Region | None) -> tuple[str, list[Any]] | None:
        """A WHERE condition on `company` keeping the account owners with a connection in `wanted` (and `region`)."""
        if wanted is None and region is None:
            return None
        where, args = self._matching(wanted, region, None)
        # Only constant SQL and "{}" placeholders are joined; every value travels as a parameter.
        return f"company.id IN (SELECT amazon_connection.company FROM amazon_connection WHERE {where})", args  # noqa: S608

    async def status_counts(self, scope: list[int] | None, region: Region | None) -> dict[str, int]:
        """How many connections are in each status (every status named, zeros included), and how many need action."""
        now = self.clock.now()
        where, args = self._matching(None, region, scope)
        # The CASE only for the rows that can be in another status than active; the others are counted as active.
        rows = await AmazonConnection.raw(
            f"SELECT {status_sql()} AS status, COUNT(*) AS n FROM amazon_connection "  # noqa: S608 (no input inside)
            f"WHERE {where} AND {NARROWING_SQL} GROUP BY 1",
            now,
            now + EXPIRING_WITHIN,
            *args,
            now + EXPIRING_WITHIN,
        )
        total = await AmazonConnection.raw(
            f"SELECT COUNT(*) AS n FROM amazon_connection WHERE {where}",  # noqa: S608 (no input inside)
            *args,
        )
        counts = {status.value: 0 for status in ConnectionStatus if status != ConnectionStatus.NOT_CONNECTED}
        counts.update({row["status"]: int(row["n"]) for row in rows})
        counts[ConnectionStatus.ACTIVE.value] += int(total[0]["n"]) - sum(int(row["n"]) for row in rows)
        counts["needs_action"] = sum(counts[s.value] for s in NEEDS_ACTION)
        return counts

    async def matching(
        self, scope: list[int] | None, wanted: StatusFilter | None, region: Region | None
    ) -> list[dict[str, Any]]:
        """The connections (company, region, the company's code) in `wanted`, `region` and `scope`, by code."""
        where, args = self._matching(wanted, region, scope)
        rows: list[dict[str, Any]] = await AmazonConnection.raw(
            "SELECT amazon_connection.company AS company, amazon_connection.region AS region, company.code AS code "  # noqa: S608
            f"FROM amazon_connection JOIN company ON company.id = amazon_connection.company WHERE {where} "
            "ORDER BY company.code, amazon_connection.region",
            *args,
        )
        return rows

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
        tested: tuple[datetime, str, list[str]] | None = None,
    ) -> None:
        """Make the owner's connection in `region` active with a new authorization; the year starts now.

        `tested`: when the new token was tried right after Amazon's redirect, what it found ("ok" or "refused") and
        the marketplaces Amazon listed: the connection's last check from the start.
        """
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
            AmazonConnection.error_streak: 0,
            AmazonConnection.updated_at: self.clock.now(),
        }
        if tested is not None and tested[1] in ("ok", "refused"):
            values[AmazonConnection.last_checked_at] = tested[0]
            if tested[1] == "ok":
                values[AmazonConnection.last_check_result] = CheckResult.OK.value
                values[AmazonConnection.marketplaces_seen] = msgspec.json.encode(tested[2]).decode()
            else:
                values[AmazonConnection.last_check_result] = CheckResult.WRONG_REGION_OR_ROLE.value
                values[AmazonConnection.last_error_code] = "wrong_region_or_role"
                values[AmazonConnection.last_error_message] = (
                    f"Amazon refused the new token in {region} right after the consent (saved after confirmation)."
                )
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
