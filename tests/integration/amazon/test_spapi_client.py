"""The product's own SP-API and LWA calls, checked against Amazon's models and behaviour (through the simulator)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from app.amazon.regions import Region
from app.amazon.spapi import USER_AGENT, with_fresh_token
from app.amazon_sim.contract import validate_request
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token

OPERATIONS = {
    "/sellers/v1/marketplaceParticipations": ("sellers.json", "getMarketplaceParticipations"),
    "/vendor/orders/v1/purchaseOrders": ("vendorOrders.json", "getPurchaseOrders"),
    "/orders/v0/orders": ("ordersV0.json", "getOrders"),
}


def _spapi_calls(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in requests if any(r["path"].endswith(p) for p in OPERATIONS)]


async def _connected_owner(admin: Browser, amazon: AmazonSimulator, account_type: str = "seller") -> int:
    owner = await create_company(admin, "OWN-01")
    seller = "A1SIMNASELLER1" if account_type == "seller" else "V1SIMNAVENDOR1"
    draft = await get_token(admin, amazon, owner["id"], "NA", seller, accountType=account_type)
    assert (await save(admin, draft)).status_code == 200
    return int(owner["id"])


async def test_every_sp_api_request_the_product_sends_is_what_amazons_models_allow(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    seller = await _connected_owner(admin, amazon)
    await admin.post(f"/api/companies/{seller}/amazon/regions/NA/refresh")
    token = await services.tokens.access_token(seller, Region.NA)
    await services.spapi.orders(Region.NA, token, ["ATVPDKIKX0DER"], services.clock.now() - timedelta(days=1))
    vendor_company = await create_company(admin, "VEN-01")
    draft = await get_token(admin, amazon, vendor_company["id"], "NA", "V1SIMNAVENDOR1", accountType="vendor")
    await save(admin, draft)
    await admin.post(f"/api/companies/{vendor_company['id']}/amazon/regions/NA/refresh")

    calls = _spapi_calls(await amazon.requests(200))

    assert {next(p for p in OPERATIONS if c["path"].endswith(p)) for c in calls} == set(OPERATIONS)
    for call in calls:
        suffix = next(p for p in OPERATIONS if call["path"].endswith(p))
        model, operation = OPERATIONS[suffix]
        query = {k: v if isinstance(v, list) else [v] for k, v in (call["query"] or {}).items()}
        validate_request(model, operation, call["method"], suffix, query)
        assert call["accessTokenPresent"] is True
        assert call["userAgent"] == USER_AGENT
        assert re.fullmatch(r"ERPSettings/[\d.]+ \(Language=Python/3\.\d+\.\d+\)", call["userAgent"])


async def test_an_expired_access_token_is_refreshed_once_and_the_call_retried_once(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await _connected_owner(admin, amazon)
    stale = await services.tokens.access_token(owner, Region.NA)
    await amazon.advance(3601)  # Amazon's clock: the cached access token is now an hour old
    refreshes_before = (await amazon.counters())["lwa.refresh_token"]
    used: list[str] = []

    async def token(force: bool) -> str:
        return await services.tokens.access_token(owner, Region.NA, force=force)

    async def call(access_token: str) -> int:
        used.append(access_token)
        return len(await services.spapi.marketplace_participations(Region.NA, access_token))

    count = await with_fresh_token(token, call)

    assert count == 3
    assert used[0] == stale
    assert len(used) == 2
    assert used[1] != stale
    assert (await amazon.counters())["lwa.refresh_token"] == refreshes_before + 1
