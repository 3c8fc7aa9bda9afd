"""HTTP surface of the bulk connection test: start, follow, cancel, results and their CSV."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from app.accounts.auth import SIGNED_IN, actor_of, requires_role
from app.accounts.schemas import CurrentUser
from app.amazon.bulk import BulkTestResults, BulkTestView
from app.amazon.regions import Region
from app.amazon.schemas import StatusFilter
from app.lib.deps import known_id
from app.lib.http import error_responses
from app.lib.wire import InputStruct
from app.services import Services


class BulkTestStart(InputStruct):
    """Which connections to test: those in this status (needs_action included) and region; every one when left out."""

    status: StatusFilter | None = None
    region: Region | None = None


class BulkTestController(Controller):
    path = "/api/bulk-tests"
    tags = ["connection health"]
    security = SIGNED_IN
    guards = [requires_role("admin", "support")]

    @post("/", operation_id="startBulkTest", responses=error_responses(409, 415, 422))
    async def start(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        data: JSONBody[BulkTestStart | None] = None,
    ) -> BulkTestView:
        """Test every connection of your companies in the filter, as background jobs within Amazon's limits.

        Without a body, every connection. One run at a time per set of companies: 409 bulk_test_running names the run
        that is running.
        """
        wanted = data or BulkTestStart()
        return await services.bulk_tests.start(
            actor_of(request), request.user.company_scope, wanted.status, wanted.region
        )

    @get("/current", operation_id="currentBulkTest", responses=error_responses())
    async def current(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any]
    ) -> BulkTestView | None:
        """The latest bulk test of your companies (running or ended), or null when there was none."""
        return await services.bulk_tests.current(request.user.company_scope)

    @get("/{run_id:int}", operation_id="getBulkTest", responses=error_responses(404))
    async def get_run(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], run_id: FromPath[int]
    ) -> BulkTestView:
        """A bulk test's progress: tested n of total, failures so far, and its state."""
        return await services.bulk_tests.get(known_id(run_id), request.user.company_scope)

    @post("/{run_id:int}/cancel", operation_id="cancelBulkTest", status_code=200, responses=error_responses(404, 422))
    async def cancel(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], run_id: FromPath[int]
    ) -> BulkTestView:
        """Stop a running bulk test: what is tested stays, the rest is not tested."""
        return await services.bulk_tests.cancel(known_id(run_id), actor_of(request), request.user.company_scope)

    @get("/{run_id:int}/results", operation_id="bulkTestResults", responses=error_responses(404))
    async def results(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        run_id: FromPath[int],
        failures_only: Annotated[bool, QueryParameter(name="failuresOnly")] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> BulkTestResults:
        """The results: company, region, the verdict in plain words and the action, in the order of company code."""
        return await services.bulk_tests.results(
            known_id(run_id), request.user.company_scope, failures_only=failures_only, limit=limit, offset=offset
        )

    @get(
        "/{run_id:int}/results.csv",
        operation_id="bulkTestResultsCsv",
        media_type="text/csv",
        responses=error_responses(404),
    )
    async def results_csv(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], run_id: FromPath[int]
    ) -> Stream:
        """The results as a CSV file to download."""
        lines = await services.bulk_tests.csv_lines(known_id(run_id), request.user.company_scope)
        return Stream(
            lines,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="bulk-connection-test-{run_id}.csv"'},
        )
