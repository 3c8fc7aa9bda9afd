"""The Login with Amazon token endpoint, POST /auth/o2/token: form-encoded grants, answered as api.amazon.com does."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request, Response, post
from litestar.di import NamedDependency

from app.amazon_sim.grants import (
    LwaError,
    TokenGrant,
    authenticate_client,
    ensure_grant_allowed,
    exchange_code,
    refresh_access,
)
from app.amazon_sim.records import ACCESS_TOKEN_LIFETIME, GRANT_TYPES, GrantType
from app.amazon_sim.responses import OAuthError, fault_response, lwa_response
from app.amazon_sim.state import SimulatorState

FORM_TYPE = "application/x-www-form-urlencoded"
_GRANTS: dict[str, GrantType] = {grant: grant for grant in GRANT_TYPES}


class TokenResponse(msgspec.Struct):
    """A successful grant, in LWA's snake_case."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str


@post("/auth/o2/token", operation_id="lwaToken", status_code=200)
async def token(sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any]) -> Response[bytes]:
    """Exchange an authorization code, or refresh an access token."""
    form = _form(request.headers.get("content-type", ""), await request.body())
    grant_type = _GRANTS.get(form.get("grant_type", "")) if form is not None else None
    sim.count(f"lwa.{grant_type or 'other'}")
    if grant_type == "refresh_token":
        await sim.faults.refresh_hold.wait()  # counted on arrival, answered once released (POST /_admin/refresh-hold)
    fault = sim.faults.take("lwa")
    if fault is not None and (answer := await fault_response(fault, "lwa")) is not None:
        return answer
    try:
        grant = _grant(sim, form)
    except LwaError as error:
        return lwa_response(error.status, OAuthError(error.error, error.description))
    expires_in = int(ACCESS_TOKEN_LIFETIME.total_seconds())
    return lwa_response(200, TokenResponse(grant.access_token, "bearer", expires_in, grant.refresh_token))


def _form(content_type: str, body: bytes) -> dict[str, str] | None:
    """The form's fields (first value of each), or None when the body is not a form."""
    if content_type.split(";")[0].strip().lower() != FORM_TYPE:
        return None
    try:
        return dict(reversed(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))))
    except (UnicodeDecodeError, ValueError):
        return None


def _grant(sim: SimulatorState, form: dict[str, str] | None) -> TokenGrant:
    if form is None:
        raise LwaError(400, "invalid_request", f"The request body must be {FORM_TYPE}.")
    grant_type = _GRANTS.get(_required(form, "grant_type"))
    if grant_type is None:
        raise LwaError(400, "unsupported_grant_type", "The authorization grant type is not supported.")
    names = ("code", "redirect_uri") if grant_type == "authorization_code" else ("refresh_token",)
    values = {name: _required(form, name) for name in (*names, "client_id", "client_secret")}
    app = authenticate_client(sim, values["client_id"], values["client_secret"])
    ensure_grant_allowed(app, grant_type)
    if grant_type == "authorization_code":
        return exchange_code(sim, app, values["code"], values["redirect_uri"])
    return refresh_access(sim, app, values["refresh_token"])


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise LwaError(400, "invalid_request", f"The request is missing a required parameter : {name}")
    return value
