"""Refresh Selling Partner API Access Token: the connection test and its verdicts, over real HTTP to the simulator."""

from __future__ import annotations

from typing import Any

import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.amazon.tokens import ReauthorizationRequired
from app.amazon_sim.seed import SELLER_APP
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token


async def _connected(admin: Browser, amazon: AmazonSimulator, seller: str = "A1SIMNASELLER1") -> dict[str, Any]:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    draft = await get_token(admin, amazon, us["id"], "NA", seller)
    await admin.patch(f"/api/edits/{draft['id']}", json={"marketplaceIds": ["ATVPDKIKX0DER", "A2Q3Y263D00KWC"]})
    assert (await save(admin, draft)).status_code == 200
    return {"us": us["id"], "ca": ca["id"]}


async def _test(client: Browser, company_id: int, region: str = "NA") -> dict[str, Any]:
    response = await client.post(f"/api/companies/{company_id}/amazon/regions/{region}/refresh")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_support_tests_a_member_and_it_runs_on_the_owner(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    ids = await _connected(admin, amazon)
    before = await AmazonConnection.select().first()
    support = await browser_factory("support", "sam", "Sam Support")

    result = await _test(support, ids["ca"])
    after = await AmazonConnection.select().first()
    settings = await settings_of(admin, ids["us"])

    assert result["verdict"] == "ok"
    assert result["ranOn"] == {"id": ids["us"], "code": "US-01"}
    assert result["ranOnOwner"] is True
    assert result["marketplacesSeen"] == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]
    assert result["accessTokenExpiresAt"]
    assert before is not None
    assert after is not None
    assert after["refresh_token"] == before["refresh_token"]
    assert after["authorized_at"] == before["authorized_at"]
    assert after["access_token"] != before["access_token"]
    assert after["last_checked_at"] is not None
    assert settings["version"] == 2
    assert connection(settings, "NA")["marketplacesSeen"] == result["marketplacesSeen"]
    events = (await admin.get(f"/api/companies/{ids['ca']}/audit")).json()["items"]
    assert events[0]["action"] == "connection.tested"
    assert "ran on US-01" in events[0]["summary"]


