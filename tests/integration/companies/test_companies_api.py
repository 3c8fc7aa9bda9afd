"""Companies over HTTP: create, read, list, search and paginate, with owners and hierarchy rules."""

from __future__ import annotations

from tests.fixtures import Browser
from tests.helpers import create_company


async def test_create_and_read_a_company_shows_its_place_and_owner(admin: Browser) -> None:
    us = await create_company(admin, "US-01", name="Acme US")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True, name="Acme Canada")

    response = await admin.get(f"/api/companies/{ca['id']}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "CA-01"
    assert body["name"] == "Acme Canada"
    assert body["parent"] == {"id": us["id"], "code": "US-01"}
    assert body["unified"] is True
    assert body["accountOwner"] == {"id": us["id"], "code": "US-01"}
    assert [r["region"] for r in body["regions"]] == ["NA", "EU", "FE"]
    assert {r["status"] for r in body["regions"]} == {"not_connected"}


async def test_list_shows_parent_children_count_unified_and_owner(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await create_company(admin, "MX-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    await create_company(admin, "DE-01", parent=uk["id"], unified=True)

    body = (await admin.get("/api/companies")).json()

    rows = {c["code"]: c for c in body["items"]}
    assert body["total"] == 5
    assert [c["code"] for c in body["items"]] == ["CA-01", "DE-01", "MX-01", "UK-01", "US-01"]
    assert rows["US-01"]["childrenCount"] == 3
    assert rows["UK-01"]["childrenCount"] == 1
    assert rows["UK-01"]["unified"] is False
    assert rows["UK-01"]["accountOwner"]["code"] == "UK-01"
    assert rows["DE-01"]["accountOwner"]["code"] == "UK-01"
    assert rows["MX-01"]["accountOwner"]["code"] == "US-01"
    assert rows["CA-01"]["parent"]["code"] == "US-01"


async def test_search_matches_code_or_name_case_insensitively(admin: Browser) -> None:
    await create_company(admin, "US-01", name="Acme United States")
    await create_company(admin, "JP-01", name="Sakura Trading")
    await create_company(admin, "UK_01", name="100% Tea Ltd")

    by_code = (await admin.get("/api/companies", params={"q": "jp-"})).json()
    by_name = (await admin.get("/api/companies", params={"q": "sakura"})).json()
    by_percent = (await admin.get("/api/companies", params={"q": "100%"})).json()
    literal_underscore = (await admin.get("/api/companies", params={"q": "K_0"})).json()

    assert [c["code"] for c in by_code["items"]] == ["JP-01"]
    assert [c["code"] for c in by_name["items"]] == ["JP-01"]
    assert [c["code"] for c in by_percent["items"]] == ["UK_01"]
    assert [c["code"] for c in literal_underscore["items"]] == ["UK_01"]


async def test_pagination_walks_every_company_once(admin: Browser) -> None:
    for n in range(7):
        await create_company(admin, f"C-{n:02d}")

    pages = [(await admin.get("/api/companies", params={"limit": 3, "offset": o})).json() for o in (0, 3, 6)]

    assert [p["total"] for p in pages] == [7, 7, 7]
    assert [c["code"] for p in pages for c in p["items"]] == [f"C-{n:02d}" for n in range(7)]


async def test_filter_by_parent_and_roots(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await create_company(admin, "JP-01")

    children = (await admin.get("/api/companies", params={"parentId": us["id"]})).json()
    roots = (await admin.get("/api/companies", params={"rootsOnly": "true"})).json()

    assert [c["code"] for c in children["items"]] == ["CA-01"]
    assert [c["code"] for c in roots["items"]] == ["JP-01", "US-01"]


async def test_duplicate_code_is_a_409_naming_the_code(admin: Browser) -> None:
    await create_company(admin, "US-01")

    response = await admin.post("/api/companies", json={"code": "US-01", "name": "Again"})

    assert response.status_code == 409
    assert "US-01" in response.json()["message"]
    assert response.json()["fields"] == {"code": "taken"}


async def test_unified_without_parent_is_a_422_saying_which_rule(admin: Browser) -> None:
    response = await admin.post("/api/companies", json={"code": "CA-01", "name": "Canada", "unified": True})

    assert response.status_code == 422
    assert response.json()["error"] == "unified_without_parent"
    assert "unified" in response.json()["fields"]
    assert (await admin.get("/api/companies")).json()["total"] == 0


async def test_unknown_parent_is_a_422_on_parent_id(admin: Browser) -> None:
    response = await admin.post("/api/companies", json={"code": "CA-01", "name": "Canada", "parentId": 999})

    assert response.status_code == 422
    assert response.json()["fields"] == {"parentId": "no such company"}


async def test_a_33rd_level_is_refused(admin: Browser) -> None:
    parent = None
    for level in range(1, 33):
        parent = (await create_company(admin, f"L{level:02d}", parent=parent, unified=level > 1))["id"]

    response = await admin.post("/api/companies", json={"code": "L33", "name": "Too deep", "parentId": parent})

    assert response.status_code == 422
    assert response.json()["error"] == "hierarchy_too_deep"
    assert "33" in response.json()["message"]


async def test_unknown_company_is_404(admin: Browser) -> None:
    assert (await admin.get("/api/companies/12345")).status_code == 404
    assert (await admin.get("/api/companies/99999999999999999999")).status_code == 404
    assert (await admin.get("/api/companies/0")).status_code == 404
