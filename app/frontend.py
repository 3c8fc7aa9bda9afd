"""Serves the built frontend (frontend/dist): hashed assets cached for good, every page route answered by index.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router, get
from litestar.datastructures import CacheControlHeader
from litestar.params import FromPath
from litestar.response import File
from litestar.static_files import create_static_files_router

from app.lib.errors import NotFound

# Paths the server owns: an unknown one there is a real 404, never the page. "schema" also keeps the build's
# schema.html (the API documentation, answered at /schema by app/lib/api_docs.py) from being served by name.
_SERVER_PREFIXES = ("api/", "oauth/", "_sim/", "schema", "health", "ready", "metrics")


def frontend_routes(dist: Path) -> list[Any]:
    """The asset router and the page fallback; the fallback says how to build the frontend when it is missing."""

    def serve(relative: str) -> File:
        if relative.startswith(_SERVER_PREFIXES):
            raise NotFound(f"Nothing at /{relative}.")
        index = dist / "index.html"
        if not index.is_file():
            raise NotFound("The frontend is not built: run `make run` (or `make frontend`).", code="frontend_missing")
        # Root files of the build (favicon, robots.txt) by name; everything else is a route of the page.
        candidate = (dist / relative).resolve()
        if relative and "/" not in relative and candidate.parent == dist.resolve() and candidate.is_file():
            return File(candidate, filename=candidate.name, content_disposition_type="inline")
        return File(index, filename="index.html", content_disposition_type="inline", media_type="text/html")

    options: dict[str, Any] = {
        "exclude_from_auth": True,
        "include_in_schema": False,
        "cache_control": CacheControlHeader(no_cache=True),
        "sync_to_thread": False,
    }

    @get("/", **options)
    def index_page() -> File:
        return serve("")

    @get("/{path:path}", **options)
    def page(path: FromPath[str]) -> File:
        return serve(path.lstrip("/"))

    assets = create_static_files_router(
        path="/assets",
        directories=[dist / "assets"],
        name="frontend-assets",
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=31_536_000, public=True),
        opt={"exclude_from_auth": True},
    )
    return [assets, Router(path="/", route_handlers=[index_page, page])]
