"""CSRF, same-origin checks, JSON-only bodies, security headers and CORS."""

from __future__ import annotations

import httpx
import msgspec
from litestar import Litestar

from app.config import get_settings
from app.main import create_app
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import create_company


async def test_unsafe_request_without_the_csrf_token_is_refused_and_changes_nothing(admin: Browser) -> None:
    token = admin.headers.pop("X-CSRF-Token")

    missing = await admin.post("/api/companies", json={"code": "US-01", "name": "Acme"})
    wrong = await admin.post(
        "/api/companies", json={"code": "US-01", "name": "Acme"}, headers={"X-CSRF-Token": token[:-2] + "xx"}
    )
    reading = await admin.get("/api/companies")

    assert missing.status_code == 403
    assert missing.json()["error"] == "csrf_failed"
    assert wrong.status_code == 403
    assert reading.status_code == 200
    assert reading.json()["total"] == 0


async def test_a_csrf_token_of_another_session_does_not_work(admin: Browser, browser_factory: BrowserFactory) -> None:
    other = await browser_factory("admin", "eve", "Eve")

    response = await admin.post(
        "/api/companies",
        json={"code": "US-01", "name": "Acme"},
        headers={"X-CSRF-Token": other.headers["X-CSRF-Token"]},
    )

    assert response.status_code == 403


async def test_cross_site_requests_are_refused(admin: Browser) -> None:
    foreign_origin = await admin.post(
        "/api/companies", json={"code": "US-01", "name": "Acme"}, headers={"Origin": "https://evil.example"}
    )
    cross_site = await admin.post(
        "/api/companies", json={"code": "US-01", "name": "Acme"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    same_origin = await admin.post(
        "/api/companies",
        json={"code": "US-01", "name": "Acme"},
        headers={"Origin": "http://testserver.local", "Sec-Fetch-Site": "same-origin"},
    )

    assert foreign_origin.status_code == 403
    assert foreign_origin.json()["error"] == "cross_site"
    assert cross_site.status_code == 403
    assert same_origin.status_code == 201


async def test_login_from_another_site_is_refused(browser_factory: BrowserFactory) -> None:
    client = await browser_factory(None)

    response = await client.post(
        "/api/auth/login", json={"username": "a", "password": "b"}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403


async def test_form_posts_are_refused_with_415(admin: Browser) -> None:
    response = await admin.post("/api/companies", data={"code": "US-01", "name": "Acme"})

    assert response.status_code == 415
    assert response.json()["fields"] == {"Content-Type": "must be application/json"}
    assert (await admin.get("/api/companies")).json()["total"] == 0


async def test_every_response_carries_the_security_headers(admin: Browser) -> None:
    responses = [
        await admin.get("/health"),
        await admin.get("/api/companies"),
        await admin.get("/api/companies/999"),
        await admin.get("/no/such/page"),
        await admin.post("/api/companies", json={"code": "bad code"}),
    ]

    for response in responses:
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], response.url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # local, plain HTTP


def _app_for(**changes: str) -> Litestar:
    return create_app(msgspec.structs.replace(get_settings(), **changes))


async def test_hsts_is_sent_when_the_public_url_is_https() -> None:
    application = _app_for(public_url="https://erp.example.com")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="https://erp.example.com"
    ) as c:
        response = await c.get("/health")

    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_cors_answers_only_configured_origins() -> None:
    application = _app_for(cors_origins="https://ops.example.com")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as c:
        allowed = await c.options("/api/companies", headers={"Origin": "https://ops.example.com", **preflight})
        other = await c.options("/api/companies", headers={"Origin": "https://evil.example", **preflight})

    assert allowed.headers.get("access-control-allow-origin") == "https://ops.example.com"
    assert allowed.headers.get("access-control-allow-credentials") == "true"
    assert "access-control-allow-origin" not in other.headers


async def test_no_cors_headers_without_configuration(admin: Browser) -> None:
    await create_company(admin, "US-01")

    response = await admin.get("/api/companies", headers={"Origin": "https://ops.example.com"})

    assert "access-control-allow-origin" not in response.headers
