"""Refresh Selling Partner API Access Token: the connection test, which never replaces the authorization."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.amazon.connections import ConnectionService
from app.amazon.credentials import AppCredentialsService
from app.amazon.health import ConnectionHealth
from app.amazon.lwa import LwaClient
from app.amazon.regions import MARKETPLACES, Region
from app.amazon.schemas import ConnectionTest, LastCheck, Verdict
from app.amazon.settings import SettingsService, decode_marketplaces
from app.amazon.spapi import Partner, SpApiClient
from app.amazon.status import CheckResult
from app.amazon.throttle import QuotaWaitTooLong, SharedThrottle
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.lib.clock import Clock
from app.lib.crypto import SecretError
from app.lib.errors import AmazonRefused, AmazonUnavailable, NotFound, RuleViolation, SpApiDenied

log = logging.getLogger(__name__)
__all__ = ["ConnectionChecker", "ConnectionTest"]

# A test answers an HTTP request: it waits this long at most for a slot of Amazon's quota, then says when to come back.
TEST_MAX_WAIT_SECONDS = 2.0


@dataclass
class _Outcome:
    verdict: Verdict
    detail: str = ""
    seen: list[str] = field(default_factory=list)
    token_expiry: datetime | None = None
    next_test_in: float | None = None  # quota_exhausted: seconds until the quota allows the next test
    retry_after: float | None = None  # amazon_unavailable: the seconds Amazon asked to wait (its Retry-After)


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
        "quota_exhausted": ("Amazon's quota for this seller allows no test now.", "Test again in a minute."),
    }[verdict]


def _quota_advice(rate: float, account_type: str, next_at: datetime, seconds: int) -> tuple[str, str]:
    """What to tell when Amazon's quota (`rate` requests per second, as documented) allows no test now."""
    if rate * 60 < 1.5:
        pace = "about one test a minute"
    elif rate < 1:
        pace = f"about {round(rate * 60)} tests a minute"
    else:
        pace = f"about {round(rate)} calls a second, shared with the order import,"
    at = f"{next_at.astimezone(UTC):%H:%M:%S} UTC"
    return (
        f"Amazon allows {pace} for this {account_type}; the next can run at {at} (in {seconds} s).",
        f"Nothing to fix: test again after {at}. The connection's status is unchanged.",
    )


