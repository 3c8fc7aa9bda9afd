"""A scoped admin's refusals read whole over the company endpoints: an owner outside the scope, and an emptied scope."""

from __future__ import annotations

import msgspec

from app.accounts.tables import User
from app.services import Services
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, create_company

_OWNER_OUTSIDE = {
    "error": "owner_outside_scope",
    "message": "{code} would use the Amazon account of US-01, which is outside the companies you manage: keep it not "
    "unified, or ask an administrator of that account.",
    "fields": {"unified": "the account owner is outside the companies you manage"},
}


async def _tree(admin: Browser) -> dict[str, int]:
    """US-01 with CA-01 unified under it and UK-01 not unified; UK-01 has a child IE-01 of its own."""
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    ie = await create_company(admin, "IE-01", parent=uk["id"])
    return {"US-01": us["id"], "CA-01": ca["id"], "UK-01": uk["id"], "IE-01": ie["id"]}


async def test_a_scoped_admin_creating_a_unified_company_under_a_member_of_an_outside_owner_is_told_which_owner(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma Scoped", codes=["CA-01", "UK-01"])

    refused = await uma.post(
        "/api/companies", json={"code": "CA-02", "name": "Company CA-02", "parentId": ids["CA-01"], "unified": True}
    )
    listed = (await admin.get("/api/companies")).json()

    assert refused.status_code == 422
    assert refused.json() == {**_OWNER_OUTSIDE, "message": _OWNER_OUTSIDE["message"].format(code="CA-02")}
    assert sorted(c["code"] for c in listed["items"]) == ["CA-01", "IE-01", "UK-01", "US-01"]


async def test_a_scoped_admin_unifying_a_company_with_an_outside_owner_is_told_which_owner_in_the_draft(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma Scoped", codes=["UK-01"])
    draft = await begin_edit(uma, ids["UK-01"])

    refused = await change(uma, draft["id"], unified=True)
    company = (await admin.get(f"/api/companies/{ids['UK-01']}")).json()

    assert refused.status_code == 422
    assert refused.json() == {**_OWNER_OUTSIDE, "message": _OWNER_OUTSIDE["message"].format(code="UK-01")}
    assert (company["unified"], company["accountOwner"]["code"]) == (False, "UK-01")


async def test_an_admin_whose_scope_was_emptied_sees_no_company_and_may_place_none(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma Scoped", codes=["UK-01"])
    # An operator takes the user's last company away: the scope is empty, not "every company".
    await User.update({User.company_scope: msgspec.json.encode([]).decode()}).where(User.username == "uma")

    listed = await uma.get("/api/companies")
    opened = await uma.get(f"/api/companies/{ids['US-01']}")
    created = await uma.post(
        "/api/companies", json={"code": "US-02", "name": "Company US-02", "parentId": ids["US-01"], "unified": False}
    )
    everything = (await admin.get("/api/companies")).json()

    assert listed.status_code == 200, listed.text
    assert (listed.json()["items"], listed.json()["total"]) == ([], 0)
    assert opened.status_code == 404
    assert opened.json()["message"] == f"Company {ids['US-01']} does not exist."
    assert created.status_code == 422
    assert created.json() == {
        "error": "unknown_parent",
        "message": f"Parent company {ids['US-01']} does not exist.",
        "fields": {"parentId": "no such company"},
    }
    assert everything["total"] == 4
