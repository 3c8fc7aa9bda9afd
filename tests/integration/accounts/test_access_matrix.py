"""Every route for every kind of caller: anonymous 401, a role without the right 403, outside one's scope 404."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar

from app.services import Services
from tests.fixtures import PASSWORD, BrowserFactory
from tests.helpers import begin_edit, create_company
from tests.integration.editing.test_only_save_changes_settings import routes_of

CALLERS = ("anonymous", "viewer", "support", "admin", "scoped")
# route: (method, path template, body, {caller: status})
MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "GET /health": ("GET", "/health", None, dict.fromkeys(CALLERS, 200)),
    "GET /ready": ("GET", "/ready", None, dict.fromkeys(CALLERS, 200)),
    "GET /api/auth/me": (
        "GET",
        "/api/auth/me",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 200},
    ),
    "PUT /api/auth/me/language": (
        "PUT",
        "/api/auth/me/language",
        {"language": "de"},
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 200},
    ),
    "POST /api/auth/login": (
        "POST",
        "/api/auth/login",
        {"username": "nobody", "password": "x"},
        dict.fromkeys(CALLERS, 401),
    ),
    "GET /api/companies": (
        "GET",
        "/api/companies",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 200},
    ),
    "POST /api/companies": (
        "POST",
        "/api/companies",
        {"code": "NEW-{caller}", "name": "New"},
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 201, "scoped": 422},
    ),
    "GET /api/companies/{company_id:int}": (
        "GET",
        "/api/companies/{us}",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 404},
    ),
    "GET /api/companies/{company_id:int}/amazon": (
        "GET",
        "/api/companies/{us}/amazon",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 404},
    ),
    "GET /api/marketplaces": (
        "GET",
        "/api/marketplaces",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 200},
    ),
    "GET /api/companies/{company_id:int}/audit": (
        "GET",
        "/api/companies/{us}/audit",
        None,
        {"anonymous": 401, "viewer": 403, "support": 200, "admin": 200, "scoped": 404},
    ),
    "POST /api/companies/{company_id:int}/amazon/edits": (
        "POST",
        "/api/companies/{us}/amazon/edits",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 404},
    ),
    "POST /api/edits/{edit_id:uuid}/regions/{region:str}/authorize": (
        "POST",
        "/api/edits/{edit}/regions/NA/authorize",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 422, "scoped": 404},
    ),
    # Asking the account holder by e-mail: admins in their own draft (no app credentials here: 422, as authorize).
    "POST /api/edits/{edit_id:uuid}/regions/{region:str}/consent-links": (
        "POST",
        "/api/edits/{edit}/regions/NA/consent-links",
        {"email": "holder@example.com"},
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 422, "scoped": 404},
    ),
    "POST /api/edits/{edit_id:uuid}/consent-links/{link_id:int}/resend": (
        "POST",
        "/api/edits/{edit}/consent-links/999/resend",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 404, "scoped": 404},
    ),
    "DELETE /api/edits/{edit_id:uuid}/consent-links/{link_id:int}": (
        "DELETE",
        "/api/edits/{edit}/consent-links/999",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 404, "scoped": 404},
    ),
    # The account holder's pages need no account: an unknown link is a 404 for everyone.
    "GET /oauth/amazon/consent/{token:str}": (
        "GET",
        "/oauth/amazon/consent/" + "A" * 43,
        None,
        dict.fromkeys(CALLERS, 404),
    ),
    "POST /oauth/amazon/consent": ("POST", "/oauth/amazon/consent", None, dict.fromkeys(CALLERS, 404)),
    "POST /api/companies/{company_id:int}/amazon/regions/{region:str}/refresh": (
        "POST",
        "/api/companies/{us}/amazon/regions/NA/refresh",
        None,
        {"anonymous": 401, "viewer": 403, "support": 422, "admin": 422, "scoped": 404},
    ),
    "GET /api/edits/{edit_id:uuid}": (
        "GET",
        "/api/edits/{edit}",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 404},
    ),
    "PATCH /api/edits/{edit_id:uuid}": (
        "PATCH",
        "/api/edits/{edit}",
        {"enabled": True},
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 404},
    ),
    "POST /api/edits/{edit_id:uuid}/save": (
        "POST",
        "/api/edits/{edit}/save",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 404},
    ),
    "DELETE /api/edits/{edit_id:uuid}": (
        "DELETE",
        "/api/edits/{other_edit}",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 204, "scoped": 404},
    ),
    "GET /api/notifications": (
        "GET",
        "/api/notifications",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 200},
    ),
    "POST /api/notifications/{notification_id:int}/read": (
        "POST",
        "/api/notifications/999/read",
        None,
        {"anonymous": 401, "viewer": 404, "support": 404, "admin": 404, "scoped": 404},
    ),
    "GET /oauth/amazon/callback": ("GET", "/oauth/amazon/callback", None, dict.fromkeys(CALLERS, 400)),
    "GET /oauth/amazon/login": ("GET", "/oauth/amazon/login", None, dict.fromkeys(CALLERS, 400)),
    # The renewal's confirmation: a signed-in form POST; without the form's CSRF token it is refused.
    "POST /oauth/amazon/login": (
        "POST",
        "/oauth/amazon/login",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 403, "scoped": 403},
    ),
    "GET /api/integration-credentials": (
        "GET",
        "/api/integration-credentials",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "POST /api/integration-credentials/{account_type:str}/{environment:str}/edits": (
        "POST",
        "/api/integration-credentials/seller/sandbox/edits",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "GET /api/integration-credentials/edits/{edit_id:uuid}": (
        "GET",
        "/api/integration-credentials/edits/{cred_edit}",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "PATCH /api/integration-credentials/edits/{edit_id:uuid}": (
        "PATCH",
        "/api/integration-credentials/edits/{cred_edit}",
        {"draftApp": True},
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "POST /api/integration-credentials/edits/{edit_id:uuid}/save": (
        "POST",
        "/api/integration-credentials/edits/{cred_edit}/save",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 422, "scoped": 403},
    ),
    "DELETE /api/integration-credentials/edits/{edit_id:uuid}": (
        "DELETE",
        "/api/integration-credentials/edits/{cred_edit}",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 204, "scoped": 403},
    ),
    "GET /api/users": (
        "GET",
        "/api/users",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "POST /api/users": (
        "POST",
        "/api/users",
        {"username": "made-by-{caller}", "displayName": "Made", "role": "viewer", "password": "long-enough-pw"},
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 201, "scoped": 403},
    ),
    "POST /api/users/{user_id:int}/deactivate": (
        "POST",
        "/api/users/{victim}/deactivate",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "GET /api/outbox": (
        "GET",
        "/api/outbox",
        None,
        {"anonymous": 401, "viewer": 403, "support": 403, "admin": 200, "scoped": 403},
    ),
    "GET /api/amazon/expiry-timeline": (
        "GET",
        "/api/amazon/expiry-timeline",
        None,
        {"anonymous": 401, "viewer": 200, "support": 200, "admin": 200, "scoped": 200},
    ),
    # Nothing is connected here: each run is over as it starts, and the next one may start.
    "POST /api/bulk-tests": (
        "POST",
        "/api/bulk-tests",
        {},
        {"anonymous": 401, "viewer": 403, "support": 201, "admin": 201, "scoped": 201},
    ),
    "GET /api/bulk-tests/current": (
        "GET",
        "/api/bulk-tests/current",
        None,
        {"anonymous": 401, "viewer": 403, "support": 200, "admin": 200, "scoped": 200},
    ),
    "GET /api/bulk-tests/{run_id:int}": (
        "GET",
        "/api/bulk-tests/999",
        None,
        {"anonymous": 401, "viewer": 403, "support": 404, "admin": 404, "scoped": 404},
    ),
    "POST /api/bulk-tests/{run_id:int}/cancel": (
        "POST",
        "/api/bulk-tests/999/cancel",
        None,
        {"anonymous": 401, "viewer": 403, "support": 404, "admin": 404, "scoped": 404},
    ),
    "GET /api/bulk-tests/{run_id:int}/results": (
        "GET",
        "/api/bulk-tests/999/results",
        None,
        {"anonymous": 401, "viewer": 403, "support": 404, "admin": 404, "scoped": 404},
    ),
    "GET /api/bulk-tests/{run_id:int}/results.csv": (
        "GET",
        "/api/bulk-tests/999/results.csv",
        None,
        {"anonymous": 401, "viewer": 403, "support": 404, "admin": 404, "scoped": 404},
    ),
    # The page itself is public (it holds no data); what it shows comes from the API above.
    "GET /": ("GET", "/", None, dict.fromkeys(CALLERS, 200)),
    "GET /{path:path}": ("GET", "/companies/{us}/amazon", None, dict.fromkeys(CALLERS, 200)),
    "GET /assets/{file_path:path}": ("GET", "/assets/missing.js", None, dict.fromkeys(CALLERS, 404)),
    "POST /api/auth/logout": (
        "POST",
        "/api/auth/logout",
        None,
        {"anonymous": 401, "viewer": 204, "support": 204, "admin": 204, "scoped": 204},
    ),
}


async def test_the_matrix_covers_every_route(app: Litestar) -> None:
    documentation = {r for r in routes_of(app) if r.split(" ", 1)[1].startswith("/schema")}

    assert routes_of(app) - documentation == set(MATRIX)


async def _callers(browser_factory: BrowserFactory, services: Services) -> dict[str, httpx.AsyncClient]:
    callers = {"anonymous": await browser_factory(None)}
    for role in ("viewer", "support", "admin"):
        callers[role] = await browser_factory(role, f"matrix-{role}")
    await services.accounts.create_user("matrix-scoped", PASSWORD, "admin", company_codes=["JP-01"])
    scoped = await browser_factory(None)
    login = await scoped.post("/api/auth/login", json={"username": "matrix-scoped", "password": PASSWORD})
    scoped.headers["X-CSRF-Token"] = login.json()["csrfToken"]
    callers["scoped"] = scoped
    return callers


@pytest.mark.parametrize("caller", CALLERS)
async def test_each_caller_gets_what_its_role_and_scope_allow(
    caller: str, browser_factory: BrowserFactory, services: Services
) -> None:
    setup = await browser_factory("admin", "matrix-setup")
    us = await create_company(setup, "US-01")
    mx = await create_company(setup, "MX-01")
    await create_company(setup, "JP-01")
    callers = await _callers(browser_factory, services)
    client = callers[caller]
    # The admin caller works on its own drafts; everybody else aims at them too.
    admin = callers["admin"]
    edit = await begin_edit(admin, us["id"])
    other_edit = await begin_edit(admin, mx["id"])
    cred_edit = (await admin.post("/api/integration-credentials/seller/sandbox/edits")).json()
    values = {
        "us": us["id"],
        "edit": edit["id"],
        "other_edit": other_edit["id"],
        "cred_edit": cred_edit["id"],
        "caller": caller.upper(),
        "victim": (await services.accounts.create_user("matrix-victim", PASSWORD, "viewer")).id,
    }

    seen = {}
    for name, (method, template, body, expected) in MATRIX.items():
        path = template.format(**values)
        headers = (
            {"If-Match": '"0"' if "credentials" in name else f'"{edit["baseVersion"]}"'}
            if name.endswith("/save")
            else {}
        )
        payload = {k: v.format(**values) if isinstance(v, str) else v for k, v in body.items()} if body else None
        response = await client.request(method, path, json=payload, headers=headers)
        seen[name] = response.status_code
        assert response.status_code == expected[caller], (name, caller, response.text)
    assert len(seen) == len(MATRIX)
