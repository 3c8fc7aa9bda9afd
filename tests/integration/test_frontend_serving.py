"""The built frontend is served at /: deep links load the page, assets are cached for good, API 404s stay JSON."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.frontend import frontend_routes
from app.lib.http import EXCEPTION_HANDLERS
from tests.fixtures import BrowserFactory


async def test_root_and_deep_links_answer_the_page_and_are_never_cached(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    for path in ("/", "/companies", "/companies/7/amazon?edit=1f0e", "/login?next=%2Fadmin"):
        response = await anonymous.get(path)

        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert '<div id="root">' in response.text
        assert response.headers["cache-control"] == "no-cache"
        assert "script-src" not in response.headers["content-security-policy"]  # 'self' only, from default-src


async def test_hashed_assets_are_cached_for_a_year_and_a_missing_one_is_a_404(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    asset = await anonymous.get("/assets/app-1a2b3c.js")
    missing = await anonymous.get("/assets/app-000000.js")

    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in asset.headers["cache-control"]
    assert missing.status_code == 404


async def test_assets_travel_gzipped_to_browsers_that_accept_it(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    plain = await anonymous.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": "identity"})
    packed = await anonymous.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": "gzip"})

    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 10
    assert packed.content == plain.content  # httpx decodes it


async def test_root_files_of_the_build_are_served_with_their_type(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    icon = await anonymous.get("/favicon.svg")

    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"


async def test_unknown_server_paths_stay_json_404s_not_the_page(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    for path in ("/api/nothing-here", "/api/companies/1/nothing", "/oauth/amazon/nothing", "/schemas"):
        response = await anonymous.get(path)

        assert response.status_code in (401, 404), path
        assert response.headers["content-type"] == "application/json", path


async def test_no_file_outside_the_build_is_reachable(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    for path in (
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/assets/../../pyproject.toml",
        "/..%2fpyproject.toml",
    ):
        response = await anonymous.get(path)

        assert "[project]" not in response.text, path


async def test_other_methods_on_page_routes_are_refused(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    response = await anonymous.post("/companies", json={})

    assert response.status_code in (403, 405)
    assert "<div" not in response.text


async def test_a_missing_build_says_how_to_build_it(tmp_path: Path) -> None:
    app = Litestar(route_handlers=frontend_routes(tmp_path), exception_handlers=EXCEPTION_HANDLERS)
    async with AsyncTestClient(app) as client:
        response = await client.get("/companies")

    assert response.status_code == 404
    assert response.json()["error"] == "frontend_missing"
    assert "make run" in response.json()["message"]
