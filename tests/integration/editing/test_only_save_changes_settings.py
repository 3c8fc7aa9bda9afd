"""No route but Save changes stored settings: every other route is called and the stored rows stay the same."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Litestar

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection, AmazonSettings, IntegrationCredentials
from app.companies.tables import Company
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import begin_edit, change, connect, create_company, save

SAVES = {"POST /api/edits/{edit_id:uuid}/save", "POST /api/integration-credentials/edits/{edit_id:uuid}/save"}
# What a connection test may update is operational state (last check, token cache), not settings.
CONNECTION_SETTINGS = (
    AmazonConnection.id,
    AmazonConnection.company,
    AmazonConnection.region,
    AmazonConnection.selling_partner_id,
    AmazonConnection.refresh_token,
    AmazonConnection.authorized_at,
    AmazonConnection.authorization_expires_at,
)


def routes_of(app: Litestar) -> set[str]:
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method not in ("HEAD", "OPTIONS") and not route.path.startswith("/_sim/"):
                    found.add(f"{method} {route.path}")
    return found


async def stored_settings(company_ids: list[int]) -> list[Any]:
    companies = await Company.select(Company.id, Company.parent, Company.unified, Company.language).where(
        Company.id.is_in(company_ids)
    )
    settings = await AmazonSettings.select().where(AmazonSettings.company.is_in(company_ids))
    connections = await AmazonConnection.select(*CONNECTION_SETTINGS).where(AmazonConnection.company.is_in(company_ids))
    credentials = await IntegrationCredentials.select()
    return [
        sorted(companies, key=lambda r: r["id"]),
        sorted(settings, key=lambda r: r["id"]),
        sorted(connections, key=lambda r: r["id"]),
        sorted(credentials, key=lambda r: r["id"]),
    ]


async def test_every_route_but_save_leaves_stored_settings_unchanged(
    app: Litestar, admin: Browser, services: Services, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA)
    ids = [us["id"], ca["id"]]
    draft = await begin_edit(admin, us["id"])
    drafts = {"edit_id": draft["id"]}
    credentials_draft = (await admin.post("/api/integration-credentials/seller/production/edits")).json()
    before = await stored_settings(ids)
    cred = f"/api/integration-credentials/edits/{credentials_draft['id']}"

    async def first_link_id() -> int:
        return int((await admin.get(f"/api/edits/{drafts['edit_id']}")).json()["consentLinks"][0]["id"])

    async def link_token() -> str:
        body = (await admin.get("/api/outbox")).json()["items"][0]["body"]
        return str(re.findall(r"/oauth/amazon/consent/([A-Za-z0-9_-]{43})", body)[0])

    async def holder_button() -> Any:
        return await admin.post("/oauth/amazon/consent", data={"token": await link_token()})

    calls = {
        "GET /health": lambda: admin.get("/health"),
        "GET /ready": lambda: admin.get("/ready"),
        "GET /api/auth/me": lambda: admin.get("/api/auth/me"),
        "PUT /api/auth/me/language": lambda: admin.put("/api/auth/me/language", json={"language": "fr"}),
        "POST /api/auth/login": lambda: admin.post("/api/auth/login", json={"username": "x", "password": "y"}),
        "GET /api/companies": lambda: admin.get("/api/companies"),
        "POST /api/companies": lambda: admin.post("/api/companies", json={"code": "NEW-01", "name": "New"}),
        "GET /api/companies/{company_id:int}": lambda: admin.get(f"/api/companies/{us['id']}"),
        "GET /api/companies/{company_id:int}/amazon": lambda: admin.get(f"/api/companies/{ca['id']}/amazon"),
        "GET /api/marketplaces": lambda: admin.get("/api/marketplaces"),
        "POST /api/companies/{company_id:int}/amazon/edits": lambda: admin.post(
            f"/api/companies/{ca['id']}/amazon/edits"
        ),
        "GET /api/edits/{edit_id:uuid}": lambda: admin.get(f"/api/edits/{drafts['edit_id']}"),
        "PATCH /api/edits/{edit_id:uuid}": lambda: change(
            admin, drafts["edit_id"], enabled=True, accountType="vendor", marketplaceIds=["ATVPDKIKX0DER"]
        ),
        "GET /api/companies/{company_id:int}/audit": lambda: admin.get(f"/api/companies/{us['id']}/audit"),
        "POST /api/edits/{edit_id:uuid}/regions/{region:str}/authorize": lambda: admin.post(
            f"/api/edits/{drafts['edit_id']}/regions/NA/authorize"
        ),
        "POST /api/companies/{company_id:int}/amazon/regions/{region:str}/refresh": lambda: admin.post(
            f"/api/companies/{ca['id']}/amazon/regions/NA/refresh"
        ),
        "POST /api/edits/{edit_id:uuid}/regions/{region:str}/consent-links": lambda: admin.post(
            f"/api/edits/{drafts['edit_id']}/regions/NA/consent-links", json={"email": "holder@example.com"}
        ),
        "POST /api/edits/{edit_id:uuid}/consent-links/{link_id:int}/resend": lambda: _then(
            first_link_id(), lambda link: admin.post(f"/api/edits/{drafts['edit_id']}/consent-links/{link}/resend")
        ),
        "GET /oauth/amazon/consent/{token:str}": lambda: _then(
            link_token(), lambda token: admin.get(f"/oauth/amazon/consent/{token}")
        ),
        "POST /oauth/amazon/consent": holder_button,
        "DELETE /api/edits/{edit_id:uuid}/consent-links/{link_id:int}": lambda: _then(
            first_link_id(), lambda link: admin.delete(f"/api/edits/{drafts['edit_id']}/consent-links/{link}")
        ),
        "GET /oauth/amazon/callback": lambda: admin.get("/oauth/amazon/callback", params={"state": "x"}),
        "GET /oauth/amazon/login": lambda: admin.get("/oauth/amazon/login"),
        "POST /oauth/amazon/login": lambda: admin.post("/oauth/amazon/login", data={}),
        "GET /api/integration-credentials": lambda: admin.get("/api/integration-credentials"),
        "GET /api/notifications": lambda: admin.get("/api/notifications"),
        "POST /api/notifications/{notification_id:int}/read": lambda: admin.post("/api/notifications/1/read"),
        "POST /api/integration-credentials/{account_type:str}/{environment:str}/edits": lambda: admin.post(
            "/api/integration-credentials/seller/production/edits"
        ),
        "GET /api/integration-credentials/edits/{edit_id:uuid}": lambda: admin.get(cred),
        "PATCH /api/integration-credentials/edits/{edit_id:uuid}": lambda: admin.patch(
            cred, json={"draftApp": True, "lwaClientSecret": "a-brand-new-secret"}
        ),
        "DELETE /api/integration-credentials/edits/{edit_id:uuid}": lambda: admin.delete(cred),
        "DELETE /api/edits/{edit_id:uuid}": lambda: admin.delete(f"/api/edits/{drafts['edit_id']}"),
        "GET /api/users": lambda: admin.get("/api/users"),
        "POST /api/users": lambda: admin.post(
            "/api/users",
            json={"username": "new-one", "displayName": "New One", "role": "viewer", "password": "long-enough-pw"},
        ),
        "POST /api/users/{user_id:int}/deactivate": lambda: admin.post("/api/users/999/deactivate"),
        "GET /api/outbox": lambda: admin.get("/api/outbox"),
        "GET /api/amazon/expiry-timeline": lambda: admin.get("/api/amazon/expiry-timeline"),
        "POST /api/bulk-tests": lambda: admin.post("/api/bulk-tests", json={}),
        "GET /api/bulk-tests/current": lambda: admin.get("/api/bulk-tests/current"),
        "GET /api/bulk-tests/{run_id:int}": lambda: admin.get("/api/bulk-tests/1"),
        "GET /api/bulk-tests/{run_id:int}/results": lambda: admin.get("/api/bulk-tests/1/results"),
        "GET /api/bulk-tests/{run_id:int}/results.csv": lambda: admin.get("/api/bulk-tests/1/results.csv"),
        "POST /api/bulk-tests/{run_id:int}/cancel": lambda: admin.post("/api/bulk-tests/1/cancel"),
        "GET /": lambda: admin.get("/"),
        "GET /{path:path}": lambda: admin.get("/companies"),
        "GET /assets/{file_path:path}": lambda: admin.get("/assets/missing.js"),
        "POST /api/auth/logout": lambda: admin.post("/api/auth/logout"),
    }
    documentation = {r for r in routes_of(app) if r.split(" ", 1)[1].startswith("/schema")}

    assert routes_of(app) - documentation == set(calls) | SAVES, "classify every new route in this test"
    for name, call in calls.items():
        response = await call()
        assert response.status_code < 500, (name, response.text)
    assert await stored_settings(ids) == before


async def _then(first: Awaitable[Any], then: Callable[[Any], Awaitable[Any]]) -> Any:
    """A call that needs what an earlier answer said (a link's id or token)."""
    return await then(await first)


async def test_save_is_the_route_that_changes_them(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    before = await stored_settings([us["id"]])
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], enabled=True)

    await save(admin, draft)

    assert await stored_settings([us["id"]]) != before
