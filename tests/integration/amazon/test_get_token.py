"""Get Selling Partner API token, over real HTTP to the Amazon simulator, per region and account type."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.amazon.tables import AmazonConnection, OAuthFlow
from app.editing.tables import PendingGrant
from app.lib.clock import MovableClock
from app.services import Services
from tests.amazon_browser import local
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, connection, create_company, save, settings_of
from tests.integration.amazon.flows import confirm_at_amazon, get_token, start


@pytest.mark.parametrize(
    ("region", "seller", "host_part", "marketplace"),
    [
        ("NA", "A1SIMNASELLER1", "sellercentral.amazon.com", "ATVPDKIKX0DER"),
        ("EU", "A1SIMEUSELLER1", "sellercentral-europe.amazon.com", "A1F83G8C2ARO7P"),
        ("FE", "A1SIMJPSELLER1", "sellercentral.amazon.co.jp", "A1VC38T7YXB528"),
    ],
)
async def test_a_seller_token_waits_in_the_draft_until_save_then_every_member_sees_it(
    admin: Browser, amazon: AmazonSimulator, region: str, seller: str, host_part: str, marketplace: str
) -> None:
    owner = await create_company(admin, "OWN-01")
    member = await create_company(admin, "MEM-01", parent=owner["id"], unified=True)
    draft = await begin_edit(admin, owner["id"])
    consent_url = await start(admin, draft["id"], region)
    in_progress = (await admin.get(f"/api/edits/{draft['id']}")).json()["authorizationsInProgress"]
    back = await confirm_at_amazon(amazon, consent_url, seller)
    page = await admin.get(local(back))
    waiting = (await admin.get(f"/api/edits/{draft['id']}")).json()
    before_save = connection(await settings_of(admin, owner["id"]), region)
    saved = await save(admin, draft)

    assert host_part in consent_url
    assert parse_qs(urlsplit(consent_url).query)["application_id"] == ["amzn1.sp.solution.sim-seller-app"]
    assert [a["region"] for a in in_progress] == [region]
    assert page.status_code == 200
    assert "Save to store it" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert [(g["region"], g["sellingPartnerId"]) for g in waiting["pendingGrants"]] == [(region, seller)]
    # Tried once at Amazon before Save, in the region it was got for: Amazon lists the region's main marketplace.
    verdict = waiting["pendingGrants"][0]["verdict"]
    assert verdict["kind"] == "ok", verdict
    assert marketplace in verdict["marketplacesSeen"]
    assert waiting["authorizationsInProgress"] == []
    assert before_save["status"] == "not_connected"
    assert saved.status_code == 200
    for company in (owner, member):
        shown = connection(await settings_of(admin, company["id"]), region)
        assert shown["status"] == "active"
        assert shown["sellingPartnerId"] == seller
        assert shown["daysLeft"] == 365
    member_view = connection(await settings_of(admin, member["id"]), region)
    assert member_view["source"] == {"kind": "inherited", "company": {"id": owner["id"], "code": "OWN-01"}}


async def test_a_vendor_token_uses_vendor_central_and_the_vendor_app(admin: Browser, amazon: AmazonSimulator) -> None:
    owner = await create_company(admin, "VEN-01")
    draft = await begin_edit(admin, owner["id"])
    await admin.patch(f"/api/edits/{draft['id']}", json={"accountType": "vendor"})

    consent_url = await start(admin, draft["id"], "EU")
    back = await confirm_at_amazon(amazon, consent_url, "V1SIMEUVENDOR1")
    await admin.get(local(back))
    saved = await save(admin, draft)

    assert "vendorcentral.amazon.co.uk" in consent_url
    assert "sim-vendor-app" in consent_url
    assert connection(saved.json(), "EU")["sellingPartnerId"] == "V1SIMEUVENDOR1"


async def test_the_consent_host_follows_the_configured_marketplace(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await create_company(admin, "JP-01")
    first = await get_token(admin, amazon, owner["id"], "FE", "A1SIMJPSELLER1")
    await save(admin, first)
    draft = await begin_edit(admin, owner["id"])
    await admin.patch(f"/api/edits/{draft['id']}", json={"marketplaceIds": ["A39IBJ37TRP1C6"]})

    consent_url = await start(admin, draft["id"], "FE")

    assert "sellercentral.amazon.com.au" in consent_url


async def test_a_code_older_than_five_minutes_is_the_users_delay_a_400_asking_to_get_the_token_again(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    owner = await create_company(admin, "US-01")
    draft = await begin_edit(admin, owner["id"])
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")
    await amazon.advance(301)  # Amazon's clock only: the ERP's state (10 minutes) is still valid, the code is not

    page = await admin.get(local(back))

    assert page.status_code == 400
    assert "took longer than 5 minutes" in page.text
    assert "Get the token again" in page.text
    assert "Nothing was stored" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"] == []


async def test_a_code_used_already_is_a_400_asking_to_get_the_token_again(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    owner = await create_company(admin, "US-01")
    draft = await begin_edit(admin, owner["id"])
    first = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")
    assert (await admin.get(local(first))).status_code == 200
    second = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")
    # A fresh state with the first, exchanged code (a page from the browser's history, say): LWA refuses the code.
    used_code = parse_qs(urlsplit(first).query)["spapi_oauth_code"][0]
    query = {**{k: v[0] for k, v in parse_qs(urlsplit(second).query).items()}, "spapi_oauth_code": used_code}
    grant_before = (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"]

    page = await admin.get(urlsplit(second).path, params=query)

    assert page.status_code == 400
    assert "used already" in page.text
    assert "Get the token again" in page.text
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"] == grant_before


async def test_a_replayed_state_is_refused(admin: Browser, amazon: AmazonSimulator) -> None:
    owner = await create_company(admin, "US-01")
    draft = await begin_edit(admin, owner["id"])
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")

    first = await admin.get(local(back))
    replay = await admin.get(local(back))

    assert first.status_code == 200
    assert replay.status_code == 400
    assert "already used" in replay.text
    assert await PendingGrant.count() == 1


async def test_a_state_from_another_session_is_refused(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    mallory = await browser_factory("admin", "mallory", "Mallory")
    owner = await create_company(admin, "US-01")
    draft = await begin_edit(admin, owner["id"])
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")

    foreign = await mallory.get(local(back))
    anonymous = await (await browser_factory(None)).get(local(back))

    assert foreign.status_code == 400
    assert "This authorization was started in another sign-in session: start it again here." in foreign.text
    assert anonymous.status_code == 400
    assert "This authorization was started in another sign-in session: start it again here." in anonymous.text
    assert await PendingGrant.count() == 0


async def test_a_state_older_than_ten_minutes_is_a_400_asking_to_start_again(
    admin: Browser, amazon: AmazonSimulator, clock: MovableClock
) -> None:
    owner = await create_company(admin, "US-01")
    draft = await begin_edit(admin, owner["id"])
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")
    clock.advance(timedelta(minutes=11))  # the state's 10 minutes are over, the session's 30 idle minutes are not

    page = await admin.get(local(back))

    assert page.status_code == 400
    assert "This authorization took longer than 10 minutes: start Get Selling Partner API token again." in page.text
    assert page.headers["cache-control"] == "no-store"
    assert await PendingGrant.count() == 0
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"] == []


async def test_a_redirect_uri_amazon_does_not_know_is_refused_at_consent(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    from app.amazon.tables import IntegrationCredentials

    await IntegrationCredentials.update(
        {IntegrationCredentials.redirect_uri: "http://testserver.local/not/registered"}
    ).where(IntegrationCredentials.account_type == "seller")
    owner = await create_company(admin, "US-01")
    draft = await begin_edit(admin, owner["id"])

    page = await amazon.http.get(await start(admin, draft["id"], "NA"))

    assert "MD5101" in page.text


async def test_a_token_on_a_unified_member_is_refused_naming_the_owner(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    draft = await begin_edit(admin, ca["id"])

    response = await admin.post(f"/api/edits/{draft['id']}/regions/NA/authorize")

    assert response.status_code == 409
    assert response.json()["message"] == "CA-01 is unified with US-01: get the token on US-01."
    assert await OAuthFlow.count() == 0


async def test_a_token_for_another_seller_needs_confirmation(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")
    await save(admin, await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))

    draft = await get_token(admin, amazon, us["id"], "NA", "A2SIMNASELLER2")
    refused = await save(admin, draft)
    confirmed = await save(admin, draft, {"confirmSellerChange": ["NA"]})

    assert draft["pendingGrants"][0]["sellerChanged"] is True
    assert refused.status_code == 422
    assert refused.json()["error"] == "seller_change_unconfirmed"
    assert refused.json()["fields"] == {"confirmSellerChange": "confirm NA"}
    assert confirmed.status_code == 200
    assert connection(confirmed.json(), "NA")["sellingPartnerId"] == "A2SIMNASELLER2"


async def test_cancel_discards_a_waiting_token(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")

    await admin.delete(f"/api/edits/{draft['id']}")

    assert await PendingGrant.count() == 0
    assert await AmazonConnection.count() == 0
    events = (await admin.get(f"/api/companies/{us['id']}/audit")).json()["items"]
    assert any(e["action"] == "token.discarded" for e in events)


async def test_codes_and_states_never_reach_a_log(
    admin: Browser, amazon: AmazonSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")
    query = parse_qs(urlsplit(back).query)

    await admin.get(local(back))
    await save(admin, draft)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert query["state"][0] not in logged
    assert query["spapi_oauth_code"][0] not in logged
    assert "Atzr|" not in logged
