"""HTTP surface of Amazon General Settings: settings with sources, the connection test, the marketplace catalogue."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from app.accounts.auth import SIGNED_IN, actor_of, company_in_scope, requires_role
from app.accounts.schemas import CurrentUser
from app.amazon.regions import MARKETPLACES, Region
from app.amazon.schemas import AmazonSettings, ConnectionTest, MarketplaceInfo
from app.amazon.timeline import ExpiryTimeline
from app.lib.deps import etag, known_id
from app.lib.http import error_responses
from app.lib.ratelimit import CONNECTION_TESTS_PER_USER
from app.services import Services


class AmazonSettingsController(Controller):
    path = "/api"
    tags = ["amazon"]
    security = SIGNED_IN
    guards = [company_in_scope]

    @get("/companies/{company_id:int}/amazon", operation_id="getAmazonSettings", responses=error_responses(404))
    async def get_settings(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], company_id: FromPath[int]
    ) -> Response[AmazonSettings]:
        """A company's effective Amazon settings, each field with its source; the ETag is the version."""
        result = await services.amazon_settings.effective(known_id(company_id), request.user.id)
        return Response(result, headers=etag(result.version))

    @get("/amazon/expiry-timeline", operation_id="expiryTimeline", responses=error_responses())
    async def expiry_timeline(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        weeks: Annotated[int, QueryParameter(ge=1, le=52)] = 12,
    ) -> ExpiryTimeline:
        """Authorizations expiring in each of the coming weeks (from this week's Monday), with unified members."""
        return await services.expiry_timeline.timeline(weeks, request.user.company_scope)

    @get("/marketplaces", operation_id="listMarketplaces", responses=error_responses())
    async def list_marketplaces(self) -> list[MarketplaceInfo]:
        """The marketplace catalogue with each marketplace's region."""
        return [
            MarketplaceInfo(id=m.id, region=m.region, country_code=m.country_code, name=m.name)
            for m in MARKETPLACES.values()
        ]

    @post(
        "/companies/{company_id:int}/amazon/regions/{region:str}/refresh",
        operation_id="testConnection",
        status_code=200,
        guards=[requires_role("admin", "support")],
        responses=error_responses(404, 415, 422),
    )
    async def test_connection(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        company_id: FromPath[int],
        region: FromPath[Region],
    ) -> ConnectionTest:
        """Refresh Selling Partner API Access Token: test the connection (on the owner, for a unified member)."""
        await services.limiter.hit(CONNECTION_TESTS_PER_USER, str(request.user.id))
        return await services.checker.check(known_id(company_id), region, actor_of(request))
