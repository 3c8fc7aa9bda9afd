"""A new token tried once, right after Amazon's redirect, and what that says in plain words: the right account and
region, or a login to the wrong one, caught before Save."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Literal

import msgspec

from app.amazon.regions import MARKETPLACES, AccountType, Region
from app.amazon.schemas import GrantVerdict
from app.amazon.spapi import Partner, SpApiClient
from app.lib.clock import Clock
from app.lib.errors import AmazonUnavailable, SpApiDenied

log = logging.getLogger(__name__)

# The test runs inside Amazon's redirect, an HTTP request: it waits this long at most for a slot of the seller's
# quota, and gives up after this long in all. Either way the token is kept, untested.
MAX_QUOTA_WAIT_SECONDS = 2.0
MAX_TEST_SECONDS = 10.0

GrantTestResult = Literal["ok", "refused", "untested"]


class GrantTest(msgspec.Struct, frozen=True):
    """What the one SP-API call with the new access token found; stored with the token waiting in the draft."""

    result: GrantTestResult
    tested_at: datetime
    marketplaces_seen: tuple[str, ...] = ()


class GrantTester:
    """One cheap SP-API call (FACTS §4) with the access token the code exchange returned, through the shared
    throttle: sellers getMarketplaceParticipations, vendors getPurchaseOrders (limit 1)."""

    def __init__(self, clock: Clock, spapi: SpApiClient) -> None:
        self.clock = clock
        self.spapi = spapi

    async def test(
        self, region: Region, account_type: AccountType, access_token: str | None, partner: Partner
    ) -> GrantTest:
        """Never raises: whatever goes wrong on Amazon's side (or ours) gives `untested`, never a failed callback."""
        if not access_token:
            return self._result("untested")
        try:
            async with asyncio.timeout(MAX_TEST_SECONDS):
                seen = await self._call(region, account_type, access_token, partner)
        except SpApiDenied as denied:
            # A fresh token refused: the account is of another region, or the app lacks the role (FACTS §4).
            return self._result("untested" if denied.expired else "refused")
        except (AmazonUnavailable, TimeoutError) as failure:
            log.info("new %s token could not be tested: %s", region, getattr(failure, "message", "timed out"))
            return self._result("untested")
        except Exception:
            # The verdict is advice: a bug here must not cost the user the token Amazon just gave.
            log.exception("testing a new %s token failed unexpectedly", region)
            return self._result("untested")
        return self._result("ok", seen)

    async def _call(self, region: Region, account_type: AccountType, access_token: str, partner: Partner) -> list[str]:
        if account_type == "vendor":
            await self.spapi.purchase_orders(
                region, access_token, limit=1, partner=partner, max_wait=MAX_QUOTA_WAIT_SECONDS
            )
            return []
        participations = await self.spapi.marketplace_participations(
            region, access_token, partner, max_wait=MAX_QUOTA_WAIT_SECONDS
        )
        return sorted(p.marketplace.id for p in participations if p.participation.is_participating)

    def _result(self, result: GrantTestResult, seen: list[str] | None = None) -> GrantTest:
        return GrantTest(result=result, tested_at=self.clock.now(), marketplaces_seen=tuple(seen or ()))


def describe(
    result: str | None,
    seen: list[str],
    tested_at: datetime | None,
    *,
    region: Region,
    account_type: AccountType,
    company_code: str,
    marketplace_ids: list[str],
) -> GrantVerdict | None:
    """The verdict on a waiting token, against the marketplaces Save would store (None: it was never tested).

    A refusal, or a seller account that lists none of the company's marketplaces of the region, needs an explicit
    confirmation on Save; a token Amazon could not test is saved untested.
    """
    central = "Vendor Central" if account_type == "vendor" else "Seller Central"
    configured = [m for m in marketplace_ids if m in MARKETPLACES and MARKETPLACES[m].region == region]
    if result == "refused":
        return GrantVerdict(
            kind="wrong_region_or_role",
            message=f"Amazon refused this token in {region}: the account you logged in to is probably in another "
            f"region, or the app lacks the role. Get the token again, logging in to {central} for {region}.",
            needs_confirmation=True,
            tested_at=tested_at,
        )
    if result == "untested":
        return GrantVerdict(
            kind="untested",
            message="This token could not be tested now (Amazon did not answer, or allows no call for this seller "
            "just now); Save stores it untested.",
            needs_confirmation=False,
            tested_at=tested_at,
        )
    if result != "ok":
        return None
    if account_type == "seller" and configured and not set(configured) & set(seen):
        return GrantVerdict(
            kind="marketplaces_not_listed",
            message=f"Amazon lists none of {_names(configured)} for this account: wrong account? Get the token "
            f"again, logging in to the {central} account that sells there.",
            needs_confirmation=True,
            tested_at=tested_at,
            marketplaces_seen=seen,
        )
    listed = [m for m in seen if m not in MARKETPLACES or MARKETPLACES[m].region == region]
    return GrantVerdict(
        kind="ok",
        message=f"Amazon answered for {company_code} in {region}" + (f": {_names(listed)}." if listed else "."),
        needs_confirmation=False,
        tested_at=tested_at,
        marketplaces_seen=seen,
    )


def _names(marketplace_ids: list[str]) -> str:
    return ", ".join(MARKETPLACES[m].name if m in MARKETPLACES else m for m in marketplace_ids)
