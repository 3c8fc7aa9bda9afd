"""Amazon's redirect URI and Log-in URI: small HTML pages that never leak a code or state and never get cached."""

from __future__ import annotations

import html
import json
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect

from app.accounts.auth import SESSION_COOKIE
from app.accounts.schemas import ActiveSession
from app.audit.service import Actor
from app.lib.errors import DomainError
from app.lib.http import status_of
from app.services import Services

_TOKEN = Annotated[str | None, QueryParameter(max_length=2048, pattern=r"^[!-~]*$")]


def _page(title: str, body: str, status: int, script: str | None = None) -> Response[str]:
    """An HTML page with the callback's headers: no referrer, no caching, only our own nonce'd script."""
    nonce = secrets.token_urlsafe(16)
    tag = f'<script nonce="{nonce}">{script}</script>' if script else ""
    document = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;"
        "line-height:1.5}h1{font-size:1.4rem}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main>{tag}</body></html>"
    )
    return Response(
        document,
        status_code=status,
        media_type="text/html",
        headers={
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        },
    )


def _failure(error: DomainError) -> Response[str]:
    status = status_of(error)
    body = f'<p>{html.escape(error.message)}</p><p><a href="/">Back to the settings</a></p><p>Nothing was stored.</p>'
    return _page("The Amazon token could not be received", body, status)


async def _session(services: Services, request: Request[Any, Any, Any]) -> ActiveSession | None:
    result: ActiveSession | None = await services.accounts.authenticate(request.cookies.get(SESSION_COOKIE))
    return result


def _actor(request: Request[Any, Any, Any], session: ActiveSession | None) -> Actor:
    client = request.client.host if request.client else None
    if session is None:
        return Actor(user_id=None, name="anonymous", ip=client)
    return Actor(
        user_id=session.user.id,
        name=session.user.display_name,
        ip=client,
        user_agent=(request.headers.get("user-agent") or "")[:300] or None,
    )


class OAuthPagesController(Controller):
    path = "/oauth/amazon"
    tags = ["oauth"]
    include_in_schema = False

    @get("/callback", operation_id="amazonCallback", exclude_from_auth=True)
    async def callback(
        self,
        services: NamedDependency[Services],
        request: Request[Any, Any, Any],
        oauth_state: Annotated[str | None, QueryParameter(name="state", max_length=2048, pattern=r"^[!-~]*$")] = None,
        selling_partner_id: _TOKEN = None,
        spapi_oauth_code: _TOKEN = None,
    ) -> Response[str]:
        """Amazon's redirect after consent: the new token waits in the draft until Save."""
        if not oauth_state or not selling_partner_id or not spapi_oauth_code:
            return _page(
                "Amazon did not send a token",
                "<p>The answer from Amazon was incomplete (the consent was perhaps cancelled). Nothing was stored.</p>",
                400,
            )
        session = await _session(services, request)
        try:
            received = await services.oauth.complete(
                oauth_state, selling_partner_id, spapi_oauth_code, session, _actor(request, session)
            )
        except DomainError as error:
            return _failure(error)
        grant = received.grant
        back = f"/companies/{received.company.id}/amazon?edit={received.edit_id}"
        message = {
            "type": "amazon-token",
            "editId": str(received.edit_id),
            "companyId": received.company.id,
            "region": grant.region.value,
            "sellingPartnerId": grant.selling_partner_id,
            "sellerChanged": grant.seller_changed,
        }
        payload = json.dumps({"message": message, "back": back}).replace("<", "\\u003c")
        script = (
            f"const r={payload};"
            "if(window.opener&&!window.opener.closed){window.opener.postMessage(r.message,window.location.origin);"
            "window.close();}else{window.location.replace(r.back);}"
        )
        body = (
            f"<p>New token for {html.escape(grant.region.value)} (seller {html.escape(grant.selling_partner_id)}) "
            f'received — Save to store it.</p><p><a href="{html.escape(back)}">Back to the draft</a></p>'
        )
        return _page("Amazon token received", body, 200, script)

    @get("/login", operation_id="amazonLogin", exclude_from_auth=True)
    async def login(
        self,
        services: NamedDependency[Services],
        request: Request[Any, Any, Any],
        amazon_callback_uri: Annotated[str | None, QueryParameter(max_length=2048)] = None,
        amazon_state: _TOKEN = None,
        selling_partner_id: _TOKEN = None,
    ) -> Response[Any]:
        """Amazon's Log-in URI (renewal from Seller Central): sign in, open a draft, continue at Amazon."""
        if not amazon_callback_uri or not amazon_state or not selling_partner_id:
            return _page(
                "Incomplete request from Amazon",
                "<p>Amazon's request lacked a parameter. Start the renewal again in Seller Central.</p>",
                400,
            )
        session = await _session(services, request)
        if session is None:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return Redirect(
                f"/login?next={quote(here, safe='')}",
                status_code=302,
                headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"},
            )
        try:
            target = await services.oauth.renew_from_seller_central(
                amazon_callback_uri, amazon_state, selling_partner_id, session, _actor(request, session)
            )
        except DomainError as error:
            return _failure(error)
        return Redirect(
            target, status_code=302, headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
        )
