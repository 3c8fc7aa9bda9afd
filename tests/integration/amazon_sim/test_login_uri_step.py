"""The website workflow's Log-in URI step, the Appstore's Authorize now and relative callbacks, as Amazon runs them."""

from __future__ import annotations

import pytest

from tests.integration.amazon_sim.driver import CALLBACK, PUBLIC_URL, TEST_APP, Amazon, page_of, redirect_parameters

HOST = "sellercentral.amazon.com"


def _behaviour(amazon: Amazon, step: str, relative: bool = False) -> None:
    amazon.client.post(
        "/_admin/login-behaviour", json={"websiteLoginStep": step, "relativeCallbackUri": relative}
    ).raise_for_status()


def _consent(amazon: Amazon, **params: str) -> dict[str, str]:
    page = amazon.open_consent(HOST, TEST_APP, redirect_uri=CALLBACK, **params)
    answer = amazon.confirm_on(page, "A1SIMNASELLER1")
    assert answer.status_code == 302, answer.text
    return redirect_parameters(answer)


def test_with_the_login_uri_step_the_code_comes_only_after_the_app_returns(amazon: Amazon) -> None:
    amazon.register_app()
    _behaviour(amazon, "always")

    login = _consent(amazon)
    codes_before = amazon.counters()["lwa.authorization_code"]
    back = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "new-erp-state"},
    )
    replay = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "new-erp-state"},
    )
    code = redirect_parameters(back)

    assert set(login) == {"amazon_callback_uri", "amazon_state", "selling_partner_id"}
    assert login["selling_partner_id"] == "A1SIMNASELLER1"
    assert login["amazon_callback_uri"].endswith(f"/central/{HOST}/apps/authorize/callback")
    assert back.headers["location"].startswith(CALLBACK + "?")
    assert code["state"] == "new-erp-state"  # the state the app sent back, not the consent URL's
    assert code["selling_partner_id"] == "A1SIMNASELLER1"
    assert amazon.exchange(code["spapi_oauth_code"], TEST_APP).status_code == 200
    assert codes_before == 0
    assert replay.status_code == 400


def test_by_default_only_a_draft_app_goes_through_the_login_uri_and_must_return_with_version_beta(
    amazon: Amazon,
) -> None:
    amazon.register_app()
    published = _consent(amazon)
    amazon.register_app(draft=True)
    login = _consent(amazon, version="beta")
    without = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "s"},
    )
    with_beta = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "s", "version": "beta"},
    )

    assert "spapi_oauth_code" in published
    assert login["version"] == "beta"
    assert without.status_code == 400
    assert "Error code: MD1000" in page_of(without).text
    assert "spapi_oauth_code" in redirect_parameters(with_beta)


def test_a_draft_apps_renewal_must_return_with_version_beta_too(amazon: Amazon) -> None:
    amazon.register_app(draft=True)
    amazon.authorize(HOST, "A1SIMNASELLER1", TEST_APP, version="beta")
    login = redirect_parameters(
        amazon.client.get(
            f"/central/{HOST}/apps/manage/reauthorize",
            params={"application_id": TEST_APP.application_id, "selling_partner_id": "A1SIMNASELLER1"},
        )
    )

    without = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "s"},
    )
    with_beta = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "s", "version": "beta"},
    )

    assert "Error code: MD1000" in page_of(without).text
    assert with_beta.status_code == 200
    assert page_of(with_beta).buttons == ["Confirm"]


@pytest.mark.parametrize("step", ["always", "never"])
def test_a_relative_amazon_callback_uri_names_a_path_of_the_central_site(amazon: Amazon, step: str) -> None:
    amazon.register_app()
    _behaviour(amazon, step, relative=True)
    amazon.authorize(HOST, "A1SIMNASELLER1", TEST_APP)

    renewal = redirect_parameters(
        amazon.client.get(
            f"/central/{HOST}/apps/manage/reauthorize",
            params={"application_id": TEST_APP.application_id, "selling_partner_id": "A1SIMNASELLER1"},
        )
    )

    assert renewal["amazon_callback_uri"] == "/apps/authorize/callback"


def test_authorize_now_in_the_appstore_consents_first_then_visits_the_login_uri(amazon: Amazon) -> None:
    amazon.register_app()
    page = amazon.client.get(
        f"/central/{HOST}/apps/appstore/authorize", params={"application_id": TEST_APP.application_id}
    )
    answer = amazon.confirm_on(page, "A2SIMNASELLER2")
    login = redirect_parameters(answer)
    back = amazon.client.get(
        login["amazon_callback_uri"],
        params={"redirect_uri": CALLBACK, "amazon_state": login["amazon_state"], "state": "erp-state"},
    )

    assert page.status_code == 200
    assert answer.headers["location"].startswith(PUBLIC_URL + "/oauth/amazon/login?")
    assert login["selling_partner_id"] == "A2SIMNASELLER2"
    assert redirect_parameters(back)["state"] == "erp-state"
    assert redirect_parameters(back)["selling_partner_id"] == "A2SIMNASELLER2"
