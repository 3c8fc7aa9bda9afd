"""No way out of a company scope: every company a scoped user names, or makes a company resolve to, is inside it."""

from __future__ import annotations

import msgspec

from app.accounts.tables import User
from app.amazon.regions import Region
from app.services import Services
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, connect, create_company, save, settings_of


async def _tree(admin: Browser, services: Services) -> dict[str, int]:
    """US-01 (connected in NA) with CA-01 unified and UK-01 not unified; JP-01 apart; UK-01 has a child DE-01."""
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    de = await create_company(admin, "DE-01", parent=uk["id"], unified=True)
    jp = await create_company(admin, "JP-01")
    await connect(services, us["id"], Region.NA, seller="A1USSELLER")
    return {"US-01": us["id"], "CA-01": ca["id"], "UK-01": uk["id"], "DE-01": de["id"], "JP-01": jp["id"]}


async def test_a_scoped_admin_cannot_unify_a_company_with_an_owner_outside_the_scope(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin, services)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])
    draft = await begin_edit(uma, ids["UK-01"])

    refused = await change(uma, draft["id"], unified=True)
    saved = await save(uma, draft)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "owner_outside_scope"
    assert "unified" in refused.json()["fields"]
    assert saved.status_code == 200  # the draft was left as it was: nothing to save
    uk = await settings_of(uma, ids["UK-01"])
    assert {c["region"]: c["status"] for c in uk["connections"]}["NA"] == "not_connected"
    tested = await uma.post(f"/api/companies/{ids['UK-01']}/amazon/regions/NA/refresh")
    assert tested.status_code == 422
    assert tested.json()["error"] == "not_connected"


async def test_an_out_of_scope_parent_answers_exactly_as_a_company_that_does_not_exist(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin, services)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])
    draft = await begin_edit(uma, ids["DE-01"])

    outside = await change(uma, draft["id"], parentId=ids["JP-01"], unified=True)
    missing = await change(uma, draft["id"], parentId=999_999, unified=True)
    outside_plain = await change(uma, draft["id"], parentId=ids["JP-01"], unified=False)
    created = await uma.post("/api/companies", json={"code": "NEW-01", "name": "New", "parentId": ids["JP-01"]})
    created_missing = await uma.post("/api/companies", json={"code": "NEW-01", "name": "New", "parentId": 999_999})

    assert outside.status_code == missing.status_code == outside_plain.status_code == 422
    assert outside.json()["error"] == missing.json()["error"] == "unknown_parent"
    assert outside.json()["fields"] == missing.json()["fields"]
    assert outside.json()["message"].replace(str(ids["JP-01"]), "N") == missing.json()["message"].replace("999999", "N")
    assert created.status_code == created_missing.status_code == 422
    assert created.json()["error"] == created_missing.json()["error"] == "unknown_parent"
    assert (await uma.get(f"/api/edits/{draft['id']}")).json()["values"]["parentId"] == ids["UK-01"]


async def test_a_move_under_an_in_scope_member_of_an_outside_owner_is_refused_on_create_and_in_the_draft(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin, services)
    # CA-01 is in the scope, but it uses US-01's account, which is not.
    uma = await browser_factory("admin", "uma", "Uma", codes=["CA-01", "UK-01"])
    draft = await begin_edit(uma, ids["UK-01"])

    moved = await change(uma, draft["id"], parentId=ids["CA-01"], unified=True)
    created = await uma.post(
        "/api/companies", json={"code": "NEW-01", "name": "New", "parentId": ids["CA-01"], "unified": True}
    )
    created_own = await uma.post("/api/companies", json={"code": "NEW-02", "name": "New", "parentId": ids["CA-01"]})

    assert moved.status_code == 422
    assert moved.json()["error"] == "owner_outside_scope"
    assert created.status_code == 422
    assert created.json()["error"] == "owner_outside_scope"
    assert created_own.status_code == 201  # its own account, below a company of the scope: allowed


async def test_save_checks_the_scope_again_as_it_is_at_save(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin, services)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01", "JP-01"])
    draft = await begin_edit(uma, ids["DE-01"])
    accepted = await change(uma, draft["id"], parentId=ids["JP-01"], unified=False)
    # The user's scope shrinks while the draft is open: JP-01 is no longer theirs.
    await User.update({User.company_scope: msgspec.json.encode([ids["UK-01"]]).decode()}).where(User.username == "uma")

    saved = await save(uma, draft)

    assert accepted.status_code == 200, accepted.text
    assert saved.status_code == 422, saved.text
    assert saved.json()["error"] == "unknown_parent"
    company = (await admin.get(f"/api/companies/{ids['DE-01']}")).json()
    assert company["parent"]["code"] == "UK-01"


async def test_a_scoped_admin_cannot_move_a_company_to_the_top_of_the_tree(
    admin: Browser, browser_factory: BrowserFactory, services: Services
) -> None:
    ids = await _tree(admin, services)
    uma = await browser_factory("admin", "uma", "Uma", codes=["UK-01"])
    draft = await begin_edit(uma, ids["DE-01"])

    refused = await change(uma, draft["id"], parentId=None, unified=False)

    assert refused.status_code == 422
    assert refused.json()["error"] == "outside_scope"


async def test_unscoped_admins_still_move_and_unify_anywhere(admin: Browser, services: Services) -> None:
    ids = await _tree(admin, services)
    draft = await begin_edit(admin, ids["UK-01"])

    changed = await change(admin, draft["id"], unified=True)
    saved = await save(admin, draft)

    assert changed.status_code == 200, changed.text
    assert saved.status_code == 200, saved.text
    uk = await settings_of(admin, ids["UK-01"])
    assert {c["region"]: c["status"] for c in uk["connections"]}["NA"] == "active"
