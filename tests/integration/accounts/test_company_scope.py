"""Users limited to some companies (and their descendants) see nothing else: 404, and lists leave it out."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE

from app.services import Services
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, create_company


async def _tree(admin: Browser) -> dict[str, int]:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    de = await create_company(admin, "DE-01", parent=uk["id"], unified=True)
    jp = await create_company(admin, "JP-01")
    return {"US-01": us["id"], "CA-01": ca["id"], "UK-01": uk["id"], "DE-01": de["id"], "JP-01": jp["id"]}


async def test_lists_show_only_the_scope_and_its_descendants(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01", "JP-01"])

    body = (await uma.get("/api/companies")).json()

    assert [c["code"] for c in body["items"]] == ["DE-01", "JP-01", "UK-01"]
    assert body["total"] == 3
    assert (await uma.get("/api/auth/me")).json()["user"]["companyScope"] is not None


async def test_companies_outside_the_scope_answer_404_everywhere(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])
    outside, inside = ids["US-01"], ids["DE-01"]

    for path in ("/api/companies/{}", "/api/companies/{}/amazon", "/api/companies/{}/audit"):
        assert (await uma.get(path.format(outside))).status_code == 404, path
        assert (await uma.get(path.format(inside))).status_code == 200, path
    assert (await uma.post(f"/api/companies/{outside}/amazon/edits")).status_code == 404
    assert (await uma.post(f"/api/companies/{inside}/amazon/edits")).status_code == 201


async def test_a_draft_of_a_company_outside_the_scope_is_not_reachable(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    draft = await begin_edit(admin, ids["US-01"])
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])

    assert (await uma.get(f"/api/edits/{draft['id']}")).status_code == 404


async def test_scoped_users_create_companies_only_below_their_scope(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])

    root = await uma.post("/api/companies", json={"code": "NEW-01", "name": "New"})
    elsewhere = await uma.post("/api/companies", json={"code": "NEW-02", "name": "New", "parentId": ids["US-01"]})
    below = await uma.post("/api/companies", json={"code": "NEW-03", "name": "New", "parentId": ids["DE-01"]})

    assert root.status_code == 422
    assert elsewhere.status_code == 422
    assert below.status_code == 201


async def test_create_user_command_limits_a_user_to_companies(admin: Browser, browser_factory: BrowserFactory) -> None:
    await _tree(admin)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "create-user",
        "zoe",
        "--role",
        "support",
        "--companies",
        "JP-01",
        "--password",
        "long-enough-password",
        env=dict(os.environ),
        stdout=PIPE,
        stderr=PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    client = await browser_factory(None)
    login = await client.post("/api/auth/login", json={"username": "zoe", "password": "long-enough-password"})

    assert process.returncode == 0, err.decode()
    assert "limited to JP-01" in out.decode()
    assert login.json()["user"]["role"] == "support"
    assert [c["code"] for c in (await client.get("/api/companies")).json()["items"]] == ["JP-01"]
