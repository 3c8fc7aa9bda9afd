"""The expiry timeline: authorizations ending in each of the next weeks, with the unified members they serve."""

from __future__ import annotations

from datetime import timedelta

from app.amazon.regions import Region
from app.amazon.status import AUTHORIZATION_LIFETIME
from app.services import Services
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import create_company


async def test_each_authorization_lands_in_the_week_it_expires(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01")
    jp = await create_company(admin, "JP-01")
    now = services.clock.now()
    monday = now.date() - timedelta(days=now.weekday())
    # Authorized so long ago that they expire in 10 days, in 10 days again (EU), and in 40 days; JP long after.
    await _authorize(services, us["id"], Region.NA, expires_in=timedelta(days=10))
    await _authorize(services, uk["id"], Region.EU, expires_in=timedelta(days=10))
    await _authorize(services, us["id"], Region.EU, expires_in=timedelta(days=40))
    await _authorize(services, jp["id"], Region.FE, expires_in=timedelta(days=200))

    response = await admin.get("/api/amazon/expiry-timeline")

    assert response.status_code == 200
    weeks = response.json()["weeks"]
    assert len(weeks) == 12
    assert weeks[0]["start"] == monday.isoformat()
    assert weeks[0]["end"] == (monday + timedelta(days=6)).isoformat()
    ten = (now + timedelta(days=10)).date()
    forty = (now + timedelta(days=40)).date()
    in_week = {i: [(c["companyCode"], c["region"]) for c in w["connections"]] for i, w in enumerate(weeks)}
    assert sorted(in_week[(ten - monday).days // 7]) == [("UK-01", "EU"), ("US-01", "NA")]
    assert in_week[(forty - monday).days // 7] == [("US-01", "EU")]
    assert sum(w["count"] for w in weeks) == 3
    na = next(c for w in weeks for c in w["connections"] if c["region"] == "NA")
    assert na["unifiedMembers"] == ["CA-01"]
    assert na["daysLeft"] in (9, 10)


async def test_a_scoped_user_sees_only_authorizations_serving_their_companies(
    admin: Browser, services: Services, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    jp = await create_company(admin, "JP-01")
    await _authorize(services, us["id"], Region.NA, expires_in=timedelta(days=3))
    await _authorize(services, jp["id"], Region.FE, expires_in=timedelta(days=3))
    await services.accounts.create_user("canada-only", PASSWORD, "viewer", company_codes=["CA-01"])
    scoped = await browser_factory(None)
    login = await scoped.post("/api/auth/login", json={"username": "canada-only", "password": PASSWORD})
    scoped.headers["X-CSRF-Token"] = login.json()["csrfToken"]

    weeks = (await scoped.get("/api/amazon/expiry-timeline", params={"weeks": 4})).json()["weeks"]

    listed = [c for w in weeks for c in w["connections"]]
    assert [(c["region"], c["unifiedMembers"]) for c in listed] == [("NA", ["CA-01"])]


async def test_weeks_out_of_range_are_refused(admin: Browser) -> None:
    for weeks in ("0", "53", "twelve"):
        response = await admin.get("/api/amazon/expiry-timeline", params={"weeks": weeks})

        assert response.status_code == 400
        assert "weeks" in response.json()["fields"]


async def _authorize(services: Services, owner_id: int, region: Region, expires_in: timedelta) -> None:
    now = services.clock.now()
    await services.connections.store_authorization(
        owner_id,
        region,
        selling_partner_id=f"A{owner_id}SELLER",
        refresh_token=f"Atzr|refresh-{owner_id}-{region}",
        authorized_at=now + expires_in - AUTHORIZATION_LIFETIME,
        access_token=None,
        access_token_expires_at=None,
    )
