"""The Selling Partner API client: region hosts, the access-token header, typed errors, backoff on 429 and 5xx."""

from __future__ import annotations

import platform
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import msgspec

from app.amazon.endpoints import AmazonEndpoints
from app.amazon.orders_pages import OrdersPage, orders_page, purchase_orders_page
from app.amazon.regions import Region
from app.amazon.retry import Backoff, with_backoff
from app.amazon.throttle import QuotaWaitTooLong, SharedThrottle
from app.lib.errors import AmazonTimeout, AmazonUnavailable, SpApiDenied
from app.lib.metrics import SPAPI_CALLS

T = TypeVar("T")
USER_AGENT = f"ERPSettings/0.1 (Language=Python/{platform.python_version()})"
# The first x-amzn-api-sandbox example of getPurchaseOrders in vendorOrders.json, exactly: the static sandbox answers
# only a request whose parameters equal an example's (`limit=1` alone matches none, 400 "Could not match input
# arguments"). getMarketplaceParticipations' example has no parameters, as the seller test sends.
SANDBOX_PURCHASE_ORDERS = {
    "limit": "2",
    "createdAfter": "2019-08-20T14:00:00",
    "createdBefore": "2019-09-21T00:00:00",
    "sortOrder": "DESC",
    "includeDetails": "true",
}


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


class SpApiRejected(AmazonUnavailable):
    """SP-API answered 400 (or another 4xx but 403 and 429): the request must change, so it is never retried.

    A subclass of AmazonUnavailable only so that callers which report any Amazon failure keep reporting this one;
    the client never retries it, and the order import treats it apart.
    """

    code = "amazon_rejected_request"

    def __init__(self, message: str, *, status: int, amazon_code: str) -> None:
        super().__init__(message, code=self.code)
        self.status = status
        self.amazon_code = amazon_code


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
        self, region: Region, access_token: str, partner: Partner | None = None, *, max_wait: float | None = None
    ) -> list[MarketplaceParticipation]:
        """getMarketplaceParticipations: the seller connection test; it also tells which marketplaces are real."""
        path, operation = "/sellers/v1/marketplaceParticipations", "getMarketplaceParticipations"
        body = await self._get(region, path, {}, access_token, partner, operation, max_wait)
        try:
            return msgspec.convert(body, _Participations).payload
        except msgspec.ValidationError:
            raise AmazonUnavailable("SP-API sent an unexpected answer.", code="amazon_malformed") from None

    async def purchase_orders(
        self,
        region: Region,
        access_token: str,
        limit: int = 1,
        partner: Partner | None = None,
        *,
        max_wait: float | None = None,
    ) -> int:
        """getPurchaseOrders with a small limit: the vendor connection test. Returns how many came back.

        The sandbox answers only requests equal to one of the model's examples (FACTS §4): there the call sends one.
        """
        params = dict(SANDBOX_PURCHASE_ORDERS) if self.endpoints.sandbox else {"limit": str(limit)}
        body = await self._get(
            region, "/vendor/orders/v1/purchaseOrders", params, access_token, partner, "getPurchaseOrders", max_wait
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
        *,
        created_before: datetime | None = None,
        max_wait: float | None = None,
    ) -> OrdersPage:
        """getOrders for some marketplaces: one page (waiting up to `max_wait` seconds for a slot of the quota)."""
        params = {"MarketplaceIds": ",".join(marketplace_ids), "CreatedAfter": _iso(created_after)}
        if created_before is not None:
            params["CreatedBefore"] = _iso(created_before)
        if next_token:
            # MarketplaceIds and NextToken alone: what both readings of NextToken accept (FACTS §7); the other
            # criteria beside it are a 400 where NextToken is read as replacing them.
            params = {"MarketplaceIds": ",".join(marketplace_ids), "NextToken": next_token}
        body = await self._get(region, "/orders/v0/orders", params, access_token, partner, "getOrders", max_wait)
        return orders_page(body)

    async def purchase_orders_page(
        self,
        region: Region,
        access_token: str,
        created_after: datetime,
        created_before: datetime,
        next_token: str | None = None,
        partner: Partner | None = None,
        *,
        max_wait: float | None = None,
    ) -> OrdersPage:
        """getPurchaseOrders created in a range of at most 7 days within the last 6 months: one page, oldest first."""
        params = {
            "limit": "100",
            "sortOrder": "ASC",
            "createdAfter": _iso(created_after),
            "createdBefore": _iso(created_before),
        }
        if next_token:
            params = {"nextToken": next_token}  # the token carries the query it continues
        path = "/vendor/orders/v1/purchaseOrders"
        body = await self._get(region, path, params, access_token, partner, "getPurchaseOrders", max_wait)
        return purchase_orders_page(body, created_after)

    async def _get(
        self,
        region: Region,
        path: str,
        params: dict[str, str],
        access_token: str,
        partner: Partner | None,
        operation: str,
        max_wait: float | None = None,
    ) -> dict[str, Any]:
        url = f"{self.endpoints.sp_api(region)}{path}"
        headers = {"x-amz-access-token": access_token, "user-agent": USER_AGENT, "accept": "application/json"}

        async def attempt() -> dict[str, Any] | AmazonUnavailable:
            if self.throttle is not None and partner is not None:
                # Stay within Amazon's quota for this app and seller, shared with every other process.
                try:
                    await self.throttle.acquire(partner.app_id, partner.selling_partner_id, operation, max_wait)
                except QuotaWaitTooLong as later:
                    return later  # waiting longer is the caller's decision, not a failure to retry here
            return await self._once(url, params, headers, operation)

        # Refusals come back as values, so the backoff (which retries what is raised) never repeats them.
        outcome = await with_backoff(attempt, self.backoff, f"SP-API {operation}")
        if isinstance(outcome, AmazonUnavailable):
            raise outcome
        return outcome

    async def _once(
        self, url: str, params: dict[str, str], headers: dict[str, str], operation: str
    ) -> dict[str, Any] | SpApiRejected:
        try:
            response = await self.http.get(url, params=params, headers=headers)
        except httpx.TimeoutException:
            SPAPI_CALLS.labels(operation=operation, status="timeout").inc()
            raise AmazonTimeout("The Selling Partner API did not answer in time.") from None
        except httpx.TransportError as exc:
            SPAPI_CALLS.labels(operation=operation, status="unreachable").inc()
            raise AmazonUnavailable(f"The Selling Partner API could not be reached ({type(exc).__name__}).") from None
        SPAPI_CALLS.labels(operation=operation, status=str(response.status_code)).inc()
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
        if 400 <= response.status_code < 500 and response.status_code != 408:
            return _rejection(response.status_code, body)
        if response.status_code >= 400 or not isinstance(body, dict):
            raise AmazonUnavailable(f"The Selling Partner API answered HTTP {response.status_code}.")
        return body


