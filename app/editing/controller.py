"""HTTP surface of Edit → Save: begin, read, change, cancel and save drafts."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody

from app.accounts.auth import SIGNED_IN, actor_of, company_in_scope, requires_role
from app.accounts.schemas import ActiveSession, CurrentUser
from app.amazon.oauth import AuthorizationStarted, AuthorizeRequest
from app.amazon.regions import Region
from app.amazon.schemas import AmazonSettings
from app.editing.schemas import Draft, DraftChange, SaveRequest
from app.lib.deps import etag, known_id
from app.lib.http import error_responses
from app.services import Services


class EditController(Controller):
    path = "/api"
    tags = ["editing"]
    security = SIGNED_IN
    guards = [requires_role("admin"), company_in_scope]

    @post(
        "/companies/{company_id:int}/amazon/edits",
        operation_id="beginEdit",
        status_code=201,
        responses={
            200: ResponseSpec(data_container=Draft, description="Your open draft of it"),
            **error_responses(404, 415),
        },
    )
    async def begin_edit(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], company_id: FromPath[int]
    ) -> Response[Draft]:
        """Begin editing a company's settings (or return your open draft of them)."""
        draft, created = await services.edits.begin(known_id(company_id), actor_of(request))
        return Response(draft, status_code=201 if created else 200, headers=etag(draft.base_version))

    @get(
        "/edits/{edit_id:uuid}",
        operation_id="getEdit",
        description="Read your draft with what Save would store, and its `revision` to send with the next change.",
        responses=error_responses(404),
    )
    async def get_edit(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], edit_id: FromPath[UUID]
    ) -> Draft:
        """Read your draft with what Save would store."""
        return await services.edits.get(edit_id, actor_of(request))

    @patch(
        "/edits/{edit_id:uuid}",
        operation_id="changeEdit",
        description=(
            "Change fields of your draft; each field is checked at once. Send `revision`: the draft's revision as "
            "this page last read it (every draft read and change returns it). When the draft changed since (in "
            "another tab or window, or a token from Amazon arrived), the answer is 409 `draft_changed_elsewhere` "
            "and nothing changes: read the draft again. A draft saved or cancelled meanwhile is a 410 "
            "(`draft_saved`, `draft_cancelled`). Without `revision` the change is made on the latest revision."
        ),
        responses=error_responses(404, 409, 410, 415, 422),
    )
    async def change_edit(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        edit_id: FromPath[UUID],
        data: JSONBody[DraftChange],
    ) -> Draft:
        """Change fields of your draft; each field is checked at once."""
        return await services.edits.change(
            edit_id, data, actor_of(request), request.user.company_scope, revision=data.revision
        )

    @delete(
        "/edits/{edit_id:uuid}", operation_id="cancelEdit", status_code=204, responses=error_responses(404, 410, 415)
    )
    async def cancel_edit(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], edit_id: FromPath[UUID]
    ) -> None:
        """Cancel your draft, discarding its changes and any token waiting in it."""
        await services.edits.cancel(edit_id, actor_of(request))

    @post(
        "/edits/{edit_id:uuid}/save",
        operation_id="saveEdit",
        status_code=200,
        description=(
            "Save the draft in one transaction; needs If-Match with the settings version the draft started from "
            "(another user saved since: 409 `stale_version`). Send `revision` in the body: the draft's revision as "
            "this page shows it. When the draft changed since (in another tab or window, or a token from Amazon "
            "arrived), the answer is 409 `draft_changed_elsewhere` and nothing is stored: read the draft again. A "
            "draft saved or cancelled meanwhile is a 410 (`draft_saved`, `draft_cancelled`)."
        ),
        responses=error_responses(404, 409, 410, 415, 422, 428),
    )
    async def save_edit(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        edit_id: FromPath[UUID],
        if_match: Annotated[
            str | None, HeaderParameter(name="If-Match", description="The draft's base version")
        ] = None,
        data: JSONBody[SaveRequest | None] = None,
    ) -> Response[AmazonSettings]:
        """Save the draft in one transaction; needs If-Match with the version the draft started from."""
        result = await services.edits.save(
            edit_id, if_match, data or SaveRequest(), actor_of(request), request.user.company_scope
        )
        return Response(result, headers=etag(result.version))

    @post(
        "/edits/{edit_id:uuid}/regions/{region:str}/authorize",
        operation_id="authorizeRegion",
        status_code=200,
        responses=error_responses(404, 409, 410, 415, 422),
    )
    async def authorize_region(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, ActiveSession, Any],
        edit_id: FromPath[UUID],
        region: FromPath[Region],
        data: JSONBody[AuthorizeRequest | None] = None,
    ) -> AuthorizationStarted:
        """Get Selling Partner API token: a consent URL for the region; the token will wait in this draft."""
        marketplace_id = data.marketplace_id if data else None
        started, _ = await services.oauth.start(
            edit_id, region, request.auth, actor_of(request), marketplace_id=marketplace_id
        )
        return started
