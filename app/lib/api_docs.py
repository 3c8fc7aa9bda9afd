"""The API documentation at /schema: Swagger UI as built with the frontend (frontend/dist/schema.html), no CDN."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType
from litestar.openapi.plugins import OpenAPIRenderPlugin

from app.lib.errors import NotFound

if TYPE_CHECKING:
    from litestar.connection import Request
    from litestar.router import Router

SCHEMA_PAGE = "schema.html"


class BuiltSwaggerUI(OpenAPIRenderPlugin):
    """Answers /schema with the built documentation page; its own script then reads /schema/openapi.json.

    The page and its hashed assets under /assets come from `npm run build` (frontend/schema.html and
    frontend/src/schema), so the viewer needs nothing from another origin and no inline script.
    """

    def __init__(self, dist: Path) -> None:
        super().__init__(path="/", media_type=MediaType.HTML, favicon="", style="")
        self.page = dist / SCHEMA_PAGE

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        try:
            return self.page.read_bytes()
        except FileNotFoundError:
            raise NotFound(
                "The API documentation page is not built: run `make run` (or `make frontend`). "
                "The OpenAPI document itself is at /schema/openapi.json.",
                code="frontend_missing",
            ) from None

    def receive_router(self, router: Router) -> None:
        # The page names the build's hashed assets: a browser asks again after every deploy, as for the app page.
        router.cache_control = CacheControlHeader(no_cache=True)
