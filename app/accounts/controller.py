"""HTTP surface of sign-in: login, logout, me, and the language the user chose."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody

from app.accounts.auth import SESSION_COOKIE, SIGNED_IN
from app.accounts.schemas import ActiveSession, CurrentUser, LanguageChoice, LoginRequest, SignedIn
from app.lib.http import error_responses
from app.services import Services


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/login",
        operation_id="login",
        status_code=200,
        exclude_from_auth=True,
        responses=error_responses(415),
    )
    async def login(
        self, services: NamedDependency[Services], request: Request[Any, Any, Any], data: JSONBody[LoginRequest]
    ) -> Response[SignedIn]:
        """Sign in; sets a fresh session cookie and returns the session's CSRF token."""
        client = request.client.host if request.client else None
        token, signed_in = await services.accounts.login(
            data.username, data.password, client, request.headers.get("user-agent")
        )
        secure = services.config.secure_cookies
        cookie = Cookie(
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
            max_age=services.config.session_absolute_hours * 3600,
        )
        return Response(signed_in, cookies=[cookie])

    @post("/logout", operation_id="logout", status_code=204, security=SIGNED_IN, responses=error_responses(415))
    async def logout(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any]
    ) -> Response[None]:
        """Sign out: the session ends on the server too."""
        await services.accounts.logout(request.cookies.get(SESSION_COOKIE))
        return Response(None, status_code=204, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])

    @get("/me", operation_id="me", security=SIGNED_IN, responses=error_responses())
    async def me(self, request: Request[CurrentUser, ActiveSession, Any]) -> SignedIn:
        """The signed-in user and the session's CSRF token (for a page that was reloaded)."""
        return SignedIn(user=request.auth.user, csrf_token=request.auth.csrf_token)

    @put("/me/language", operation_id="chooseLanguage", security=SIGNED_IN, responses=error_responses(415))
    async def choose_language(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, ActiveSession, Any],
        data: JSONBody[LanguageChoice],
    ) -> CurrentUser:
        """Store the page language the signed-in user chose (en, de or fr) for all their sessions."""
        return await services.accounts.choose_language(request.user, data.language)
