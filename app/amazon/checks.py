"""Refresh Selling Partner API Access Token: the connection test; it never replaces the stored refresh token."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from app.amazon.connections import ConnectionService
from app.amazon.credentials import AppCredentialsService
from app.amazon.lwa import LwaClient
from app.amazon.regions import MARKETPLACES, Region
from app.amazon.settings import SettingsService, decode_marketplaces
from app.amazon.spapi import SpApiClient
from app.amazon.status import CheckResult
from app.amazon.tables import AmazonConnection
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.lib.clock import Clock
from app.lib.crypto import SecretError
from app.lib.errors import AmazonRefused, AmazonUnavailable, NotFound, RuleViolation, SpApiDenied
from app.lib.wire import Struct

log = logging.getLogger(__name__)
Verdict = Literal[
    "ok",
    "reauthorization_required",
    "token_unreadable",
    "app_credentials_invalid",
    "wrong_region_or_role",
    "amazon_unavailable",
]


class ConnectionTest(Struct):
    """The verdict of a connection test, in plain words, with the action to take."""

    verdict: Verdict
    message: str
    action: str | None
    checked_at: datetime
    region: Region
    ran_on: CompanyRef
    ran_on_owner: bool
    access_token_expires_at: datetime | None = None
    marketplaces_seen: list[str] = []
    warnings: list[str] = []


def _advice(verdict: Verdict, region: Region, owner: CompanyRef, detail: str) -> tuple[str, str | None]:
    return {
        "ok": (f"Connected: Amazon answered for {owner.code} in {region}.", None),
        "reauthorization_required": (
            "Amazon says the authorization was revoked or has expired.",
            f"An admin must open {owner.code}, click Edit, use Get Selling Partner API token for {region}, and Save.",
        ),
        "token_unreadable": (
            "The stored token cannot be read: it was damaged, or copied from another connection. Nothing was sent "
            "to Amazon.",
            f"An admin must open {owner.code}, click Edit, use Get Selling Partner API token for {region}, and Save.",
        ),
        "app_credentials_invalid": (
            f"Amazon refused the app's credentials: {detail}",
            "An admin must fix the app credentials (the LWA client ID or secret; the secret may have expired).",
        ),
        "wrong_region_or_role": (
            "Amazon refused the call even with a fresh access token: the seller account is probably in another "
            "region, or the app lacks the role for this call.",
            f"Get the token again for {region}, logging in to the right account in Seller Central for {region}.",
        ),
        "amazon_unavailable": (f"Amazon did not answer properly: {detail}", "Try again in a few minutes."),
    }[verdict]


class ConnectionChecker:
    def __init__(
        self,
        clock: Clock,
        hierarchy: HierarchyService,
        settings: SettingsService,
        connections: ConnectionService,
        credentials: AppCredentialsService,
        lwa: LwaClient,
        spapi: SpApiClient,
        audit: AuditService,
        environment: str,
    ) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.settings = settings
        self.connections = connections
        self.credentials = credentials
        self.lwa = lwa
        self.spapi = spapi
        self.audit = audit
        self.environment = environment

    async def check(self, company_id: int, region: Region, actor: Actor) -> ConnectionTest:
        """Refresh the access token and make one cheap SP-API call in the region, on the company's account owner."""
        owner = await self.hierarchy.account_owner(company_id)
        if owner is None:
            raise NotFound(f"Company {company_id} does not exist.")
        row = (await self.connections.rows_for_owners([owner.id]))[owner.id].get(region)
        if row is None or not row.get("refresh_token"):
            raise RuleViolation(
                f"{owner.code} has no Selling Partner API connection for {region}: get a token first.",
                code="not_connected",
            )
        settings = await self.settings.rows([company_id, owner.id])
        account_type = settings[owner.id]["account_type"]
        configured = [
            m
            for m in decode_marketplaces(settings[company_id]["marketplace_ids"])
            if m in MARKETPLACES and MARKETPLACES[m].region == region
        ]
        verdict, detail, seen, token_expiry = await self._run(row, region, account_type)
        result = await self._record(row, verdict, detail, seen, token_expiry)
        message, action = _advice(verdict, region, owner, detail)
        warnings = [
            f"{MARKETPLACES[m].name} ({m}) is configured but Amazon did not list it for this account: wrong region "
            "or wrong account?"
            for m in configured
            if verdict == "ok" and m not in seen
        ]
        test = ConnectionTest(
            verdict=verdict,
            message=message,
            action=action,
            checked_at=result,
            region=region,
            ran_on=owner,
            ran_on_owner=owner.id != company_id,
            access_token_expires_at=token_expiry,
            marketplaces_seen=seen,
            warnings=warnings,
        )
        summary = f"Connection {region} tested: {verdict}" + (
            f" (ran on {owner.code})" if owner.id != company_id else ""
        )
        await self.audit.record(
            actor,
            company_id,
            "connection.tested",
            summary,
            {"region": region.value, "verdict": verdict, "ranOn": owner.code},
        )
        return test

    async def _run(
        self, row: dict[str, Any], region: Region, account_type: str
    ) -> tuple[Verdict, str, list[str], datetime | None]:
        try:
            refresh_token = self.connections.secret(row, "refresh_token") or ""
        except SecretError:
            log.error("refresh token of connection %s cannot be decrypted", row["id"])
            return "token_unreadable", "The stored refresh token cannot be decrypted.", [], None
        try:
            creds = await self.credentials.required(account_type, self.environment)
            grant = await self.lwa.refresh(self.credentials.client(creds), refresh_token)
        except RuleViolation as missing:
            return "app_credentials_invalid", missing.message, [], None
        except AmazonRefused as refused:
            verdict: Verdict = (
                "reauthorization_required" if refused.lwa_error == "invalid_grant" else "app_credentials_invalid"
            )
            return verdict, refused.message, [], None
        except AmazonUnavailable as failure:
            return "amazon_unavailable", failure.message, [], None
        if grant.refresh_token and grant.refresh_token != refresh_token:
            # The test never replaces the stored token (Save does); note it for the operator.
            log.warning("LWA returned a different refresh token for connection %s; the stored one is kept", row["id"])
        expiry = self.clock.now() + timedelta(seconds=grant.expires_in)
        await self.connections.cache_access_token(row, grant.access_token, expiry)
        try:
            if account_type == "vendor":
                await self.spapi.purchase_orders(region, grant.access_token, limit=1)
                seen: list[str] = []
            else:
                participations = await self.spapi.marketplace_participations(region, grant.access_token)
                seen = sorted(p.marketplace.id for p in participations if p.participation.is_participating)
        except SpApiDenied as denied:
            return "wrong_region_or_role", denied.message, [], expiry
        except AmazonUnavailable as failure:
            return "amazon_unavailable", failure.message, [], expiry
        return "ok", "", seen, expiry

    async def _record(
        self, row: dict[str, Any], verdict: Verdict, detail: str, seen: list[str], token_expiry: datetime | None
    ) -> datetime:
        """Operational state only: status, last check, marketplaces seen. No version bump, no new refresh token."""
        now = self.clock.now()
        result = {
            "ok": CheckResult.OK,
            "reauthorization_required": CheckResult.REAUTHORIZATION_REQUIRED,
            # Only a new token helps: the status says re-authorization required, the error code says why.
            "token_unreadable": CheckResult.REAUTHORIZATION_REQUIRED,
        }.get(verdict, CheckResult.ERROR)
        values: dict[Any, Any] = {
            AmazonConnection.last_checked_at: now,
            AmazonConnection.last_check_result: result.value,
            AmazonConnection.last_error_code: None if verdict == "ok" else verdict,
            AmazonConnection.last_error_message: None if verdict == "ok" else detail[:1000],
        }
        if verdict == "ok":
            values[AmazonConnection.marketplaces_seen] = msgspec.json.encode(seen).decode()
        await AmazonConnection.update(values).where(AmazonConnection.id == row["id"])
        return now
