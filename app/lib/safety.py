"""Request and response safety for the whole app: same-origin unsafe requests, JSON bodies, security headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.lib.errors import PermissionDenied, UnsupportedMediaType

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class RequestSafetyMiddleware(ASGIMiddleware):
    """Refuses cross-site unsafe requests (Origin, Sec-Fetch-Site) and non-JSON bodies under the given path prefixes.

    The ERP guards its API (/api/); the Amazon simulator guards its admin API (/_admin/) with the same rules. Besides
    the request's own origin, the origins in the app's `state.allowed_origins` (if it has any) are accepted.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self, path_prefixes: tuple[str, ...] = ("/api/",)) -> None:
        self.path_prefixes = path_prefixes

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") in UNSAFE and scope["path"].startswith(self.path_prefixes):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            self._check_origin(scope, headers)
            self._check_body_type(headers)
        await next_app(scope, receive, send)

    def _check_origin(self, scope: Scope, headers: dict[str, str]) -> None:
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            raise PermissionDenied(f"Cross-site request refused (Sec-Fetch-Site: {site}).", code="cross_site")
        origin = headers.get("origin")
        if origin is None:
            return
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        allowed = scope["app"].state.get("allowed_origins", frozenset())
        if origin.lower() not in allowed and origin.lower() != own:
            raise PermissionDenied(f"Requests from {origin[:100]} are not accepted.", code="cross_site")

    @staticmethod
    def _check_body_type(headers: dict[str, str]) -> None:
        has_body = headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if has_body and content_type != "application/json":
            raise UnsupportedMediaType(
                f"Send JSON (Content-Type: application/json), not {content_type or 'an untyped body'}.",
                fields={"Content-Type": "must be application/json"},
            )


def security_headers(secure: bool) -> Any:
    """A before_send hook adding the security headers to every response the app sends."""
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
        "base-uri 'self'; form-action 'self' https:; frame-ancestors 'none'"
    )

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

    return before_send
