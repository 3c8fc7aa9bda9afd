"""Login with Amazon's rules: client authentication, code exchange, refresh, access tokens and revocation."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from app.amazon_sim.records import (
    AccessToken,
    App,
    Authorization,
    AuthorizationCode,
    GrantType,
    RefreshToken,
    SellerAccount,
)
from app.amazon_sim.state import SimulatorState

CODE_REFUSED = "The request has an invalid grant parameter : code"
REFRESH_REFUSED = (
    "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission."
)
ACCESS_REVOKED = "The access token you provided is revoked, malformed or invalid."
ACCESS_EXPIRED = "The access token you provided has expired."
_CODE_ALPHABET = string.ascii_letters


class LwaError(Exception):
    """An OAuth error answer of the token endpoint."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description


class AccessDenied(Exception):
    """An access token SP-API refuses; `details` is what Amazon says about it."""

    def __init__(self, details: str) -> None:
        super().__init__(details)
        self.details = details


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    refresh_token: str


def authenticate_client(sim: SimulatorState, client_id: str, client_secret: str) -> App:
    """The app these client credentials belong to; wrong or expired credentials are invalid_client."""
    app = sim.apps.get(client_id)
    if app is None or not app.accepts_secret(client_secret, sim.clock.now()):
        raise LwaError(401, "invalid_client", "Client authentication failed")
    return app


def ensure_grant_allowed(app: App, grant_type: GrantType) -> None:
    if grant_type not in app.allowed_grants:
        raise LwaError(400, "unauthorized_client", "Not authorized for requested operation")


def issue_code(sim: SimulatorState, app: App, redirect_uri: str, seller: SellerAccount) -> str:
    """Record the selling partner's consent (restarting its year) and issue a five-minute, single-use code."""
    now = sim.clock.now()
    sim.authorizations[(app.application_id, seller.selling_partner_id)] = Authorization(
        app.application_id, seller.selling_partner_id, granted_at=now
    )
    code = "AN" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(18))
    sim.codes[code] = AuthorizationCode(app.application_id, redirect_uri, seller.selling_partner_id, issued_at=now)
    return code


def exchange_code(sim: SimulatorState, app: App, code: str, redirect_uri: str) -> TokenGrant:
    """Trade a code for an access token and a new refresh token."""
    grant = sim.codes.get(code)
    if (
        grant is None
        or grant.used
        or grant.expired(sim.clock.now())
        or grant.application_id != app.application_id
        or grant.redirect_uri != redirect_uri
    ):
        raise LwaError(400, "invalid_grant", CODE_REFUSED)
    grant.used = True
    refresh_token = _issue_refresh_token(sim, app, grant.selling_partner_id)
    return TokenGrant(_issue_access_token(sim, app, grant.selling_partner_id), refresh_token)


def refresh_access(sim: SimulatorState, app: App, refresh_token: str) -> TokenGrant:
    """A new access token for a refresh token whose authorization stands; the same refresh token comes back.

    With rotation switched on, a new refresh token of the same authorization (same year) comes back instead and the
    one sent stops working at once.
    """
    token = sim.refresh_tokens.get(refresh_token)
    if token is None or token.revoked or token.application_id != app.application_id:
        raise LwaError(400, "invalid_grant", REFRESH_REFUSED)
    authorization = sim.authorizations.get((token.application_id, token.selling_partner_id))
    if authorization is None or authorization.expired(sim.clock.now()):
        raise LwaError(400, "invalid_grant", REFRESH_REFUSED)
    if sim.rotate_refresh_tokens:
        token.revoked = True
        refresh_token = _issue_refresh_token(sim, app, token.selling_partner_id)
    return TokenGrant(_issue_access_token(sim, app, token.selling_partner_id), refresh_token)


def _issue_refresh_token(sim: SimulatorState, app: App, selling_partner_id: str) -> str:
    token = "Atzr|" + secrets.token_urlsafe(256)
    sim.refresh_tokens[token] = RefreshToken(app.application_id, selling_partner_id)
    return token


def _issue_access_token(sim: SimulatorState, app: App, selling_partner_id: str) -> str:
    token = "Atza|" + secrets.token_urlsafe(256)
    sim.access_tokens[token] = AccessToken(app.application_id, selling_partner_id, issued_at=sim.clock.now())
    return token


def resolve_access_token(sim: SimulatorState, token: str | None) -> AccessToken:
    """The grant behind an x-amz-access-token header; refused as SP-API refuses it."""
    grant = sim.access_tokens.get(token) if token else None
    if grant is None or grant.revoked:
        raise AccessDenied(ACCESS_REVOKED)
    if grant.expired(sim.clock.now()):
        raise AccessDenied(ACCESS_EXPIRED)
    return grant


def revoke(sim: SimulatorState, selling_partner_id: str, application_id: str | None) -> int:
    """The selling partner removes the app (or every app): its refresh and access tokens stop working.

    Returns how many refresh tokens were revoked.
    """

    def matches(grant: RefreshToken | AccessToken | Authorization) -> bool:
        return grant.selling_partner_id == selling_partner_id and application_id in (None, grant.application_id)

    revoked = 0
    for refresh_token in sim.refresh_tokens.values():
        if matches(refresh_token) and not refresh_token.revoked:
            refresh_token.revoked = True
            revoked += 1
    for access_token in sim.access_tokens.values():
        if matches(access_token):
            access_token.revoked = True
    for authorization in sim.authorizations.values():
        if matches(authorization):
            authorization.revoked = True
    return revoked
