"""HTTP surface of the authorization links e-mailed to account holders: send, resend and withdraw, in a draft."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from app.accounts.auth import SIGNED_IN, actor_of, company_in_scope, requires_role
from app.accounts.schemas import ActiveSession, CurrentUser
from app.amazon.consent_links import ConsentLinkRequest
from app.amazon.regions import Region
from app.editing.schemas import ConsentLinkSent
from app.lib.deps import known_id
from app.lib.http import error_responses
from app.services import Services

_SENT = (
    "The mail (SMTP when configured, always the outbox) names the company, the region, you and the expiry, in the "
    "company's language. The link works once, for 7 days; the token it brings waits in your draft (or a new draft of "
    "yours, if this one has closed) until Save. Your earlier link for the region stops working. Limited per admin "
    "and per company and region (429 with Retry-After)."
)


class ConsentLinkController(Controller):
    path = "/api/edits"
    tags = ["editing"]
    security = SIGNED_IN
    guards = [requires_role("admin"), company_in_scope]

    @post(
        "/{edit_id:uuid}/regions/{region:str}/consent-links",
        operation_id="sendConsentLink",
        status_code=201,
        description=f"E-mail the account holder the authorization link for the region of this draft's company. {_SENT}",
        responses=error_responses(400, 404, 409, 410, 415, 422, 429),
    )
    async def send_consent_link(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, ActiveSession, Any],
        edit_id: FromPath[UUID],
        region: FromPath[Region],
        data: JSONBody[ConsentLinkRequest],
    ) -> ConsentLinkSent:
        """Ask the account holder by e-mail: send the authorization link for a region."""
        return await services.consent_links.send(edit_id, region, data, request.auth, actor_of(request))

    @post(
        "/{edit_id:uuid}/consent-links/{link_id:int}/resend",
        operation_id="resendConsentLink",
        status_code=201,
        description=f"Send a new link to the same address (the old one stops working). {_SENT}",
        responses=error_responses(404, 409, 410, 415, 422, 429),
    )
    async def resend_consent_link(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, ActiveSession, Any],
        edit_id: FromPath[UUID],
        link_id: FromPath[int],
    ) -> ConsentLinkSent:
        """Send the authorization link again: a new link, the old one stops working."""
        link = known_id(link_id, "Authorization link")
        return await services.consent_links.resend(edit_id, link, request.auth, actor_of(request))

    @delete(
        "/{edit_id:uuid}/consent-links/{link_id:int}",
        operation_id="withdrawConsentLink",
        status_code=204,
        responses=error_responses(404, 410, 415),
    )
    async def withdraw_consent_link(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        edit_id: FromPath[UUID],
        link_id: FromPath[int],
    ) -> None:
        """Withdraw the authorization link: it stops working at once, also halfway through Amazon's consent."""
        await services.consent_links.withdraw(edit_id, known_id(link_id, "Authorization link"), actor_of(request))
