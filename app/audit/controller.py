"""HTTP surface of audit events."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from app.accounts.auth import SIGNED_IN, company_in_scope, requires_role
from app.audit.schemas import AuditPage
from app.lib.deps import known_id
from app.lib.errors import NotFound
from app.lib.http import error_responses
from app.services import Services


class AuditController(Controller):
    path = "/api/companies/{company_id:int}/audit"
    tags = ["audit"]
    security = SIGNED_IN
    guards = [requires_role("admin", "support"), company_in_scope]

    @get("/", operation_id="listAuditEvents", responses=error_responses(404))
    async def list_events(
        self,
        services: NamedDependency[Services],
        company_id: FromPath[int],
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> AuditPage:
        """Who changed what and when for one company, newest first."""
        if await services.hierarchy.account_owner(known_id(company_id)) is None:
            raise NotFound(f"Company {company_id} does not exist.")
        return await services.audit.events(company_id, limit=limit, offset=offset)
