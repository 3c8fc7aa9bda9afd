"""SP-API at /sp/{host}/…: access tokens, regions, roles, usage plans and faults, then the operation's answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.amazon_sim.catalog import MARKETPLACES, OPERATIONS, SANDBOX_BURST, SANDBOX_RATE, SP_API_HOSTS, Operation
from app.amazon_sim.contract import ContractViolation, model_document, validate_request
from app.amazon_sim.fake_orders import get_orders
from app.amazon_sim.fake_purchase_orders import get_purchase_orders
from app.amazon_sim.grants import AccessDenied, resolve_access_token
from app.amazon_sim.records import SellerAccount
from app.amazon_sim.responses import (
    ACCESS_DENIED,
    QUOTA_EXCEEDED,
    fault_response,
    sp_api_error,
    sp_api_response,
)
from app.amazon_sim.spapi_inputs import InvalidInput, Query
from app.amazon_sim.state import SimulatorState

Payload = Callable[[SellerAccount, Query, datetime], object]
NO_SANDBOX_MATCH = "Could not match input arguments"


class _Camel(msgspec.Struct, rename="camel"):
    pass


class MarketplaceInfo(_Camel):
    id: str
    name: str
    country_code: str
    default_currency_code: str
    default_language_code: str
    domain_name: str


class Participation(_Camel):
    is_participating: bool
    has_suspended_listings: bool


class MarketplaceParticipation(_Camel):
    marketplace: MarketplaceInfo
    participation: Participation
    store_name: str


class GetMarketplaceParticipationsResponse(msgspec.Struct):
    payload: list[MarketplaceParticipation]


def get_marketplace_participations(
    seller: SellerAccount, query: Query, now: datetime
) -> GetMarketplaceParticipationsResponse:
    """The marketplaces the seller takes part in: the truth about which region and account consented."""
    return GetMarketplaceParticipationsResponse(
        [
            MarketplaceParticipation(
                MarketplaceInfo(m.id, m.name, m.country_code, m.currency, m.language, m.domain),
                Participation(is_participating=True, has_suspended_listings=False),
                store_name=seller.name,
            )
            for m in (MARKETPLACES[mid] for mid in seller.marketplace_ids)
        ]
    )


class SpApiController(Controller):
    path = "/sp/{host:str}"

    @get(OPERATIONS["getMarketplaceParticipations"].path, operation_id="getMarketplaceParticipations")
    async def marketplace_participations(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[bytes]:
        """Sellers API v1: the seller's marketplaces."""
        return await serve(
            sim, request, host, OPERATIONS["getMarketplaceParticipations"], get_marketplace_participations
        )

    @get(OPERATIONS["getPurchaseOrders"].path, operation_id="getPurchaseOrders")
    async def purchase_orders(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[bytes]:
        """Vendor Orders API v1: the vendor's purchase orders."""
        return await serve(sim, request, host, OPERATIONS["getPurchaseOrders"], get_purchase_orders)

    @get(OPERATIONS["getOrders"].path, operation_id="getOrders")
    async def orders(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[bytes]:
        """Orders API v0: the seller's orders (how many, and how NextToken is read, as the admin API set)."""

        def orders_page(seller: SellerAccount, query: Query, now: datetime) -> object:
            return get_orders(seller, query, now, sim.orders)

        return await serve(sim, request, host, OPERATIONS["getOrders"], orders_page)


async def serve(
    sim: SimulatorState, request: Request[Any, Any, Any], host: str, operation: Operation, payload: Payload
) -> Response[bytes]:
    """Answer one SP-API call in Amazon's order: token, region and role, usage plan, then parameters."""
    api_host = SP_API_HOSTS.get(host)
    if api_host is None:
        return sp_api_error(404, "NotFound", f"{host} is not a Selling Partner API host.")
    sim.count(f"sp-api.{operation.name}")
    fault = sim.faults.take("sp-api", operation.name)
    if fault is not None and (answer := await fault_response(fault, "sp-api")) is not None:
        return answer
    try:
        grant = resolve_access_token(sim, request.headers.get("x-amz-access-token"))
    except AccessDenied as denied:
        return sp_api_error(403, "Unauthorized", ACCESS_DENIED, denied.details)
    seller = sim.sellers.get(grant.selling_partner_id)
    if seller is None or seller.region != api_host.region or seller.account_type != operation.account_type:
        return sp_api_error(403, "Unauthorized", ACCESS_DENIED)
    rate, burst = (SANDBOX_RATE, SANDBOX_BURST) if api_host.sandbox else (operation.rate, operation.burst)
    rate *= sim.usage_plan_speed
    bucket = (grant.application_id, seller.selling_partner_id, operation.name, host)
    if not sim.rate_limiter.try_take(bucket, rate, burst, sim.clock.now().timestamp()):
        return sp_api_error(429, "QuotaExceeded", QUOTA_EXCEEDED)
    query = parse_qs(request.url.query, keep_blank_values=True)
    limit_header = {"x-amzn-RateLimit-Limit": str(rate)}
    if api_host.sandbox:
        status, body = sandbox_answer(operation, query)
        return sp_api_response(status, body, limit_header if status == 200 else None)
    try:
        validate_request(operation.model, operation.name, "GET", operation.path, query)
        body = payload(seller, query, sim.clock.now())
    except ContractViolation as violation:
        return sp_api_error(400, "InvalidInput", f"{violation.where}: {violation.problem}")
    except InvalidInput as invalid:
        return sp_api_error(400, "InvalidInput", invalid.message)
    return sp_api_response(200, body, limit_header)


def sandbox_answer(operation: Operation, query: Mapping[str, Sequence[str]]) -> tuple[int, object]:
    """The static sandbox: the model's example whose request parameters match this query exactly."""
    responses = model_document(operation.model)["paths"][operation.path]["get"]["responses"]
    for status, response in responses.items():
        for example in response.get("x-amzn-api-sandbox", {}).get("static", []):
            parameters = example["request"].get("parameters", {})
            if set(parameters) == set(query) and all(
                _sandbox_value(value["value"]) == [item for raw in query[name] for item in raw.split(",")]
                for name, value in parameters.items()
            ):
                return int(status), example["response"]
    return 400, {"errors": [{"code": "InvalidInput", "message": NO_SANDBOX_MATCH, "details": ""}]}


def _sandbox_value(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return [str(value).lower()]
    return [str(value)]
