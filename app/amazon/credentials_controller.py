"""HTTP surface of the app's SP-API credentials (admins only), changed through drafts and Save like everything else."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody

from app.accounts.auth import SIGNED_IN, actor_of, requires_role, unscoped_only
from app.accounts.schemas import CurrentUser
from app.amazon.regions import AccountType
from app.amazon.schemas import AppCredentials
from app.editing.schemas import CredentialsChanges, CredentialsDraft
from app.lib.deps import etag
from app.lib.http import error_responses
from app.services import Services

Environment = Literal["production", "sandbox"]


class AppCredentialsController(Controller):
    path = "/api/integration-credentials"
    tags = ["app credentials"]
    security = SIGNED_IN
    guards = [requires_role("admin"), unscoped_only]

    @get("/", operation_id="listAppCredentials", responses=error_responses())
    async def list_credentials(self, services: NamedDependency[Services]) -> list[AppCredentials]:
        """The app's credentials per account type and environment; secrets only as fingerprints and expiry."""
        return await services.app_credentials.all()

    @post(
        "/{account_type:str}/{environment:str}/edits",
        operation_id="beginCredentialsEdit",
        status_code=201,
        responses={
            200: ResponseSpec(data_container=CredentialsDraft, description="Your open draft of them"),
            **error_responses(415),
        },
    )
    async def begin_edit(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        account_type: FromPath[AccountType],
        environment: FromPath[Environment],
    ) -> Response[CredentialsDraft]:
        """Begin editing one credentials record (or return your open draft of it)."""
        draft, created = await services.credential_edits.begin(account_type, environment, actor_of(request))
        return Response(draft, status_code=201 if created else 200, headers=etag(draft.base_version))

    @get("/edits/{edit_id:uuid}", operation_id="getCredentialsEdit", responses=error_responses(404))
    async def get_edit(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], edit_id: FromPath[UUID]
    ) -> CredentialsDraft:
        """Read your draft of the credentials."""
        return await services.credential_edits.get(edit_id, actor_of(request))

    @patch("/edits/{edit_id:uuid}", operation_id="changeCredentialsEdit", responses=error_responses(404, 410, 415, 422))
    async def change_edit(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        edit_id: FromPath[UUID],
        data: JSONBody[CredentialsChanges],
    ) -> CredentialsDraft:
        """Change fields of the draft; a new client secret is write-only and waits encrypted."""
        return await services.credential_edits.change(edit_id, data, actor_of(request))

    @delete(
        "/edits/{edit_id:uuid}",
        operation_id="cancelCredentialsEdit",
        status_code=204,
        responses=error_responses(404, 410, 415),
    )
    async def cancel_edit(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], edit_id: FromPath[UUID]
    ) -> None:
        """Cancel the draft (a new secret in it is forgotten)."""
        await services.credential_edits.cancel(edit_id, actor_of(request))

    @post(
        "/edits/{edit_id:uuid}/save",
        operation_id="saveCredentialsEdit",
        status_code=200,
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
    ) -> Response[AppCredentials]:
        """Save the draft; needs If-Match with the version it started from."""
        saved = await services.credential_edits.save(edit_id, if_match, actor_of(request))
        return Response(saved, headers=etag(saved.version))
