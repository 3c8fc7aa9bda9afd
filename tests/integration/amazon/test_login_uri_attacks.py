"""The Log-in URI as an attacker meets it: no way back into our callback, no write on a GET, no slipped-in token."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection, OAuthFlow
from app.editing.tables import EditSession, PendingGrant
from app.services import Services
from tests.amazon_browser import local, read_form
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import connect, create_company, save
from tests.integration.amazon.flows import confirm_at_amazon, get_token
from tests.integration.amazon.test_renewal import _reauthorize_at_amazon, confirm

VICTIM, ATTACKER = "A1SIMNASELLER1", "A2SIMNASELLER2"
APP = "amzn1.sp.solution.sim-seller-app"


async def _connected_us(admin: Browser, amazon: AmazonSimulator) -> dict[str, object]:
    us = await create_company(admin, "US-01")
    await save(admin, await get_token(admin, amazon, us["id"], "NA", VICTIM))
    return us


async def _attackers_code(amazon: AmazonSimulator, state: str) -> str:
    """What an attacker holds: a code of their own seller account for our app, issued at Amazon's consent."""
    query = urlencode(
        {"application_id": APP, "state": state, "redirect_uri": "http://testserver.local/oauth/amazon/callback"}
    )
    back = await confirm_at_amazon(
        amazon,
        f"{str(amazon.http.base_url).rstrip('/')}/central/sellercentral.amazon.com/apps/authorize/consent?{query}",
        ATTACKER,
    )
    return parse_qs(urlsplit(back).query)["spapi_oauth_code"][0]


def _without_csrf(page: str) -> str:
    """A page without what differs between two renderings: the CSRF token's value and the script nonce."""
    return re.sub(r'(name="csrf_token" value=")[^"]*|nonce-[^;\']*', r"\1", page)


def _login(callback: str, seller: str = VICTIM, amazon_state: str = "amazon-state-1") -> str:
    query = urlencode({"amazon_callback_uri": callback, "amazon_state": amazon_state, "selling_partner_id": seller})
    return f"/oauth/amazon/login?{query}"