async def with_fresh_token(get_token: Callable[[bool], Awaitable[str]], call: Callable[[str], Awaitable[T]]) -> T:
    """Call SP-API with a token; when Amazon refuses it, refresh once (forced) and retry once.

    A 403 on a token held since earlier says little by itself: expired, revoked with the authorization, or the wrong
    region or role (FACTS §4). The refresh tells them apart: a revoked authorization fails it (ReauthorizationRequired,
    and people are told to get a new token), and a 403 on the fresh token means the wrong region or role.
    """
    token = await get_token(False)
    try:
        return await call(token)
    except SpApiDenied:
        pass
    return await call(await get_token(True))


def _rejection(status: int, body: object) -> SpApiRejected:
    """What Amazon said about a request it refused (400 InvalidInput and the like), for the people who fix it."""
    try:
        errors = msgspec.convert(body, _Errors, strict=False).errors
    except msgspec.ValidationError:
        errors = []
    code = errors[0].code if errors else "InvalidInput"
    said = "; ".join(e.message for e in errors if e.message) or "no details"
    return SpApiRejected(f"Amazon refused the request (HTTP {status} {code}): {said}", status=status, amazon_code=code)


def _iso(moment: datetime) -> str:
    """UTC, whole seconds, "Z": as Amazon writes date-times, so the bound it reports back is the one sent."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
