"""Login with Amazon's token endpoint: the full flow per region, and every way a grant or a client is refused."""

from __future__ import annotations

import pytest

from app.amazon_sim import SELLER_APP, VENDOR_APP
from tests.integration.amazon_sim.driver import CALLBACK, TEST_APP, Amazon, error_of

CODE_REFUSED = {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : code"}
REFRESH_REFUSED = {
    "error": "invalid_grant",
    "error_description": (
        "The request has an invalid grant parameter : refresh_token. "
        "User may have revoked or didn't grant the permission."
    ),
}
CLIENT_REFUSED = {"error": "invalid_client", "error_description": "Client authentication failed"}


@pytest.mark.parametrize(
    ("consent_host", "seller", "api_host", "marketplaces"),
    [
        ("sellercentral.amazon.com", "A1SIMNASELLER1", "sellingpartnerapi-na.amazon.com", {"US", "CA", "MX"}),
        (
            "sellercentral-europe.amazon.com",
            "A1SIMEUSELLER1",
            "sellingpartnerapi-eu.amazon.com",
            {"GB", "DE", "FR", "IT", "ES"},
        ),
        ("sellercentral.amazon.co.jp", "A1SIMJPSELLER1", "sellingpartnerapi-fe.amazon.com", {"JP"}),
    ],
)
def test_a_seller_consents_the_code_becomes_tokens_that_refresh_and_call_sp_api(
    amazon: Amazon, consent_host: str, seller: str, api_host: str, marketplaces: set[str]
) -> None:
    redirect = amazon.authorize(consent_host, seller, state="xyz")
    exchanged = amazon.exchange(redirect["spapi_oauth_code"])
    tokens = exchanged.json()
    refreshed = amazon.refresh(tokens["refresh_token"])
    access_token = refreshed.json()["access_token"]
    participations = amazon.sp_api(api_host, "getMarketplaceParticipations", access_token)

    assert redirect["state"] == "xyz"
    assert redirect["selling_partner_id"] == seller
    assert exchanged.status_code == 200
    assert exchanged.headers["cache-control"] == "no-store"
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["access_token"].startswith("Atza|")
    assert tokens["refresh_token"].startswith("Atzr|")
    assert max(len(tokens["access_token"]), len(tokens["refresh_token"])) <= 2048
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] == tokens["refresh_token"]
    assert access_token != tokens["access_token"]
    assert participations.status_code == 200
    assert {p["marketplace"]["countryCode"] for p in participations.json()["payload"]} == marketplaces


def test_a_vendor_consents_at_vendor_central_and_reads_purchase_orders(amazon: Amazon) -> None:
    tokens = amazon.connect("vendorcentral.amazon.co.uk", "V1SIMEUVENDOR1", VENDOR_APP)

    orders = amazon.sp_api("sellingpartnerapi-eu.amazon.com", "getPurchaseOrders", tokens.access_token, {"limit": "1"})

    assert orders.status_code == 200
    assert len(orders.json()["payload"]["orders"]) == 1
    assert "nextToken" in orders.json()["payload"]["pagination"]


def test_a_code_older_than_five_minutes_is_an_invalid_grant(amazon: Amazon) -> None:
    code = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1")["spapi_oauth_code"]
    amazon.advance(301)

    late = amazon.exchange(code)

    assert late.status_code == 400
    assert late.json() == CODE_REFUSED


def test_a_code_works_once(amazon: Amazon) -> None:
    code = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1")["spapi_oauth_code"]

    first, replay = amazon.exchange(code), amazon.exchange(code)

    assert first.status_code == 200
    assert replay.status_code == 400
    assert replay.json() == CODE_REFUSED


def test_a_code_exchanged_with_another_redirect_uri_is_an_invalid_grant(amazon: Amazon) -> None:
    code = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1")["spapi_oauth_code"]

    answer = amazon.exchange(code, redirect_uri=CALLBACK + "/")

    assert answer.status_code == 400
    assert answer.json() == CODE_REFUSED
    assert amazon.exchange(code).status_code == 200


