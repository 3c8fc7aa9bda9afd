"""The draft rules' refusals as an admin meets them: the whole answer, its code, its words and the field it names."""

from __future__ import annotations

from app.services import Services
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, create_company, save


async def _tree(admin: Browser) -> dict[str, int]:
    """US-01 with CA-01 unified and UK-01 not unified; UK-01 with DE-01 unified and AT-01 not; JP-01 apart."""
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    de = await create_company(admin, "DE-01", parent=uk["id"], unified=True)
    at = await create_company(admin, "AT-01", parent=uk["id"])
    jp = await create_company(admin, "JP-01")
    companies = (us, ca, uk, de, at, jp)
    return {company["code"]: company["id"] for company in companies}


async def test_a_scoped_admin_moving_a_company_to_the_top_is_told_to_choose_one_of_their_companies(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])
    draft = await begin_edit(uma, ids["AT-01"])

    refused = await change(uma, draft["id"], parentId=None)

    assert refused.status_code == 422
    assert refused.json() == {
        "error": "outside_scope",
        "message": "You may only place companies below the companies you manage.",
        "fields": {"parentId": "choose one of your companies"},
    }


async def test_a_scoped_admin_moves_a_company_below_a_company_they_manage_and_nowhere_else(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])
    draft = await begin_edit(uma, ids["AT-01"])

    outside = await change(uma, draft["id"], parentId=ids["JP-01"])
    inside = await change(uma, draft["id"], parentId=ids["DE-01"])
    saved = await save(uma, draft)

    assert outside.status_code == 422
    assert outside.json()["error"] == "unknown_parent"
    assert inside.status_code == 200, inside.text
    assert inside.json()["values"]["parentId"] == ids["DE-01"]
    assert saved.status_code == 200, saved.text
    assert (await admin.get(f"/api/companies/{ids['AT-01']}")).json()["parent"]["code"] == "DE-01"


async def test_a_scoped_admin_lets_a_member_use_its_own_account_though_its_parent_is_outside_their_companies(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin)
    uma = await browser_factory("admin", "uma", "Uma", codes=["CA-01"])
    draft = await begin_edit(uma, ids["CA-01"])

    changed = await change(uma, draft["id"], unified=False)
    saved = await save(uma, draft)

    assert changed.status_code == 200, changed.text
    assert [w["code"] for w in changed.json()["warnings"]] == ["will_be_not_connected"]
    assert saved.status_code == 200, saved.text
    company = (await admin.get(f"/api/companies/{ids['CA-01']}")).json()
    assert (company["parent"]["code"], company["unified"]) == ("US-01", False)


async def test_the_account_type_of_a_unified_member_is_refused_naming_its_owner(admin: Browser) -> None:
    ids = await _tree(admin)
    draft = await begin_edit(admin, ids["DE-01"])

    refused = await change(admin, draft["id"], accountType="vendor")

    assert refused.status_code == 422
    assert refused.json() == {
        "error": "account_scope_on_member",
        "message": "DE-01 uses UK-01's Amazon account: change the account type on UK-01.",
        "fields": {"accountType": "set on the account owner UK-01"},
    }
