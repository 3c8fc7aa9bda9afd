"""Needs action across the tree: the companies API filters owners by connection status and region, with counts."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from app.amazon.regions import Region
from app.amazon.status import CheckResult, derive_status, status_sql
from app.amazon.tables import AmazonConnection
from app.companies.tables import Company
from app.services import Services
from tests.fixtures import PASSWORD, Browser, BrowserFactory, count_queries
from tests.helpers import connect, create_company


async def _learned(services: Services, owner: int, region: Region, result: CheckResult, code: str | None) -> None:
    row = await AmazonConnection.select(AmazonConnection.id).where(
        (AmazonConnection.company == owner) & (AmazonConnection.region == region.value)
    )
    await services.health.learned(row[0]["id"], result, code=code, message=f"{code}: as Amazon said it")


async def _tree(admin: Browser, services: Services) -> dict[str, int]:
    """Three roots with unified children; a non-unified child three levels down whose authorization was revoked."""
    ids: dict[str, int] = {}
    for root in ("AA", "BB", "CC"):
        ids[root] = (await create_company(admin, root))["id"]
        ids[f"{root}-U"] = (await create_company(admin, f"{root}-U", parent=ids[root], unified=True))["id"]
    ids["BB-1"] = (await create_company(admin, "BB-1", parent=ids["BB"]))["id"]
    ids["BB-2"] = (await create_company(admin, "BB-2", parent=ids["BB-1"], unified=True))["id"]
    ids["BB-3"] = (await create_company(admin, "BB-3", parent=ids["BB-2"]))["id"]  # an owner, 3 levels down
    ids["BB-3U"] = (await create_company(admin, "BB-3U", parent=ids["BB-3"], unified=True))["id"]
    now = services.clock.now()
    await connect(services, ids["AA"], Region.NA, "A1")
    await connect(services, ids["AA"], Region.EU, "A2", at=now - timedelta(days=350))  # expiring in 15 days
    await connect(services, ids["BB"], Region.NA, "B1")
    await connect(services, ids["BB-3"], Region.EU, "B3")
    await connect(services, ids["CC"], Region.FE, "C1", at=now - timedelta(days=400))  # expired
    await connect(services, ids["BB-1"], Region.NA, "B2")
    await _learned(services, ids["BB-3"], Region.EU, CheckResult.REAUTHORIZATION_REQUIRED, "reauthorization_required")
    await _learned(services, ids["BB-1"], Region.NA, CheckResult.ERROR, "amazon_unavailable")  # once: not yet
    await _learned(services, ids["BB"], Region.NA, CheckResult.WRONG_REGION_OR_ROLE, "wrong_region_or_role")
    return ids


def _regions(company: dict[str, Any]) -> dict[str, str]:
    return {r["region"]: r["status"] for r in company["regions"] if r["status"] != "not_connected"}


async def test_needs_action_lists_the_owners_wherever_they_are_with_members_actions_and_counts(
    admin: Browser, services: Services
) -> None:
    await _tree(admin, services)

    answer = await admin.get("/api/companies", params={"status": "needs_action"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    listed = {c["code"]: c for c in body["items"]}
    assert list(listed) == ["AA", "BB", "BB-3", "CC"]
    assert body["total"] == 4
    assert _regions(listed["BB-3"]) == {"EU": "reauthorization_required"}
    assert [m["code"] for m in listed["BB-3"]["members"]] == ["BB-3U"]
    assert [m["code"] for m in listed["BB"]["members"]] == ["BB-U"]  # BB-1 has an account of its own
    eu = next(r for r in listed["BB-3"]["regions"] if r["region"] == "EU")
    assert "Get Selling Partner API token for EU" in eu["action"]
    assert eu["lastCheckedAt"] is not None
    assert body["counts"] == {
        "active": 2,  # AA NA, BB-1 NA (one failure of Amazon's is not the connection's fault)
        "expiring": 1,
        "expired": 1,
        "reauthorization_required": 1,
        "wrong_region_or_role": 1,
        "error": 0,
        "needs_action": 4,
    }


async def test_filters_by_one_status_and_region_and_pages(admin: Browser, services: Services) -> None:
    await _tree(admin, services)

    expired = (await admin.get("/api/companies", params={"status": "expired"})).json()
    new_token = (await admin.get("/api/companies", params={"status": "needs_new_token"})).json()
    in_eu = (await admin.get("/api/companies", params={"status": "needs_action", "region": "EU"})).json()
    first = (await admin.get("/api/companies", params={"status": "needs_action", "limit": 3})).json()
    second = (await admin.get("/api/companies", params={"status": "needs_action", "limit": 3, "offset": 3})).json()
    bad = await admin.get("/api/companies", params={"status": "broken"})

    assert [c["code"] for c in expired["items"]] == ["CC"]
    assert [c["code"] for c in new_token["items"]] == ["BB-3", "CC"]
    assert [c["code"] for c in in_eu["items"]] == ["AA", "BB-3"]
    assert in_eu["counts"]["needs_action"] == 2
    assert in_eu["counts"]["active"] == 0
    assert [c["code"] for c in first["items"] + second["items"]] == ["AA", "BB", "BB-3", "CC"]
    assert first["total"] == second["total"] == 4
    assert bad.status_code == 400
    assert "status" in bad.text


async def test_a_scoped_user_counts_and_finds_only_their_companies(
    admin: Browser, services: Services, browser_factory: BrowserFactory
) -> None:
    await _tree(admin, services)
    await services.accounts.create_user("sam", PASSWORD, "support", "Sam", company_codes=["BB-1"])
    sam = await browser_factory(None)
    login = await sam.post("/api/auth/login", json={"username": "sam", "password": PASSWORD})
    sam.headers["X-CSRF-Token"] = login.json()["csrfToken"]

    body = (await sam.get("/api/companies", params={"status": "needs_action"})).json()

    assert [c["code"] for c in body["items"]] == ["BB-3"]
    assert body["counts"]["needs_action"] == 1
    assert body["counts"]["active"] == 1


async def test_the_filter_takes_a_constant_number_of_queries(admin: Browser, services: Services) -> None:
    await _tree(admin, services)
    # A session is touched (one UPDATE) at most once a minute: building the tree may take that long, so the touch
    # happens here, not inside one of the two requests compared.
    await admin.get("/api/companies", params={"status": "needs_action", "limit": 1})
    with count_queries() as one:
        await admin.get("/api/companies", params={"status": "needs_action", "limit": 1})
    with count_queries() as all_four:
        await admin.get("/api/companies", params={"status": "needs_action", "limit": 50})
    assert len(one) == len(all_four)


async def test_the_sql_status_is_the_python_status_for_every_combination(services: Services) -> None:
    now = services.clock.now()
    combos = list(
        itertools.product(
            [None, "Atzr|x"],
            [None, now - timedelta(days=1), now + timedelta(days=10), now + timedelta(days=200)],
            [None, "ok", "error", "reauthorization_required", "wrong_region_or_role"],
            [None, "amazon_unavailable", "app_credentials_invalid"],
            [0, 2, 3],
        )
    )
    companies = await Company.insert(
        *[Company(code=f"GRID-{i}", name="Grid", created_at=now, updated_at=now) for i in range(len(combos))]
    )
    rows = [
        AmazonConnection(
            company=companies[i]["id"],
            region="NA",
            refresh_token=token,
            authorization_expires_at=expires,
            last_check_result=result,
            last_error_code=code,
            error_streak=streak,
        )
        for i, (token, expires, result, code, streak) in enumerate(combos)
    ]
    await AmazonConnection.insert(*rows)

    stored = await AmazonConnection.select()
    in_sql = await AmazonConnection.raw(
        f"SELECT id, {status_sql()} AS status FROM amazon_connection",  # noqa: S608 (constant SQL)
        now,
        now + timedelta(days=30),
    )
    by_id = {r["id"]: r["status"] for r in in_sql}
    mismatches = [(r, by_id[r["id"]]) for r in stored if derive_status(r, now).value != by_id[r["id"]]]
    assert len(stored) == len(combos)
    assert mismatches == []
    # The filter (narrowed through the indexes for every status but active) and the counts say the same.
    counts = await services.connections.status_counts(None, None)
    for wanted in ("active", "expiring", "expired", "reauthorization_required", "wrong_region_or_role", "error"):
        found = await services.connections.matching(None, wanted, None)  # type: ignore[arg-type]
        expected = [r for r in stored if derive_status(r, now).value == wanted]
        assert len(found) == len(expected) == counts[wanted], wanted
