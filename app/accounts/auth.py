"""Request authentication from the session cookie, the session-bound CSRF check, role and scope guards."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from app.accounts.schemas import ActiveSession, CurrentUser, Role
from app.audit.service import Actor
from app.lib.errors import NotAuthenticated, NotFound, PermissionDenied

if TYPE_CHECKING:
    from litestar import Request
    from litestar.handlers.base import BaseRouteHandler

SESSION_COOKIE = "erp_session"
# The 401's code when a session cookie was sent but its session ended (idle, too old, user deactivated): the page
# tells "your session expired" from a plain first visit by it.
SESSION_EXPIRED = "session_expired"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The OpenAPI security requirement of every signed-in operation: the session cookie plus the CSRF header.
SIGNED_IN: list[dict[str, list[str]]] = [{"session": [], "csrf": []}]


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    """Resolves the session cookie to a user on every request not marked exclude_from_auth.

    Unsafe methods must also carry the session's CSRF token in the X-CSRF-Token header.
    """

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        signed_in: ActiveSession | None = await connection.app.state.services.accounts.authenticate(token)
        if signed_in is None and token:
            # The browser still holds the cookie of a session that ended: the sign-in page says so.
            raise NotAuthenticated("Your session expired: sign in again.", code=SESSION_EXPIRED)
        if signed_in is None:
            raise NotAuthenticated("Sign in first.")
        if connection.scope.get("method", "GET") not in SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not sent or not hmac.compare_digest(sent.encode(), signed_in.csrf_token.encode()):
                raise PermissionDenied(
                    "This request lacks the session's CSRF token (header X-CSRF-Token).", code="csrf_failed"
                )
        return AuthenticationResult(user=signed_in.user, auth=signed_in)


def requires_role(*roles: Role) -> Any:
    """A guard that lets only the given roles through (403 for the others)."""

    def guard(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.user
        if user.role not in roles:
            raise PermissionDenied(f"Your role ({user.role}) may not do this; it needs {' or '.join(roles)}.")

    return guard


def unscoped_only(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
    """App-wide settings are for users not limited to some companies."""
    if connection.user.company_scope is not None:
        raise PermissionDenied("Only users who manage every company may change app-wide settings.")


async def company_in_scope(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
    """A user limited to some companies sees nothing else: any other company (or draft of one) is a 404."""
    user = connection.user
    if user.company_scope is None:
        return
    services = connection.app.state.services
    company_id = connection.path_params.get("company_id")
    if company_id is None and "edit_id" in connection.path_params:
        company_id = await services.edits.company_of(connection.path_params["edit_id"], user.id)
    if company_id is None:
        return
    if not await services.hierarchy.within(int(company_id), user.company_scope):
        raise NotFound(f"Company {company_id} does not exist.")


def actor_of(request: Request[CurrentUser, Any, Any]) -> Actor:
    user = request.user
    client = request.client.host if request.client else None
    return Actor(
        user_id=user.id,
        name=user.display_name,
        ip=client,
        user_agent=(request.headers.get("user-agent") or "")[:300] or None,
    )
