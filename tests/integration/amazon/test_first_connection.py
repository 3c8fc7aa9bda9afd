"""A new seller's first connection as Amazon really runs it: with or without the Log-in URI step, draft apps, the
Appstore, and a relative amazon_callback_uri (FACTS §1), over real HTTP to the simulator in each behaviour."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.amazon.tables import IntegrationCredentials, OAuthFlow
from app.amazon_sim.seed import SELLER_APP
from app.services import Services
from tests.amazon_browser import local, read_form, submit
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import begin_edit, connection, create_company, save
from tests.integration.amazon.flows import confirm_at_amazon, start

NEW_SELLER = "A2SIMNASELLER2"
PUBLIC = "http://testserver.local"


async def _consent_until_our_site(
    admin: Browser, amazon: AmazonSimulator, company_id: int, region: str, seller: str
) -> tuple[str, dict[str, object]]:
    draft = await begin_edit(admin, company_id)
    return await confirm_at_amazon(amazon, await start(admin, draft["id"], region), seller), draft


async def _continue(admin: Browser, page: httpx.Response, **form: str) -> httpx.Response:
    """Press the confirmation's button, then follow Amazon's callback page to our redirect URI."""
    onwards = await admin.post("/oauth/amazon/login", data={**read_form(page.text).fields, **form})
    assert onwards.status_code == 303, onwards.text
    async with httpx.AsyncClient(timeout=30) as browser:
        back = await browser.get(onwards.headers["location"])
    assert back.status_code == 302, back.text[:500]
    return await admin.get(local(back.headers["location"]))


@pytest.mark.parametrize(
    ("behaviour", "relative"),
    [("never", False), ("always", False), ("always", True)],
    ids=["direct", "login-uri", "relative"],
)
async def test_a_new_sellers_first_connection_works_whichever_way_amazon_goes(
    admin: Browser, amazon: AmazonSimulator, behaviour: str, relative: bool
) -> None:
    await amazon.login_behaviour(behaviour, relative)
    us = await create_company(admin, "US-01")

    back, draft = await _consent_until_our_site(admin, amazon, us["id"], "NA", NEW_SELLER)
    if behaviour == "always":
        login = parse_qs(urlsplit(back).query)
        assert urlsplit(back).path == "/oauth/amazon/login"
        assert login["selling_partner_id"] == [NEW_SELLER]
        assert login["amazon_callback_uri"][0].startswith("/apps/" if relative else "http")
        question = await admin.get(local(back))
        assert question.status_code == 200, question.text
        assert "Continue connecting US-01 for NA?" in question.text
        callback = await _continue(admin, question)
    else:
        callback = await admin.get(local(back))
    pending = (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"]
    saved = await save(admin, draft)

    assert callback.status_code == 200, callback.text
    assert [(g["region"], g["sellingPartnerId"], g["sellerChanged"]) for g in pending] == [("NA", NEW_SELLER, False)]
    assert saved.status_code == 200, saved.text
    assert connection(saved.json(), "NA")["status"] == "active"
    assert await OAuthFlow.count() == 1  # the Log-in URI step continued the open flow, it did not start another


async def test_the_login_uri_step_continues_the_open_flow_in_its_own_region_for_a_seller_unknown_here(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    await amazon.login_behaviour("always")
    us = await create_company(admin, "US-01")
    jp = await create_company(admin, "JP-01")
    await save(admin, await _get_token_direct(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))
    await amazon.login_behaviour("always")

    back, draft = await _consent_until_our_site(admin, amazon, jp["id"], "FE", "A1SIMJPSELLER1")
    question = await admin.get(local(back))
    callback = await _continue(admin, question)
    grants = (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"]

    assert "Continue connecting JP-01 for FE?" in question.text
    assert callback.status_code == 200, callback.text
    assert [(g["region"], g["sellingPartnerId"]) for g in grants] == [("FE", "A1SIMJPSELLER1")]


async def _get_token_direct(
    admin: Browser, amazon: AmazonSimulator, company_id: int, region: str, seller: str
) -> dict[str, object]:
    await amazon.login_behaviour("never")
    back, draft = await _consent_until_our_site(admin, amazon, company_id, region, seller)
    assert (await admin.get(local(back))).status_code == 200
    result: dict[str, object] = (await admin.get(f"/api/edits/{draft['id']}")).json()
    return result


async def test_a_draft_app_carries_version_beta_back_to_amazon(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    # The app is still in Draft at Amazon and configured so here: Amazon visits the Log-in URI for drafts.
    await amazon.http.post(
        "/_admin/apps",
        json={
            "applicationId": SELLER_APP.application_id,
            "clientId": SELLER_APP.client_id,
            "clientSecret": SELLER_APP.client_secret,
            "name": SELLER_APP.name,
            "redirectUris": [f"{PUBLIC}/oauth/amazon/callback"],
            "loginUri": f"{PUBLIC}/oauth/amazon/login",
            "draft": True,
        },
    )
    await IntegrationCredentials.update({IntegrationCredentials.draft_app: True}, force=True)
    us = await create_company(admin, "US-01")

    back, draft = await _consent_until_our_site(admin, amazon, us["id"], "NA", NEW_SELLER)
    question = await admin.get(local(back))
    onwards = await admin.post("/oauth/amazon/login", data=read_form(question.text).fields)
    async with httpx.AsyncClient(timeout=30) as browser:
        without_beta = await browser.get(onwards.headers["location"].replace("&version=beta", ""))
        at_amazon = await browser.get(onwards.headers["location"])
    callback = await admin.get(local(at_amazon.headers["location"]))

    assert parse_qs(urlsplit(back).query)["version"] == ["beta"]
    assert parse_qs(urlsplit(onwards.headers["location"]).query)["version"] == ["beta"]
    assert without_beta.status_code == 400  # Amazon would authorize the published app, which a draft lacks
    assert "MD1000" in without_beta.text
    assert callback.status_code == 200, callback.text
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"][0]["sellingPartnerId"] == NEW_SELLER


async def _from_the_appstore(amazon: AmazonSimulator, seller: str, host: str = "sellercentral.amazon.com") -> str:
    """A partner finds the app in Amazon's Appstore, clicks Authorize now and confirms: off to our Log-in URI."""
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(
            f"{str(amazon.http.base_url).rstrip('/')}/central/{host}/apps/appstore/authorize",
            params={"application_id": SELLER_APP.application_id},
        )
        assert page.status_code == 200, page.text
        answer = await submit(browser, str(page.url), page.text, seller)
    assert answer.status_code == 302, answer.text[:300]
    location: str = answer.headers["location"]
    return location