def test_a_code_of_another_app_is_an_invalid_grant(amazon: Amazon) -> None:
    code = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1")["spapi_oauth_code"]

    answer = amazon.exchange(code, VENDOR_APP)

    assert answer.status_code == 400
    assert answer.json() == CODE_REFUSED


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_secret": "amzn1.oa2-cs.v1.wrong"},
        {"client_id": SELLER_APP.application_id},  # the app ID given as client ID, a classic
        {"client_id": "amzn1.application-oa2-client.unknown"},
    ],
)
def test_wrong_client_credentials_are_invalid_client(amazon: Amazon, credentials: dict[str, str]) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    answer = amazon.refresh(tokens.refresh_token, **credentials)

    assert answer.status_code == 401
    assert answer.json() == CLIENT_REFUSED


def test_an_expired_client_secret_is_invalid_client(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    amazon.client.post(f"/_admin/apps/{SELLER_APP.client_id}/expire-secret").raise_for_status()

    answer = amazon.refresh(tokens.refresh_token)

    assert answer.status_code == 401
    assert answer.json() == CLIENT_REFUSED


def test_the_default_client_secret_expires_after_180_days(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    amazon.advance(179 * 86400)
    still = amazon.refresh(tokens.refresh_token)
    amazon.advance(86400)

    expired = amazon.refresh(tokens.refresh_token)

    assert still.status_code == 200
    assert expired.json() == CLIENT_REFUSED


def test_after_a_rotation_the_old_secret_works_seven_more_days_and_the_new_one_180(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    rotated = amazon.client.post(
        f"/_admin/apps/{SELLER_APP.client_id}/rotate-secret", json={"clientSecret": "amzn1.oa2-cs.v1.rotated"}
    )
    amazon.advance(7 * 86400 - 60)
    old_in_grace = amazon.refresh(tokens.refresh_token)
    amazon.advance(60)
    old_after_grace = amazon.refresh(tokens.refresh_token)
    new = amazon.refresh(tokens.refresh_token, client_secret="amzn1.oa2-cs.v1.rotated")

    assert rotated.status_code == 200
    assert "amzn1.oa2-cs.v1.rotated" not in rotated.text
    assert old_in_grace.status_code == 200
    assert old_after_grace.json() == CLIENT_REFUSED
    assert new.status_code == 200


def test_a_revoked_authorization_refuses_its_refresh_token_and_access_token(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    revoked = amazon.client.post("/_admin/revoke", json={"sellingPartnerId": "A1SIMNASELLER1"})
    answer = amazon.refresh(tokens.refresh_token)
    call = amazon.sp_api("sellingpartnerapi-na.amazon.com", "getMarketplaceParticipations", tokens.access_token)

    assert revoked.json() == {"revokedRefreshTokens": 1}
    assert answer.status_code == 400
    assert answer.json() == REFRESH_REFUSED
    assert call.status_code == 403
    assert error_of(call)["details"] == "The access token you provided is revoked, malformed or invalid."


def test_revoking_one_app_leaves_the_sellers_other_apps_working(amazon: Amazon) -> None:
    amazon.register_app()
    seller_app = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    other_app = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)

    amazon.client.post(
        "/_admin/revoke", json={"sellingPartnerId": "A1SIMNASELLER1", "applicationId": TEST_APP.application_id}
    ).raise_for_status()

    assert amazon.refresh(seller_app.refresh_token).status_code == 200
    assert amazon.refresh(other_app.refresh_token, TEST_APP).json() == REFRESH_REFUSED


def test_a_refresh_token_of_another_app_is_an_invalid_grant(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    answer = amazon.refresh(tokens.refresh_token, VENDOR_APP)

    assert answer.json() == REFRESH_REFUSED


def test_an_authorization_expires_after_365_days_and_consenting_again_restarts_the_year(amazon: Amazon) -> None:
    amazon.register_app()  # a client secret that never expires, so only the authorization's year matters
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    amazon.advance(364 * 86400)
    before_the_year_ends = amazon.refresh(tokens.refresh_token, TEST_APP)
    amazon.advance(86400)
    after_the_year = amazon.refresh(tokens.refresh_token, TEST_APP)

    renewed = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)

    assert before_the_year_ends.status_code == 200
    assert after_the_year.status_code == 400
    assert after_the_year.json() == REFRESH_REFUSED
    assert amazon.refresh(renewed.refresh_token, TEST_APP).status_code == 200
    assert amazon.refresh(tokens.refresh_token, TEST_APP).status_code == 200  # the year restarts for the old one too


@pytest.mark.parametrize("missing", ["grant_type", "code", "redirect_uri", "client_id", "client_secret"])
def test_a_missing_parameter_is_invalid_request(amazon: Amazon, missing: str) -> None:
    code = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1")["spapi_oauth_code"]

    answer = amazon.exchange(code, **{missing: ""})

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_request",
        "error_description": f"The request is missing a required parameter : {missing}",
    }


def test_a_json_body_is_invalid_request(amazon: Amazon) -> None:
    answer = amazon.client.post(
        "/auth/o2/token",
        json={"grant_type": "refresh_token", "refresh_token": "Atzr|x", "client_id": "a", "client_secret": "b"},
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_an_unknown_grant_type_is_unsupported_grant_type(amazon: Amazon) -> None:
    answer = amazon.client.post("/auth/o2/token", data={"grant_type": "client_credentials", "scope": "x"})

    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_an_app_not_allowed_a_grant_is_unauthorized_client(amazon: Amazon) -> None:
    amazon.register_app(allowedGrants=["authorization_code"])
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)

    answer = amazon.refresh(tokens.refresh_token, TEST_APP)

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "unauthorized_client",
        "error_description": "Not authorized for requested operation",
    }


def test_with_rotation_on_each_refresh_returns_a_new_refresh_token_and_the_old_one_stops_working(
    amazon: Amazon,
) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    switched = amazon.client.post("/_admin/refresh-token-rotation", json={"enabled": True})

    first = amazon.refresh(tokens.refresh_token)
    rotated = first.json()["refresh_token"]
    old_again = amazon.refresh(tokens.refresh_token)
    second = amazon.refresh(rotated)
    rotated_again = amazon.refresh(rotated)
    call = amazon.sp_api(
        "sellingpartnerapi-na.amazon.com", "getMarketplaceParticipations", second.json()["access_token"]
    )
    amazon.client.post("/_admin/reset").raise_for_status()

    assert switched.json() == {"enabled": True}
    assert first.status_code == 200
    assert rotated.startswith("Atzr|")
    assert rotated != tokens.refresh_token
    assert old_again.status_code == 400
    assert old_again.json() == REFRESH_REFUSED
    assert second.status_code == 200
    assert second.json()["refresh_token"] not in (rotated, tokens.refresh_token)
    assert rotated_again.json() == REFRESH_REFUSED
    assert call.status_code == 200
    assert amazon.client.get("/_admin/refresh-token-rotation").json() == {"enabled": False}  # reset switches it off


def test_a_rotated_refresh_token_keeps_its_authorizations_year(amazon: Amazon) -> None:
    amazon.register_app()  # a client secret that never expires, so only the authorization's year matters
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1", TEST_APP)
    amazon.client.post("/_admin/refresh-token-rotation", json={"enabled": True}).raise_for_status()
    amazon.advance(364 * 86400)
    rotated = amazon.refresh(tokens.refresh_token, TEST_APP).json()["refresh_token"]
    amazon.advance(86400)

    assert amazon.refresh(rotated, TEST_APP).json() == REFRESH_REFUSED
