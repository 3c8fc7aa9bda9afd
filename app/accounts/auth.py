"""Request authentication from the session cookie, role guards, and the actor of a request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from app.accounts.schemas import CurrentUser, Role
from app.audit.service import Actor
from app.lib.errors import NotAuthenticated, PermissionDenied

if TYPE_CHECKING:
    from litestar import Request
    from litestar.handlers.base import BaseRouteHandler

SESSION_COOKIE = "erp_session"


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    """Resolves the session cookie to a user on every /api request that is not marked exclude_from_auth."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        user = await connection.app.state.services.accounts.authenticate(token)
        if user is None:
            raise NotAuthenticated("Sign in first: your session is missing or has expired.")
        return AuthenticationResult(user=user, auth=token)


def requires_role(*roles: Role) -> Any:
    """A guard that lets only the given roles through (403 for the others)."""

    def guard(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.user
        if user.role not in roles:
            raise PermissionDenied(f"Your role ({user.role}) may not do this; it needs {' or '.join(roles)}.")

    return guard


def actor_of(request: Request[CurrentUser, Any, Any]) -> Actor:
    user = request.user
    client = request.client.host if request.client else None
    return Actor(
        user_id=user.id,
        name=user.display_name,
        ip=client,
        user_agent=(request.headers.get("user-agent") or "")[:300] or None,
    )