async def test_a_seller_starting_in_the_appstore_is_connected_to_the_company_the_admin_names(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    login_uri = await _from_the_appstore(amazon, NEW_SELLER)

    question = await admin.get(local(login_uri))
    unknown = await admin.post(
        "/oauth/amazon/login", data={**read_form(question.text).fields, "company_code": "NOPE-1"}
    )
    member = await admin.post("/oauth/amazon/login", data={**read_form(question.text).fields, "company_code": "CA-01"})
    callback = await _continue(admin, question, company_code="us-01")
    draft = (await admin.post(f"/api/companies/{us['id']}/amazon/edits")).json()
    saved = await save(admin, draft)

    assert "Connect Amazon seller account A2SIMNASELLER2 for NA?" in question.text
    assert unknown.status_code == 404
    assert "No company NOPE-1 among yours" in unknown.text
    assert member.status_code == 409
    assert "get the token on US-01" in member.text
    assert callback.status_code == 200, callback.text
    assert [g["sellingPartnerId"] for g in draft["pendingGrants"]] == [NEW_SELLER]
    assert connection(saved.json(), "NA")["status"] == "active"


async def test_an_appstore_authorization_only_reaches_companies_of_the_admins_scope(
    admin: Browser, amazon: AmazonSimulator, services: Services, browser_factory: BrowserFactory
) -> None:
    await create_company(admin, "US-01")
    await create_company(admin, "JP-01")
    await services.accounts.create_user("jo", PASSWORD, "admin", "Jo", company_codes=["JP-01"])
    jo = await browser_factory(None)
    jo.headers["X-CSRF-Token"] = (
        await jo.post("/api/auth/login", json={"username": "jo", "password": PASSWORD})
    ).json()["csrfToken"]

    question = await jo.get(local(await _from_the_appstore(amazon, NEW_SELLER)))
    outside = await jo.post("/oauth/amazon/login", data={**read_form(question.text).fields, "company_code": "US-01"})
    missing = await jo.post("/oauth/amazon/login", data={**read_form(question.text).fields, "company_code": "XX-01"})

    assert outside.status_code == missing.status_code == 404
    assert outside.text.replace("US-01", "X") == missing.text.replace("XX-01", "X")
    assert await OAuthFlow.count() == 0


async def test_a_vendor_authorization_is_refused_for_a_company_set_up_as_a_seller(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    await create_company(admin, "US-01")
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(
            f"{str(amazon.http.base_url).rstrip('/')}/central/vendorcentral.amazon.com/apps/appstore/authorize",
            params={"application_id": "amzn1.sp.solution.sim-vendor-app"},
        )
        answer = await submit(browser, str(page.url), page.text, "V1SIMNAVENDOR1")

    question = await admin.get(local(answer.headers["location"]))
    refused = await admin.post("/oauth/amazon/login", data={**read_form(question.text).fields, "company_code": "US-01"})

    assert "Connect Amazon vendor account V1SIMNAVENDOR1 for NA?" in question.text
    assert refused.status_code == 422
    assert "set up for a seller account" in refused.text


async def test_a_known_sellers_login_uri_on_another_regions_central_is_not_a_renewal_of_the_stored_one(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    await save(admin, await _get_token_direct(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))
    europe = f"{str(amazon.http.base_url).rstrip('/')}/central/sellercentral-europe.amazon.com/apps/authorize/callback"

    page = await admin.get(
        "/oauth/amazon/login",
        params={"amazon_callback_uri": europe, "amazon_state": "s", "selling_partner_id": "A1SIMNASELLER1"},
    )

    assert page.status_code == 200
    assert "Connect Amazon seller account A1SIMNASELLER1 for EU?" in page.text
    assert "renewing" not in page.text
