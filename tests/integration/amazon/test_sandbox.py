"""AMAZON_ENVIRONMENT=sandbox: the connection tests send what Amazon's static sandbox matches, over real HTTP."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from app.amazon.spapi import SANDBOX_PURCHASE_ORDERS
from app.amazon.tables import AmazonConnection
from app.amazon_sim.contract import model_document
from app.config import load_settings
from app.lib.clock import MovableClock
from app.main import create_app
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator, install_app_credentials
from tests.fixtures import PASSWORD, Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token

SANDBOX_NA = "sandbox.sellingpartnerapi-na.amazon.com"
PURCHASE_ORDERS = "/vendor/orders/v1/purchaseOrders"


@pytest.fixture(scope="module")
async def sandbox_app(app: Litestar, clock: MovableClock) -> AsyncIterator[Litestar]:
    """A second ERP in the same database, configured for Amazon's sandbox, as a sandbox deployment runs."""
    application = create_app(load_settings({**os.environ, "AMAZON_ENVIRONMENT": "sandbox"}), clock)
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold_lifespan())
    await started.wait()
    yield application
    stop.set()
    await task


@pytest.fixture
async def sandbox(sandbox_app: Litestar, admin: Browser, amazon: AmazonSimulator) -> AsyncIterator[Browser]:
    """Ada signed in to the sandbox ERP, whose sandbox app credentials name the simulator's apps."""
    services: Services = sandbox_app.state.services
    assert services.config.amazon_environment == "sandbox"
    await install_app_credentials(services, services.config.public_url)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox_app), base_url="http://testserver.local"
    ) as client:
        signed_in = await client.post("/api/auth/login", json={"username": "ada", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        client.headers["X-CSRF-Token"] = signed_in.json()["csrfToken"]
        yield client


async def _connection_test(client: Browser, company_id: int) -> dict[str, Any]:
    response = await client.post(f"/api/companies/{company_id}/amazon/regions/NA/refresh")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _connected_vendor(admin: Browser, amazon: AmazonSimulator) -> int:
    """A vendor account owner connected for NA through the real flow (in the production-configured ERP)."""
    vendor: int = (await create_company(admin, "VEN-01"))["id"]
    draft = await get_token(admin, amazon, vendor, "NA", "V1SIMNAVENDOR1", accountType="vendor")
    assert (await save(admin, draft)).status_code == 200
    return vendor


async def _sandbox_calls(amazon: AmazonSimulator) -> list[dict[str, Any]]:
    return [r for r in await amazon.requests() if r["host"] == SANDBOX_NA]


async def test_a_sellers_sandbox_connection_test_passes_with_the_static_answer(
    sandbox: Browser, admin: Browser, amazon: AmazonSimulator
) -> None:
    us = (await create_company(admin, "US-01"))["id"]
    assert (await save(admin, await get_token(admin, amazon, us, "NA", "A1SIMNASELLER1"))).status_code == 200

    result = await _connection_test(sandbox, us)
    calls = await _sandbox_calls(amazon)

    assert result["verdict"] == "ok", result
    assert result["marketplacesSeen"] == ["ATVPDKIKX0DER"]  # the example's BestSellerStore, not the seller's three
    assert [(c["path"], c["query"], c["status"]) for c in calls] == [("/sellers/v1/marketplaceParticipations", {}, 200)]


async def test_a_vendors_sandbox_connection_test_sends_the_models_example_and_passes(
    sandbox: Browser, admin: Browser, amazon: AmazonSimulator
) -> None:
    vendor = await _connected_vendor(admin, amazon)

    result = await _connection_test(sandbox, vendor)
    calls = await _sandbox_calls(amazon)

    assert result["verdict"] == "ok", result
    assert [(c["path"], c["status"]) for c in calls] == [(PURCHASE_ORDERS, 200)]
    assert calls[0]["query"] == {name: [value] for name, value in SANDBOX_PURCHASE_ORDERS.items()}


async def test_limit_one_alone_matches_no_sandbox_example_and_gets_400(
    sandbox: Browser, admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    vendor = await _connected_vendor(admin, amazon)
    row = await AmazonConnection.select().where(AmazonConnection.company == vendor).first()
    assert row is not None
    token = {"x-amz-access-token": services.connections.secret(row, "access_token") or ""}

    old_call = await amazon.http.get(f"/sp/{SANDBOX_NA}{PURCHASE_ORDERS}", params={"limit": "1"}, headers=token)
    production = await amazon.http.get(
        f"/sp/{SANDBOX_NA.removeprefix('sandbox.')}{PURCHASE_ORDERS}", params={"limit": "1"}, headers=token
    )

    assert old_call.status_code == 400
    assert old_call.json() == {
        "errors": [{"code": "InvalidInput", "message": "Could not match input arguments", "details": ""}]
    }
    assert production.status_code == 200  # production takes it: only the sandbox is this picky


def test_the_vendor_tests_sandbox_parameters_are_one_of_amazons_examples() -> None:
    responses = model_document("vendorOrders.json")["paths"][PURCHASE_ORDERS]["get"]["responses"]
    examples = [
        {name: str(value["value"]) for name, value in example["request"]["parameters"].items()}
        for example in responses["200"]["x-amzn-api-sandbox"]["static"]
    ]

    assert SANDBOX_PURCHASE_ORDERS in examples
