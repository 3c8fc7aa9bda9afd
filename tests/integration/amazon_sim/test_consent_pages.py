"""Seller and Vendor Central consent pages: what a person sees, what Confirm does, and Amazon's consent errors."""

from __future__ import annotations

import httpx
from litestar import Litestar, get

from app.amazon_sim import SELLER_APP, VENDOR_APP, mount_simulator
from tests.integration.amazon_sim.driver import (
    CALLBACK,
    CHECKBOX,
    PUBLIC_URL,
    TEST_APP,
    Amazon,
    page_of,
    redirect_parameters,
)
from tests.sim_server import running_asgi_app


def test_consent_page_shows_the_app_the_host_the_account_choice_the_checkbox_and_confirm(amazon: Amazon) -> None:
    page = page_of(amazon.open_consent("sellercentral.amazon.com"))

    assert page.heading == "Authorize Acme ERP (simulated)"
    assert "sellercentral.amazon.com" in page.text
    assert "North America" in page.text
    assert page.labels["selling_partner_id"] == "Sign in as"
    assert list(page.account_choices.values())[:2] == ["A1SIMNASELLER1", "A2SIMNASELLER2"]
    assert "Acme North America (A1SIMNASELLER1) — US, CA, MX" in page.account_choices
    assert list(page.checkboxes) == [CHECKBOX.format("Acme ERP (simulated)")]
    assert page.buttons == ["Confirm"]
    assert page.hidden == {
        "state": "state-123",
        "redirect_uri": CALLBACK,
        "application_id": SELLER_APP.application_id,
    }


def test_the_own_regions_accounts_come_first_but_a_person_may_log_in_to_another_region(amazon: Amazon) -> None:
    page = page_of(amazon.open_consent("sellercentral-europe.amazon.com"))

    choices = list(page.account_choices.values())
    assert choices[0] == "A1SIMEUSELLER1"
    assert set(choices) == {"A1SIMEUSELLER1", "A1SIMNASELLER1", "A2SIMNASELLER2", "A1SIMJPSELLER1", "A1SIMAUSELLER1"}


def test_vendor_central_offers_vendor_accounts_only(amazon: Amazon) -> None:
    page = page_of(amazon.open_consent("vendorcentral.amazon.co.uk", VENDOR_APP))

    assert "Vendor Central" in page.text
    assert list(page.account_choices.values()) == ["V1SIMEUVENDOR1", "V1SIMNAVENDOR1", "V1SIMFEVENDOR1"]


def test_confirm_without_ticking_the_box_shows_the_page_again_with_an_error(amazon: Amazon) -> None:
    answer = amazon.confirm_on(amazon.open_consent("sellercentral.amazon.com"), "A1SIMNASELLER1", tick=False)

    page = page_of(answer)
    assert answer.status_code == 400
    assert page.alerts == ["To continue, tick the box to authorize the app, then click Confirm."]
    assert page.buttons == ["Confirm"]
    assert amazon.counters()["consent.confirm"] == 0


def test_confirm_redirects_with_state_selling_partner_and_a_code(amazon: Amazon) -> None:
    answer = amazon.confirm_on(amazon.open_consent("sellercentral.amazon.com", state="a b&c"), "A2SIMNASELLER2")

    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "?state=a+b%26c&selling_partner_id=A2SIMNASELLER2&spapi_oauth_code=")
    assert amazon.counters()["consent.confirm"] == 1


def test_the_redirect_keeps_the_query_the_redirect_uri_already_has(amazon: Amazon) -> None:
    amazon.register_app(redirectUris=[CALLBACK + "?tenant=7"])

    location = amazon.confirm_on(amazon.open_consent("sellercentral.amazon.com", TEST_APP), "A1SIMNASELLER1")

    assert location.headers["location"].startswith(CALLBACK + "?tenant=7&state=state-123&selling_partner_id=")


def test_an_omitted_redirect_uri_is_the_first_registered_one(amazon: Amazon) -> None:
    amazon.register_app(redirectUris=[PUBLIC_URL + "/first", PUBLIC_URL + "/second"])

    page = page_of(amazon.open_consent("sellercentral.amazon.com", TEST_APP))
    chosen = page_of(amazon.open_consent("sellercentral.amazon.com", TEST_APP, redirect_uri=PUBLIC_URL + "/second"))

    assert page.hidden["redirect_uri"] == PUBLIC_URL + "/first"
    assert chosen.hidden["redirect_uri"] == PUBLIC_URL + "/second"


