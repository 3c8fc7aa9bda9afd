"""HTTP surface of companies: list, create, read."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from app.accounts.auth import SIGNED_IN, actor_of, company_in_scope, requires_role
from app.accounts.schemas import CurrentUser
from app.amazon.regions import Region
from app.amazon.schemas import StatusFilter
from app.companies.schemas import Company, CompanyCreate, CompanyList
from app.lib.deps import known_id
from app.lib.http import error_responses
from app.lib.wire import MAX_ID, SINGLE_LINE_PATTERN
from app.services import Services


class CompanyController(Controller):
    path = "/api/companies"
    tags = ["companies"]
    security = SIGNED_IN
    guards = [company_in_scope]

    @get("/", operation_id="listCompanies", responses=error_responses())
    async def list_companies(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        q: Annotated[
            str | None,
            QueryParameter(description="Search in code and name", pattern=SINGLE_LINE_PATTERN, max_length=200),
        ] = None,
        parent_id: Annotated[int | None, QueryParameter(name="parentId", ge=1, le=MAX_ID)] = None,
        roots_only: Annotated[bool, QueryParameter(name="rootsOnly")] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
        status: Annotated[
            StatusFilter | None,
            QueryParameter(
                description="Only account owners with a connection in this status (needs_action: re-authorization "
                "required, expired, wrong region or role, persistent error, or expiring within 30 days; "
                "needs_new_token: re-authorization required or expired), whatever their depth in the hierarchy"
            ),
        ] = None,
        region: Annotated[Region | None, QueryParameter(description="Only connections of this region")] = None,
        with_counts: Annotated[
            bool, QueryParameter(name="withCounts", description="Count the connections per status (implied by filters)")
        ] = False,
    ) -> CompanyList:
        """List companies with their parent, children count, account owner, unified members and status per region."""
        return await services.companies.search(
            scope=request.user.company_scope,
            search=q,
            parent_id=parent_id,
            roots_only=roots_only,
            limit=limit,
            offset=offset,
            status=status,
            region=region,
            with_counts=with_counts,
        )

    @post("/", operation_id="createCompany", guards=[requires_role("admin")], responses=error_responses(409, 415, 422))
    async def create_company(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        data: JSONBody[CompanyCreate],
    ) -> Company:
        """Create a company, optionally under a parent and unified with it."""
        return await services.companies.create(data, actor_of(request), scope=request.user.company_scope)

    @get("/{company_id:int}", operation_id="getCompany", responses=error_responses(404))
    async def get_company(self, services: NamedDependency[Services], company_id: FromPath[int]) -> Company:
        """Read one company."""
        return await services.companies.get(known_id(company_id))
