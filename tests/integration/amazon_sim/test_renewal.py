"""Renewal from Seller Central: Re-Authorize opens the app's Log-in URI; the app returns to amazon_callback_uri."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from tests.integration.amazon_sim.driver import (
    CALLBACK,
    PUBLIC_URL,
    TEST_APP,
    Amazon,
    page_of,
    redirect_parameters,
)

CENTRAL = "/central/sellercentral.amazon.com/apps"


def _reauthorize(
    amazon: Amazon, seller: str = "A1SIMNASELLER1", application_id: str = TEST_APP.application_id
) -> httpx.Response:
    return amazon.client.get(
        f"{CENTRAL}/manage/reauthorize", params={"application_id": application_id, "selling_partner_id": seller}
    )


def _back_at_amazon(amazon: Amazon, login: dict[str, str], state: str = "erp-state") -> httpx.Response:
    """What the app does on its Log-in URI: sign its user in, then send the browser to amazon_callback_uri."""
    query = urlencode({"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": state})
    return amazon.client.get(f"{login['amazon_callback_uri']}?{query}")


def test_re_authorize_goes_through_the_login_uri_and_the_callback_to_a_new_code(amazon: Amazon) -> None:
    amazon.register_app()
    first = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    amazon.advance(300 * 86400)

    to_login = _reauthorize(amazon)
    login = redirect_parameters(to_login)
    page = _back_at_amazon(amazon, login)
    confirmed = amazon.confirm_on(page, "A1SIMNASELLER1")
    back = redirect_parameters(confirmed)
    exchanged = amazon.exchange(back["spapi_oauth_code"], TEST_APP)
    amazon.advance(100 * 86400)  # 400 days after the first consent, 100 after the renewal

    assert to_login.status_code == 302
    assert to_login.headers["location"].startswith(PUBLIC_URL + "/oauth/amazon/login?")
    assert login["amazon_callback_uri"] == str(amazon.client.base_url).rstrip("/") + f"{CENTRAL}/authorize/callback"
    assert login["selling_partner_id"] == "A1SIMNASELLER1"
    assert "version" not in login
    shown = page_of(page)
    assert shown.heading == "Authorize Test App"
    assert shown.account_choices == {"Acme North America (A1SIMNASELLER1) — US, CA, MX": "A1SIMNASELLER1"}
    assert shown.buttons == ["Confirm"]
    assert back["state"] == "erp-state"
    assert back["selling_partner_id"] == "A1SIMNASELLER1"
    assert exchanged.status_code == 200
    assert amazon.refresh(first.refresh_token, TEST_APP).status_code == 200
    assert amazon.counters()["consent.renewal"] == 1


def test_a_draft_apps_login_uri_gets_version_beta(amazon: Amazon) -> None:
    amazon.register_app(draft=True)
    amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP, version="beta")

    login = redirect_parameters(_reauthorize(amazon))

    assert login["version"] == "beta"


def test_an_amazon_state_works_once(amazon: Amazon) -> None:
    amazon.register_app()
    amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    login = redirect_parameters(_reauthorize(amazon))
    page = _back_at_amazon(amazon, login)

    first = amazon.confirm_on(page, "A1SIMNASELLER1")
    replay = amazon.confirm_on(page, "A1SIMNASELLER1")

    assert first.status_code == 302
    assert replay.status_code == 400
    assert "unknown or has expired" in page_of(replay).alerts[0]


def test_an_unknown_or_expired_amazon_state_shows_an_error_page(amazon: Amazon) -> None:
    amazon.register_app()
    amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    login = redirect_parameters(_reauthorize(amazon))

    forged = _back_at_amazon(amazon, {**login, "amazon_state": "made-up"})
    amazon.advance(601)
    late = _back_at_amazon(amazon, login)

    assert forged.status_code == 400
    assert late.status_code == 400
    assert page_of(late).alerts == ["This renewal link is unknown or has expired. Start again from Manage Your Apps."]


def test_the_callback_checks_the_redirect_uri_like_the_consent_page(amazon: Amazon) -> None:
    amazon.register_app()
    amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    login = redirect_parameters(_reauthorize(amazon))

    answer = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": "https://evil.example/", "amazon_state": login["amazon_state"], "state": "s"},
    )

    assert "Error code: MD5101" in page_of(answer).text


def test_without_a_current_authorization_there_is_nothing_to_re_authorize(amazon: Amazon) -> None:
    amazon.register_app()
    never = _reauthorize(amazon)
    amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    amazon.advance(366 * 86400)

    expired = _reauthorize(amazon)

    assert never.status_code == 400
    assert expired.status_code == 400
    assert page_of(expired).alerts == [
        "Test App has no current authorization to renew; authorize it again from the app."
    ]
