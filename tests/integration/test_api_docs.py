"""/schema answers the documentation page built with the frontend (no CDN); the OpenAPI document stays beside it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import msgspec
import pytest

from app.config import get_settings
from app.main import create_app

# What `npm run build` emits for frontend/schema.html: the page names its hashed script and style under /assets.
SCHEMA_PAGE = (
    '<!doctype html><html lang="en"><head><title>API documentation</title>'
    '<script type="module" crossorigin src="/assets/schema-5e7a1b.js"></script>'
    '<link rel="stylesheet" crossorigin href="/assets/schema-9c4d2f.css"></head>'
    '<body><div id="api-docs"></div></body></html>'
)
APP_PAGE = '<!doctype html><html><body><div id="root"></div></body></html>'


def build(dist: Path, *, with_schema_page: bool = True) -> Path:
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(APP_PAGE)
    if with_schema_page:
        (dist / "schema.html").write_text(SCHEMA_PAGE)
        (dist / "assets" / "schema-5e7a1b.js").write_text("document.title = 'API documentation';\n")
        (dist / "assets" / "schema-9c4d2f.css").write_text("body { margin: 0 }\n")
    return dist


@pytest.fixture
async def serving(tmp_path: Path) -> AsyncIterator[Callable[[Path], httpx.AsyncClient]]:
    """A client of the whole app serving the given build (the documentation needs no database or Redis)."""
    clients: list[httpx.AsyncClient] = []

    def serve(dist: Path) -> httpx.AsyncClient:
        app = create_app(msgspec.structs.replace(get_settings(), frontend_dist=str(dist)))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")
        clients.append(client)
        return client

    yield serve
    for client in clients:
        await client.aclose()


async def test_schema_answers_the_built_page_naming_only_same_origin_assets(
    serving: Callable[[Path], httpx.AsyncClient], tmp_path: Path
) -> None:
    client = serving(build(tmp_path / "dist"))

    page = await client.get("/schema")
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assets = [await client.get(reference) for reference in references]

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert page.text == SCHEMA_PAGE
    assert references == ["/assets/schema-5e7a1b.js", "/assets/schema-9c4d2f.css"]
    assert [asset.status_code for asset in assets] == [200, 200]
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src" not in csp  # scripts from this origin only, and none inline
    assert "cdn" not in page.text


async def test_the_openapi_document_still_answers_beside_the_page(
    serving: Callable[[Path], httpx.AsyncClient], tmp_path: Path
) -> None:
    client = serving(build(tmp_path / "dist"))

    document = await client.get("/schema/openapi.json")

    assert document.status_code == 200
    assert document.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    operations = {operation["operationId"] for item in document.json()["paths"].values() for operation in item.values()}
    assert {"login", "listCompanies", "changeEdit"} <= operations


async def test_a_missing_build_says_how_to_build_it_and_the_document_still_answers(
    serving: Callable[[Path], httpx.AsyncClient], tmp_path: Path
) -> None:
    client = serving(build(tmp_path / "dist", with_schema_page=False))

    page = await client.get("/schema")
    document = await client.get("/schema/openapi.json")

    assert page.status_code == 404
    assert page.json()["error"] == "frontend_missing"
    assert "make frontend" in page.json()["message"]
    assert document.status_code == 200


async def test_the_documentation_page_is_never_served_as_the_app_page(
    serving: Callable[[Path], httpx.AsyncClient], tmp_path: Path
) -> None:
    client = serving(build(tmp_path / "dist"))

    direct = await client.get("/schema.html")
    app_page = await client.get("/companies")
    unknown_schema_path = await client.get("/schema/nothing-here")

    assert direct.status_code == 404
    assert app_page.text == APP_PAGE
    assert unknown_schema_path.status_code == 404
    assert 'id="api-docs"' not in unknown_schema_path.text