def _last_check(row: dict[str, Any]) -> LastCheck | None:
    if row.get("last_checked_at") is None or row.get("last_check_result") is None:
        return None
    return LastCheck(
        checked_at=row["last_checked_at"],
        result=CheckResult(row["last_check_result"]),
        error_code=row.get("last_error_code"),
        error_message=row.get("last_error_message"),
    )


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
        health: ConnectionHealth,
        throttle: SharedThrottle | None = None,
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
        self.health = health
        self.throttle = throttle  # the SP-API client's: the test spends the same per-seller quota as the workers

    async def check(
        self,
        company_id: int,
        region: Region,
        actor: Actor,
        *,
        max_wait: float = TEST_MAX_WAIT_SECONDS,
        audited: bool = True,
    ) -> ConnectionTest:
        """Refresh the access token and make one cheap SP-API call in the region, on the company's account owner.

        `max_wait`: how long to wait for a slot of the seller's quota (a person waits for Refresh; a bulk run can
        wait longer). `audited`: a bulk run is audited as one run, not once per connection.
        """
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
        outcome = await self._run(row, region, account_type, actor, max_wait)
        verdict, seen = outcome.verdict, outcome.seen
        next_test_at, last_result = None, None
        action: str | None
        if outcome.next_test_in is not None:
            # The test did not run: nothing was learnt about the connection, so its status and last check stay.
            checked_at = self.clock.now()
            seconds = max(1, math.ceil(outcome.next_test_in))
            next_test_at = checked_at + timedelta(seconds=seconds)
            last_result = _last_check(row)
            rate = self.throttle.documented(_operation(account_type)).rate if self.throttle else 1.0
            message, action = _quota_advice(rate, account_type, next_test_at, seconds)
        else:
            checked_at = await self._record(row, verdict, outcome.detail, seen)
            message, action = _advice(verdict, region, owner, outcome.detail)
            if outcome.retry_after:  # Amazon said when to ask again: the next test waits for it
                next_test_at = checked_at + timedelta(seconds=math.ceil(outcome.retry_after))
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
            checked_at=checked_at,
            region=region,
            ran_on=owner,
            ran_on_owner=owner.id != company_id,
            access_token_expires_at=outcome.token_expiry,
            marketplaces_seen=seen,
            warnings=warnings,
            next_test_at=next_test_at,
            last_result=last_result,
        )
        summary = f"Connection {region} tested: {verdict}" + (
            f" (ran on {owner.code})" if owner.id != company_id else ""
        )
        if not audited:
            return test
        await self.audit.record(
            actor,
            company_id,
            "connection.tested",
            summary,
            {"region": region.value, "verdict": verdict, "ranOn": owner.code},
        )
        return test

    async def _run(
        self, row: dict[str, Any], region: Region, account_type: str, actor: Actor, max_wait: float
    ) -> _Outcome:
        try:
            refresh_token = self.connections.secret(row, "refresh_token") or ""
        except SecretError:
            log.error("refresh token of connection %s cannot be decrypted", row["id"])
            return _Outcome("token_unreadable", "The stored refresh token cannot be decrypted.")
        try:
            creds = await self.credentials.required(account_type, self.environment)
        except RuleViolation as missing:
            return _Outcome("app_credentials_invalid", missing.message)
        partner = Partner(app_id=creds["application_id"], selling_partner_id=row["selling_partner_id"])
        operation = _operation(account_type)
        if self.throttle is not None:
            wait = await self.throttle.next_slot_in(partner.app_id, partner.selling_partner_id, operation)
            if wait > max_wait:
                # The SP-API call could not be made: nothing is sent to Amazon, not even the refresh at LWA.
                return _Outcome("quota_exhausted", next_test_in=wait)
        try:
            grant = await self.lwa.refresh(self.credentials.client(creds), refresh_token)
        except AmazonRefused as refused:
            if refused.lwa_error == "invalid_grant" and (newer := await self._replaced(row, region)) is not None:
                # A worker stored the refresh token Amazon rotated while ours was on its way: test with that one.
                return await self._run(newer, region, account_type, actor, max_wait)
            verdict: Verdict = (
                "reauthorization_required" if refused.lwa_error == "invalid_grant" else "app_credentials_invalid"
            )
            return _Outcome(verdict, refused.message)
        except AmazonUnavailable as failure:
            return _Outcome("amazon_unavailable", failure.message, retry_after=failure.retry_after)
        expiry = self.clock.now() + timedelta(seconds=grant.expires_in)
        # Should Amazon send back another refresh token than the one sent, the old one may be dead already: it is
        # stored with the access token (FACTS §2), unless a Save replaced the authorization meanwhile.
        await self.connections.store_refresh(
            row,
            sent_refresh_token=refresh_token,
            returned_refresh_token=grant.refresh_token,
            access_token=grant.access_token,
            expires_at=expiry,
            actor=actor,
        )
        try:
            if account_type == "vendor":
                await self.spapi.purchase_orders(
                    region, grant.access_token, limit=1, partner=partner, max_wait=max_wait
                )
                seen: list[str] = []
            else:
                participations = await self.spapi.marketplace_participations(
                    region, grant.access_token, partner, max_wait=max_wait
                )
                seen = sorted(p.marketplace.id for p in participations if p.participation.is_participating)
        except SpApiDenied as denied:
            return _Outcome("wrong_region_or_role", denied.message, token_expiry=expiry)
        except QuotaWaitTooLong as later:  # another test or a worker took the last slot since the look above
            return _Outcome("quota_exhausted", token_expiry=expiry, next_test_in=later.retry_after)
        except AmazonUnavailable as failure:
            if failure.code == "amazon_throttled" and self.throttle is not None:
                # Amazon's own 429, retried and still there: it counted calls the shared bucket did not see (another
                # process's while Redis was away). The quota is spent, the connection is not at fault.
                wait = await self.throttle.drain(partner.app_id, partner.selling_partner_id, operation)
                return _Outcome("quota_exhausted", token_expiry=expiry, next_test_in=wait)
            return _Outcome("amazon_unavailable", failure.message, token_expiry=expiry, retry_after=failure.retry_after)
        return _Outcome("ok", seen=seen, token_expiry=expiry)

    async def _replaced(self, row: dict[str, Any], region: Region) -> dict[str, Any] | None:
        """The connection as stored now, if its refresh token is no longer the one `row` held."""
        current = (await self.connections.rows_for_owners([row["company"]]))[row["company"]].get(region)
        if current is None or not current.get("refresh_token") or current["refresh_token"] == row["refresh_token"]:
            return None
        return current

    async def _record(self, row: dict[str, Any], verdict: Verdict, detail: str, seen: list[str]) -> datetime:
        """Operational state only (status, last check, marketplaces seen; no version bump, the dates stay), and the
        people concerned told of a worse state or of its end (app.amazon.health)."""
        result = {
            "ok": CheckResult.OK,
            "reauthorization_required": CheckResult.REAUTHORIZATION_REQUIRED,
            # Only a new token helps: the status says re-authorization required, the error code says why.
            "token_unreadable": CheckResult.REAUTHORIZATION_REQUIRED,
            "wrong_region_or_role": CheckResult.WRONG_REGION_OR_ROLE,
        }.get(verdict, CheckResult.ERROR)
        return await self.health.learned(
            row["id"], result, code=verdict, message=detail, seen=seen if verdict == "ok" else None
        )


def _operation(account_type: str) -> str:
    """The one cheap SP-API call of the test (FACTS §4), whose quota the test spends."""
    return "getPurchaseOrders" if account_type == "vendor" else "getMarketplaceParticipations"