def test_a_draft_app_without_version_beta_is_error_md1000(amazon: Amazon) -> None:
    amazon.register_app(draft=True)

    refused = amazon.open_consent("sellercentral.amazon.com", TEST_APP)
    beta = amazon.open_consent("sellercentral.amazon.com", TEST_APP, version="beta")

    assert refused.status_code == 400
    assert "Error code: MD1000" in page_of(refused).text
    assert beta.status_code == 200
    assert page_of(beta).hidden["version"] == "beta"
    assert amazon.confirm_on(beta, "A1SIMNASELLER1").status_code == 302


def test_an_unregistered_redirect_uri_is_error_md5101(amazon: Amazon) -> None:
    answer = amazon.open_consent("sellercentral.amazon.com", redirect_uri="https://evil.example/callback")

    assert answer.status_code == 400
    page = page_of(answer)
    assert page.heading == "We could not complete your authorization"
    assert "Error code: MD5101" in page.text
    assert page.buttons == []


def test_a_redirect_uri_with_a_fragment_is_error_md5110(amazon: Amazon) -> None:
    answer = amazon.open_consent("sellercentral.amazon.com", redirect_uri=CALLBACK + "#top")

    assert answer.status_code == 400
    assert "Error code: MD5110" in page_of(answer).text


def test_an_unknown_application_id_shows_an_error_page(amazon: Amazon) -> None:
    answer = amazon.client.get(
        "/central/sellercentral.amazon.com/apps/authorize/consent",
        params={"application_id": SELLER_APP.client_id, "state": "s"},
    )

    assert answer.status_code == 400
    assert "could not find the application" in page_of(answer).alerts[0]


def test_a_missing_state_shows_an_error_page(amazon: Amazon) -> None:
    answer = amazon.client.get(
        "/central/sellercentral.amazon.com/apps/authorize/consent", params={"application_id": SELLER_APP.application_id}
    )

    assert answer.status_code == 400
    assert page_of(answer).alerts == ["The authorization request has no state parameter."]


def test_an_unknown_host_shows_an_error_page(amazon: Amazon) -> None:
    answer = amazon.open_consent("sellercentral.amazon.example")

    assert answer.status_code == 404
    assert page_of(answer).alerts == [
        "sellercentral.amazon.example is not an Amazon Seller Central or Vendor Central host."
    ]


def test_a_vendor_account_cannot_confirm_on_seller_central(amazon: Amazon) -> None:
    page = amazon.open_consent("sellercentral.amazon.com")

    forged = amazon.client.post(
        "/central/sellercentral.amazon.com/apps/authorize/confirm",
        data={**page_of(page).hidden, "selling_partner_id": "V1SIMNAVENDOR1", "authorize": "yes"},
    )

    assert forged.status_code == 400
    assert page_of(forged).alerts == ["Choose one of your seller accounts."]


def test_mounted_under_a_path_the_form_and_callback_links_include_that_path() -> None:
    @get("/health", sync_to_thread=False)
    def health() -> str:
        return "ok"

    erp = Litestar([health, mount_simulator(PUBLIC_URL)])
    with running_asgi_app(erp, ready_path="/health") as url, httpx.Client(base_url=url) as client:
        base = "/_sim/amazon/central/sellercentral.amazon.com/apps"
        page = client.get(
            f"{base}/authorize/consent", params={"application_id": SELLER_APP.application_id, "state": "s"}
        )
        form = page_of(page)
        confirmed = client.post(
            form.form_action or "", data={**form.hidden, "selling_partner_id": "A1SIMNASELLER1", "authorize": "yes"}
        )
        renewal = client.get(
            f"{base}/manage/reauthorize",
            params={"application_id": SELLER_APP.application_id, "selling_partner_id": "A1SIMNASELLER1"},
        )

    assert form.form_action == f"{base}/authorize/confirm"
    assert confirmed.status_code == 302
    assert confirmed.headers["location"].startswith(CALLBACK + "?state=s&")
    assert renewal.status_code == 302
    assert redirect_parameters(renewal)["amazon_callback_uri"] == f"{url}{base}/authorize/callback"