async def test_a_callback_uri_climbing_back_into_our_own_callback_is_refused_and_nothing_is_stored(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    await _connected_us(admin, amazon)
    code = await _attackers_code(amazon, "attacker-state")
    central = f"{str(amazon.http.base_url).rstrip('/')}/central/sellercentral.amazon.com"
    ours = f"oauth/amazon/callback?selling_partner_id={VICTIM}&spapi_oauth_code={code}"
    drafts_before = await EditSession.count()

    attempts = [
        f"{central}/../../../{ours}",
        f"{central}/apps/authorize/%2e%2e/%2e%2e/%2e%2e/%2e%2e/{ours}",
        f"{central}\\..\\..\\..\\{ours}",
        f"{central}/apps/authorize/callback/../../../../../{ours}",
    ]
    pages = [await admin.get(_login(uri)) for uri in attempts]
    confirmed = [
        await admin.post(
            "/oauth/amazon/login",
            data={
                "amazon_callback_uri": uri,
                "amazon_state": "s",
                "selling_partner_id": VICTIM,
                "csrf_token": admin.headers["X-CSRF-Token"],
            },
        )
        for uri in attempts
    ]

    assert [p.status_code for p in pages] == [400] * len(attempts), [p.text[:200] for p in pages]
    assert all("is not Amazon" in p.text for p in pages)
    assert [p.status_code for p in confirmed] == [400] * len(attempts)
    assert await OAuthFlow.count().where(OAuthFlow.origin == "seller_central") == 0
    assert await EditSession.count() == drafts_before
    assert await PendingGrant.count() == 0


@pytest.mark.parametrize(
    "uri",
    [
        "http://[",
        "http://a\uff0fb/",  # a fullwidth solidus in the host
        "https://evil.example/apps/authorize/callback",
        "https://sellercentral.amazon.com/apps/authorize/callback",  # Amazon itself, not the simulator: wrong here
        "{sim}/central/sellercentral.amazon.com.evil.example/apps/authorize/callback",
        "{sim}/central/sellercentral.amazon.com/apps/authorize/callback#fragment",
        "{scheme}://user:pw@{netloc}/central/sellercentral.amazon.com/apps/authorize/callback",
        "{sim}/central/sellercentral.amazon.com/apps/authorize/elsewhere",
        "/apps/authorize/../../oauth/amazon/callback",
    ],
)
async def test_callback_uris_that_are_not_the_simulators_own_page_answer_400(
    admin: Browser, amazon: AmazonSimulator, uri: str
) -> None:
    await _connected_us(admin, amazon)
    base = urlsplit(str(amazon.http.base_url))
    uri = uri.format(sim=str(amazon.http.base_url).rstrip("/"), scheme=base.scheme, netloc=base.netloc)

    page = await admin.get(_login(uri))

    assert page.status_code == 400, page.text[:300]
    assert "not Amazon" in page.text
    assert read_form(page.text).action is None


async def test_a_get_of_the_login_uri_from_another_site_opens_no_draft_and_creates_no_state(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await _connected_us(admin, amazon)
    login_uri = await _reauthorize_at_amazon(amazon, VICTIM)
    drafts_before = await EditSession.count()

    page = await admin.get(
        local(login_uri), headers={"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/"}
    )

    assert page.status_code == 200
    assert "Continue renewing the Amazon authorization of US-01 for NA?" in page.text
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert await OAuthFlow.count().where(OAuthFlow.origin == "seller_central") == 0
    assert await EditSession.count() == drafts_before
    assert (await admin.get(f"/api/companies/{us['id']}/amazon")).json()["openEdits"] == []


async def test_the_confirmation_needs_the_sessions_csrf_token_and_a_same_site_post(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    await _connected_us(admin, amazon)
    page = await admin.get(local(await _reauthorize_at_amazon(amazon, VICTIM)))

    forged = await confirm(admin, page.text, csrf_token="not-the-token")
    cross_site = await admin.post(
        "/oauth/amazon/login", data=read_form(page.text).fields, headers={"Sec-Fetch-Site": "cross-site"}
    )
    foreign_origin = await admin.post(
        "/oauth/amazon/login", data=read_form(page.text).fields, headers={"Origin": "https://evil.example"}
    )
    flows_after_refusals = await OAuthFlow.count().where(OAuthFlow.origin == "seller_central")
    accepted = await confirm(admin, page.text)

    assert (forged.status_code, cross_site.status_code, foreign_origin.status_code) == (403, 403, 403)
    assert flows_after_refusals == 0
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith(f"{str(amazon.http.base_url).rstrip('/')}/central/")
    assert await OAuthFlow.count().where(OAuthFlow.origin == "seller_central") == 1


async def test_a_callback_for_another_seller_than_the_login_uri_named_needs_the_seller_change_confirmed(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await _connected_us(admin, amazon)
    page = await admin.get(local(await _reauthorize_at_amazon(amazon, VICTIM)))
    onwards = await confirm(admin, page.text)
    state = parse_qs(urlsplit(onwards.headers["location"]).query)["state"][0]
    # Meanwhile the stored connection came to name the attacker's seller (say, another admin's Save): only the
    # flow itself still knows that Amazon's Log-in URI named the victim.
    await AmazonConnection.update({AmazonConnection.selling_partner_id: ATTACKER}).where(
        AmazonConnection.company == us["id"]
    )
    code = await _attackers_code(amazon, state)

    callback = await admin.get(
        "/oauth/amazon/callback", params={"state": state, "selling_partner_id": ATTACKER, "spapi_oauth_code": code}
    )
    draft = (await admin.post(f"/api/companies/{us['id']}/amazon/edits")).json()
    unconfirmed = await save(admin, draft)

    assert callback.status_code == 200, callback.text
    assert [g["sellerChanged"] for g in draft["pendingGrants"]] == [True]
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["error"] == "seller_change_unconfirmed"


async def test_the_scope_is_checked_before_a_seller_is_called_ambiguous(
    admin: Browser, amazon: AmazonSimulator, services: Services, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    uk = await create_company(admin, "UK-01")
    jp = await create_company(admin, "JP-01")
    await connect(services, us["id"], Region.NA, seller=VICTIM)
    await connect(services, uk["id"], Region.NA, seller=VICTIM)
    await services.accounts.create_user("jo", PASSWORD, "admin", "Jo", company_codes=["JP-01"])
    jo = await browser_factory(None)
    jo.headers["X-CSRF-Token"] = (
        await jo.post("/api/auth/login", json={"username": "jo", "password": PASSWORD})
    ).json()["csrfToken"]
    callback = f"{str(amazon.http.base_url).rstrip('/')}/central/sellercentral.amazon.com/apps/authorize/callback"

    outsider = await jo.get(_login(callback))
    unknown = await jo.get(_login(callback, seller="A9UNKNOWNSELLER"))
    insider = await admin.get(_login(callback))
    await connect(services, jp["id"], Region.NA, seller=VICTIM)
    own = await jo.get(_login(callback))

    # Outside the scope or unknown: both are a seller new to this admin, to be connected to a company they name.
    assert outsider.status_code == unknown.status_code == 200
    assert "Connect Amazon seller account" in outsider.text
    assert _without_csrf(outsider.text).replace(VICTIM, "X") == _without_csrf(unknown.text).replace(
        "A9UNKNOWNSELLER", "X"
    )
    assert insider.status_code == 409  # an unscoped admin sees that two companies use the seller
    assert own.status_code == 200
    assert "of JP-01 for NA?" in own.text


async def test_a_selling_partner_id_we_cannot_store_is_refused_before_the_state_is_used(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    draft = (await admin.post(f"/api/companies/{us['id']}/amazon/edits")).json()
    consent_url = (await admin.post(f"/api/edits/{draft['id']}/regions/NA/authorize")).json()["consentUrl"]
    back = parse_qs(urlsplit(await confirm_at_amazon(amazon, consent_url, VICTIM)).query)
    state, code = back["state"][0], back["spapi_oauth_code"][0]

    too_long = await admin.get(
        "/oauth/amazon/callback", params={"state": state, "selling_partner_id": "A" * 200, "spapi_oauth_code": code}
    )
    login = await admin.get(_login("https://sellercentral.amazon.com/apps/authorize/x", seller="A" * 200))
    good = await admin.get(
        "/oauth/amazon/callback", params={"state": state, "selling_partner_id": VICTIM, "spapi_oauth_code": code}
    )

    assert too_long.status_code == 400
    assert "selling partner ID" in too_long.text
    assert login.status_code == 400
    assert good.status_code == 200, good.text  # the state was still unused