async def test_a_configured_marketplace_amazon_does_not_list_is_a_warning(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    ids = await _connected(admin, amazon)

    result = await _test(admin, ids["us"])

    assert result["verdict"] == "ok"
    assert len(result["warnings"]) == 1
    assert "Brazil" in result["warnings"][0]


async def test_a_revoked_authorization_needs_reauthorization(admin: Browser, amazon: AmazonSimulator) -> None:
    ids = await _connected(admin, amazon)
    await amazon.revoke("A1SIMNASELLER1")

    result = await _test(admin, ids["ca"])
    shown = connection(await settings_of(admin, ids["ca"]), "NA")

    assert result["verdict"] == "reauthorization_required"
    assert "Get Selling Partner API token" in result["action"]
    assert shown["status"] == "reauthorization_required"
    stored = await AmazonConnection.select().first()
    assert stored is not None
    assert stored["refresh_token"]


async def test_an_expired_client_secret_means_fixing_the_app_credentials(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    ids = await _connected(admin, amazon)
    await amazon.expire_secret(SELLER_APP.client_id)

    result = await _test(admin, ids["us"])

    assert result["verdict"] == "app_credentials_invalid"
    assert "app credentials" in result["action"]
    assert connection(await settings_of(admin, ids["us"]), "NA")["status"] == "error"


async def test_a_login_to_the_wrong_region_shows_up(admin: Browser, amazon: AmazonSimulator) -> None:
    ids = await _connected(admin, amazon)
    # An EU account authorized for the NA connection: the token works at LWA but SP-API NA refuses it.
    draft = await get_token(admin, amazon, ids["us"], "NA", "A1SIMEUSELLER1")
    # Amazon refused the new token already at the redirect: Save needs that confirmed too (test_grant_verdict.py).
    await save(admin, draft, {"confirmSellerChange": ["NA"], "confirmGrantVerdict": ["NA"]})

    result = await _test(admin, ids["us"])

    assert result["verdict"] == "wrong_region_or_role"
    assert "region" in result["message"]


@pytest.mark.parametrize(
    ("target", "kind", "options"),
    [
        ("lwa", "error", {"status": 503, "count": 10}),
        ("sp-api", "error", {"status": 500, "count": 10}),
        ("sp-api", "malformed", {"count": 10}),
        ("lwa", "timeout", {"seconds": 4, "count": 1}),
    ],
)
async def test_amazon_failures_say_try_later(
    admin: Browser, amazon: AmazonSimulator, target: str, kind: str, options: dict[str, Any]
) -> None:
    ids = await _connected(admin, amazon)
    await amazon.fault(target, kind, **options)

    result = await _test(admin, ids["us"])
    shown = connection(await settings_of(admin, ids["us"]), "NA")

    assert result["verdict"] == "amazon_unavailable"
    assert result["action"] == "Try again in a few minutes."
    # Amazon failing to answer once is not the connection's fault: the status stays, the last error is shown.
    assert shown["status"] == "active"
    assert shown["lastErrorCode"] == "amazon_unavailable"
    assert shown["lastCheckedAt"] == result["checkedAt"]


async def test_amazon_throttling_every_retry_says_the_quota_is_spent_and_leaves_the_connection_alone(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    ids = await _connected(admin, amazon)
    assert (await _test(admin, ids["us"]))["verdict"] == "ok"
    # Amazon counts calls the shared bucket did not see (another process's while Redis was away): 429 every time.
    await amazon.fault("sp-api", "throttle", count=10)

    result = await _test(admin, ids["us"])
    shown = connection(await settings_of(admin, ids["us"]), "NA")
    calls = (await amazon.counters())["sp-api.getMarketplaceParticipations"]
    again = await _test(admin, ids["us"])

    assert result["verdict"] == "quota_exhausted"
    assert "one test a minute" in result["message"]
    assert result["nextTestAt"] > result["checkedAt"]
    assert result["lastResult"]["result"] == "ok"
    assert shown["status"] == "active"
    assert shown["lastErrorCode"] is None
    # The bucket now knows the quota is spent: the next test waits for it instead of asking Amazon again.
    assert again["verdict"] == "quota_exhausted"
    assert (await amazon.counters())["sp-api.getMarketplaceParticipations"] == calls


async def test_a_single_5xx_is_retried_and_the_test_passes(admin: Browser, amazon: AmazonSimulator) -> None:
    ids = await _connected(admin, amazon)
    await amazon.fault("sp-api", "error", status=503, count=1)

    result = await _test(admin, ids["us"])

    assert result["verdict"] == "ok"


async def test_not_connected_is_a_clear_422(admin: Browser) -> None:
    us = await create_company(admin, "US-01")

    response = await admin.post(f"/api/companies/{us['id']}/amazon/regions/EU/refresh")

    assert response.status_code == 422
    assert "get a token first" in response.json()["message"]


async def test_viewers_cannot_test(admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory) -> None:
    ids = await _connected(admin, amazon)
    viewer = await browser_factory("viewer")

    assert (await viewer.post(f"/api/companies/{ids['us']}/amazon/regions/NA/refresh")).status_code == 403


async def test_an_unknown_region_is_a_400_naming_the_region(admin: Browser) -> None:
    # Malformed input (a region is one of NA, EU, FE, not an ID that may or may not exist): a 400 naming the field.
    us = await create_company(admin, "US-01")

    for region in ("XX", "na"):
        response = await admin.post(f"/api/companies/{us['id']}/amazon/regions/{region}/refresh")

        assert response.status_code == 400
        assert response.json() == {
            "error": "bad_input",
            "message": f"Invalid request: region: Invalid enum value '{region}'",
            "fields": {"region": f"Invalid enum value '{region}'"},
        }


async def test_a_single_throttle_is_retried_not_reported(admin: Browser, amazon: AmazonSimulator) -> None:
    ids = await _connected(admin, amazon)
    await amazon.fault("sp-api", "throttle", count=1)

    result = await _test(admin, ids["us"])

    assert result["verdict"] == "ok"


async def test_an_app_not_allowed_to_refresh_means_fixing_the_app(admin: Browser, amazon: AmazonSimulator) -> None:
    ids = await _connected(admin, amazon)
    response = await amazon.http.post(
        "/_admin/apps",
        json={
            "applicationId": SELLER_APP.application_id,
            "clientId": SELLER_APP.client_id,
            "clientSecret": SELLER_APP.client_secret,
            "name": SELLER_APP.name,
            "redirectUris": ["http://testserver.local/oauth/amazon/callback"],
            "loginUri": "http://testserver.local/oauth/amazon/login",
            "draft": False,
            "allowedGrants": ["authorization_code"],
        },
    )
    assert response.status_code == 201, response.text

    result = await _test(admin, ids["us"])

    assert result["verdict"] == "app_credentials_invalid"
    assert "does not allow" in result["message"]


async def test_connection_tests_have_their_own_limit_per_user(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    from app.lib.ratelimit import CONNECTION_TESTS_PER_USER

    ids = await _connected(admin, amazon)
    support = await browser_factory("support", "sam", "Sam Support")
    # Past Amazon's burst the tests answer quota_exhausted without calling Amazon: quick, and still counted.
    statuses = [
        (await support.post(f"/api/companies/{ids['us']}/amazon/regions/NA/refresh")).status_code
        for _ in range(CONNECTION_TESTS_PER_USER.count)
    ]
    limited = await support.post(f"/api/companies/{ids['us']}/amazon/regions/NA/refresh")
    other_user = await _test(admin, ids["us"])

    assert set(statuses) == {200}
    assert limited.status_code == 429
    assert "Too many connection tests" in limited.json()["message"]
    assert 1 <= int(limited.headers["retry-after"]) <= CONNECTION_TESTS_PER_USER.seconds
    assert other_user["verdict"] == "quota_exhausted"  # another user is not limited, the seller's quota still is


async def test_a_token_copied_from_another_connection_is_reported_unreadable_not_a_crash(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    ids = await _connected(admin, amazon)
    jp = await create_company(admin, "JP-01")
    await save(admin, await get_token(admin, amazon, jp["id"], "NA", "A2SIMNASELLER2"))
    # Someone with database access copies US-01's sealed token into JP-01's row: it is bound to US-01's row.
    us_row = await AmazonConnection.select().where(AmazonConnection.company == ids["us"]).first()
    assert us_row is not None
    await AmazonConnection.update({AmazonConnection.refresh_token: us_row["refresh_token"]}).where(
        AmazonConnection.company == jp["id"]
    )
    refreshes = (await amazon.counters()).get("lwa.refresh_token", 0)

    result = await _test(admin, jp["id"])
    shown = connection(await settings_of(admin, jp["id"]), "NA")
    with pytest.raises(ReauthorizationRequired):
        await services.tokens.access_token(jp["id"], Region.NA)

    assert result["verdict"] == "token_unreadable"
    assert "cannot be read" in result["message"]
    assert "Get Selling Partner API token" in result["action"]
    assert shown["status"] == "reauthorization_required"
    assert shown["lastErrorCode"] == "token_unreadable"
    assert (await amazon.counters()).get("lwa.refresh_token", 0) == refreshes  # nothing was sent to Amazon
    assert (await _test(admin, ids["us"]))["verdict"] == "ok"  # the original row is untouched


async def test_an_error_that_persists_over_three_checks_becomes_the_status_and_people_are_told_once(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    from app.audit.tables import Notification

    ids = await _connected(admin, amazon)
    await amazon.fault("lwa", "error", status=503, count=100)

    seen = []
    for _ in range(4):
        await _test(admin, ids["us"])
        seen.append(connection(await settings_of(admin, ids["us"]), "NA")["status"])
    told = await Notification.select().where(Notification.kind == "connection_error")

    assert seen == ["active", "active", "error", "error"]
    assert len(told) == 1
    assert "US-01" in told[0]["title"]
    assert "CA-01" in told[0]["body"]
    assert told[0]["resolved_at"] is None

    await amazon.clear_faults()
    assert (await _test(admin, ids["us"]))["verdict"] == "ok"
    resolved = await Notification.select().where(Notification.id == told[0]["id"]).first()
    assert connection(await settings_of(admin, ids["us"]), "NA")["status"] == "active"
    assert resolved is not None
    assert resolved["resolved_at"] is not None
