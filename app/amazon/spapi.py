"""The Selling Partner API client: region hosts, the access-token header, typed errors, backoff on 429 and 5xx."""

from __future__ import annotations

import platform
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx
import msgspec

from app.amazon.endpoints import AmazonEndpoints
from app.amazon.regions import Region
from app.amazon.retry import Backoff, with_backoff
from app.amazon.throttle import SharedThrottle
from app.lib.errors import AmazonTimeout, AmazonUnavailable, SpApiDenied

T = TypeVar("T")
USER_AGENT = f"ERPSettings/0.1 (Language=Python/{platform.python_version()})"


class Marketplace(msgspec.Struct, rename="camel"):
    id: str
    name: str = ""
    country_code: str = ""


class Participation(msgspec.Struct, rename="camel"):
    is_participating: bool = True


class MarketplaceParticipation(msgspec.Struct):
    marketplace: Marketplace
    participation: Participation = msgspec.field(default_factory=Participation)


class _Participations(msgspec.Struct):
    payload: list[MarketplaceParticipation] = []


class _ErrorItem(msgspec.Struct):
    code: str = ""
    message: str = ""
    details: str = ""


class _Errors(msgspec.Struct):
    errors: list[_ErrorItem] = []


class Partner(msgspec.Struct, frozen=True):
    """Whose quota a call uses: Amazon counts limits per (application, selling partner)."""

    app_id: str
    selling_partner_id: str


class OrdersPage(msgspec.Struct, frozen=True):
    count: int
    next_token: str | None


class SpApiClient:
    """One method per SP-API operation the product calls; the caller supplies the access token."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        endpoints: AmazonEndpoints,
        backoff: Backoff,
        throttle: SharedThrottle | None = None,
    ) -> None:
        self.http = http
        self.endpoints = endpoints
        self.backoff = backoff
        self.throttle = throttle

    async def marketplace_participations(
        self, region: Region, access_token: str, partner: Partner | None = None
    ) -> list[MarketplaceParticipation]:
        """getMarketplaceParticipations: the seller connection test; it also tells which marketplaces are real."""
        body = await self._get(
            region, "/sellers/v1/marketplaceParticipations", {}, access_token, partner, "getMarketplaceParticipations"
        )
        try:
            return msgspec.convert(body, _Participations).payload
        except msgspec.ValidationError:
            raise AmazonUnavailable("SP-API sent an unexpected answer.", code="amazon_malformed") from None

    async def purchase_orders(
        self, region: Region, access_token: str, limit: int = 1, partner: Partner | None = None
    ) -> int:
        """getPurchaseOrders with a small limit: the vendor connection test. Returns how many came back."""
        params = {"limit": str(limit)}
        body = await self._get(
            region, "/vendor/orders/v1/purchaseOrders", params, access_token, partner, "getPurchaseOrders"
        )
        orders = (body.get("payload") or {}).get("orders") or []
        return len(orders)

    async def orders(
        self,
        region: Region,
        access_token: str,
        marketplace_ids: list[str],
        created_after: datetime,
        next_token: str | None = None,
        partner: Partner | None = None,
    ) -> OrdersPage:
        """getOrders for some marketplaces: one page."""
        params = {"MarketplaceIds": ",".join(marketplace_ids), "CreatedAfter": created_after.isoformat()}
        if next_token:
            params = {"MarketplaceIds": ",".join(marketplace_ids), "NextToken": next_token}
        body = await self._get(region, "/orders/v0/orders", params, access_token, partner, "getOrders")
        payload = body.get("payload") or {}
        return OrdersPage(count=len(payload.get("Orders") or []), next_token=payload.get("NextToken"))

    async def _get(
        self,
        region: Region,
        path: str,
        params: dict[str, str],
        access_token: str,
        partner: Partner | None,
        operation: str,
    ) -> dict[str, Any]:
        url = f"{self.endpoints.sp_api(region)}{path}"
        headers = {"x-amz-access-token": access_token, "user-agent": USER_AGENT, "accept": "application/json"}

        async def attempt() -> dict[str, Any]:
            if self.throttle is not None and partner is not None:
                # Stay within Amazon's quota for this app and seller, shared with every other process.
                await self.throttle.acquire(partner.app_id, partner.selling_partner_id, operation)
            return await self._once(url, params, headers)

        return await with_backoff(attempt, self.backoff, f"SP-API {operation}")

    async def _once(self, url: str, params: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        try:
            response = await self.http.get(url, params=params, headers=headers)
        except httpx.TimeoutException:
            raise AmazonTimeout("The Selling Partner API did not answer in time.") from None
        except httpx.TransportError as exc:
            raise AmazonUnavailable(f"The Selling Partner API could not be reached ({type(exc).__name__}).") from None
        if response.status_code == 429 or response.status_code >= 500:
            kind = "throttled the request" if response.status_code == 429 else f"failed (HTTP {response.status_code})"
            raise AmazonUnavailable(
                f"The Selling Partner API {kind}.",
                retry_after=_float(response.headers.get("retry-after")),
                code="amazon_throttled" if response.status_code == 429 else None,
            )
        try:
            body = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            raise AmazonUnavailable(
                "The Selling Partner API sent a malformed answer.", code="amazon_malformed"
            ) from None
        if response.status_code == 403:
            details = " ".join(e.details for e in msgspec.convert(body, _Errors, strict=False).errors)
            raise SpApiDenied(
                details or "Access to requested resource is denied.", expired="has expired" in details.lower()
            )
        if response.status_code >= 400 or not isinstance(body, dict):
            raise AmazonUnavailable(f"The Selling Partner API answered HTTP {response.status_code}.")
        return body


async def with_fresh_token(get_token: Callable[[bool], Awaitable[str]], call: Callable[[str], Awaitable[T]]) -> T:
    """Call SP-API with a token; when Amazon says it expired, refresh once (forced) and retry once."""
    token = await get_token(False)
    try:
        return await call(token)
    except SpApiDenied as denied:
        if not denied.expired:
            raise
    return await call(await get_token(True))


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
