"""Moving companies and (un)unifying them: only through Save, with warnings first and rules enforced."""

from __future__ import annotations

from app.amazon.regions import Region
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import begin_edit, change, connect, connection, create_company, save, settings_of


async def test_move_under_another_parent_through_save(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    uk = await create_company(admin, "UK-01")
    ie = await create_company(admin, "IE-01", parent=us["id"])
    draft = await begin_edit(admin, ie["id"])

    changed = await change(admin, draft["id"], parentId=uk["id"], unified=True)
    before = (await admin.get(f"/api/companies/{ie['id']}")).json()
    saved = await save(admin, draft)
    after = (await admin.get(f"/api/companies/{ie['id']}")).json()

    assert changed.json()["values"]["accountOwner"]["code"] == "UK-01"
    assert before["parent"]["code"] == "US-01"
    assert saved.status_code == 200
    assert after["parent"]["code"] == "UK-01"
    assert after["accountOwner"]["code"] == "UK-01"
    assert after["unified"] is True


async def test_cycle_attempt_is_a_422_and_nothing_moves(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    ca2 = await create_company(admin, "CA-02", parent=ca["id"], unified=True)
    draft = await begin_edit(admin, us["id"])

    onto_self = await change(admin, draft["id"], parentId=us["id"])
    onto_grandchild = await change(admin, draft["id"], parentId=ca2["id"])

    assert onto_self.status_code == 422
    assert onto_grandchild.status_code == 422
    assert onto_grandchild.json()["error"] == "hierarchy_cycle"
    assert onto_grandchild.json()["fields"] == {"parentId": "would create a cycle"}
    assert (await admin.get(f"/api/companies/{us['id']}")).json()["parent"] is None


async def test_making_a_company_unified_warns_then_discards_its_own_connections(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    mx = await create_company(admin, "MX-01", parent=us["id"])
    await connect(services, us["id"], Region.NA, seller="A1US")
    await connect(services, mx["id"], Region.NA, seller="A1MX")
    await connect(services, mx["id"], Region.EU, seller="A1MX")
    draft = await begin_edit(admin, mx["id"])

    changed = await change(admin, draft["id"], unified=True)
    still_own = await settings_of(admin, mx["id"])
    saved = await save(admin, draft)
    audit = (await admin.get(f"/api/companies/{mx['id']}/audit")).json()["items"]

    assert [w["code"] for w in changed.json()["warnings"]] == ["connections_will_be_discarded"]
    assert "EU, NA" in changed.json()["warnings"][0]["message"]
    assert connection(still_own, "NA")["sellingPartnerId"] == "A1MX"
    assert saved.status_code == 200
    body = saved.json()
    assert body["accountOwner"]["code"] == "US-01"
    assert connection(body, "NA")["sellingPartnerId"] == "A1US"
    assert connection(body, "NA")["source"]["kind"] == "inherited"
    assert connection(body, "EU")["status"] == "not_connected"
    assert await services.connections.connected_regions(mx["id"]) == set()
    assert audit[0]["details"]["discardedConnections"] == ["EU", "NA"]


async def test_un_unifying_leaves_the_company_not_connected(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA, seller="A1US")
    draft = await begin_edit(admin, ca["id"])

    changed = await change(admin, draft["id"], unified=False)
    saved = await save(admin, draft)

    assert [w["code"] for w in changed.json()["warnings"]] == ["will_be_not_connected"]
    body = saved.json()
    assert body["accountOwner"]["code"] == "CA-01"
    assert body["unified"] is False
    assert {c["status"] for c in body["connections"]} == {"not_connected"}
    assert body["accountType"]["source"]["kind"] == "own"


async def test_account_type_cannot_be_set_on_a_unified_member(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    draft = await begin_edit(admin, ca["id"])

    response = await change(admin, draft["id"], accountType="vendor")

    assert response.status_code == 422
    assert response.json()["fields"] == {"accountType": "set on the account owner US-01"}


async def test_a_move_that_would_breach_the_rules_at_save_time_is_refused_then(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    a = await create_company(admin, "A-01", parent=us["id"])
    b = await create_company(admin, "B-01", parent=us["id"])
    draft_a = await begin_edit(admin, a["id"])
    await change(admin, draft_a["id"], parentId=b["id"])
    # Meanwhile B moves under A in another draft and is saved first.
    draft_b = await begin_edit(admin, b["id"])
    await change(admin, draft_b["id"], parentId=a["id"])
    assert (await save(admin, draft_b)).status_code == 200

    response = await save(admin, draft_a)

    assert response.status_code == 422
    assert response.json()["error"] == "hierarchy_cycle"
    assert (await admin.get(f"/api/companies/{a['id']}")).json()["parent"]["code"] == "US-01"
