"""The admin API: reset, state, clock, apps, accounts, counters and a request log that keeps no secrets."""

from __future__ import annotations

from datetime import datetime

from app.amazon_sim import DEFAULT_SELLERS, SELLER_APP, VENDOR_APP
from tests.integration.amazon_sim.driver import CALLBACK, PUBLIC_URL, USER_AGENT, Amazon

NA = "sellingpartnerapi-na.amazon.com"


def test_the_state_shows_the_default_apps_without_secrets_and_the_default_accounts(amazon: Amazon) -> None:
    answer = amazon.client.get("/_admin/state")
    state = answer.json()

    assert [app["applicationId"] for app in state["apps"]] == [SELLER_APP.application_id, VENDOR_APP.application_id]
    assert state["apps"][0]["redirectUris"] == [CALLBACK]
    assert state["apps"][0]["loginUri"] == PUBLIC_URL + "/oauth/amazon/login"
    assert SELLER_APP.client_secret not in answer.text
    assert 'clientSecret"' not in answer.text
    assert [seller["sellingPartnerId"] for seller in state["sellers"]] == [
        s.selling_partner_id for s in DEFAULT_SELLERS
    ]
    assert state["authorizations"] == 0


def test_the_clock_moves_forward_or_to_an_offset_and_reset_brings_it_back(amazon: Amazon) -> None:
    start = datetime.fromisoformat(amazon.client.get("/_admin/clock").json()["now"])

    advanced = amazon.client.post("/_admin/clock", json={"advanceSeconds": 3600}).json()
    offset = amazon.client.post("/_admin/clock", json={"offsetSeconds": 86400}).json()
    both = amazon.client.post("/_admin/clock", json={"advanceSeconds": 1, "offsetSeconds": 1})
    backwards = amazon.client.post("/_admin/clock", json={"advanceSeconds": -1})
    amazon.client.post("/_admin/reset").raise_for_status()

    assert advanced["offsetSeconds"] == 3600
    assert 3600 <= (datetime.fromisoformat(advanced["now"]) - start).total_seconds() < 3610
    assert offset["offsetSeconds"] == 86400
    assert both.status_code == 400
    assert backwards.status_code == 400
    assert amazon.client.get("/_admin/clock").json()["offsetSeconds"] == 0


def test_reset_forgets_authorizations_and_tokens(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    counted = amazon.client.get("/_admin/state").json()["authorizations"]

    amazon.client.post("/_admin/reset").raise_for_status()

    assert counted == 1
    assert amazon.client.get("/_admin/state").json()["authorizations"] == 0
    assert amazon.refresh(tokens.refresh_token).json()["error"] == "invalid_grant"


def test_an_added_account_can_consent_and_call_sp_api(amazon: Amazon) -> None:
    added = amazon.client.post(
        "/_admin/sellers",
        json={
            "sellingPartnerId": "A9NEWSELLERBR",
            "name": "Acme Brasil",
            "accountType": "seller",
            "region": "NA",
            "marketplaceIds": ["A2Q3Y263D00KWC"],
        },
    )
    tokens = amazon.connect("sellercentral.amazon.com.br", "A9NEWSELLERBR")

    answer = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)

    assert added.status_code == 201
    assert [p["marketplace"]["countryCode"] for p in answer.json()["payload"]] == ["BR"]


def test_an_account_with_a_marketplace_of_another_region_is_refused(amazon: Amazon) -> None:
    answer = amazon.client.post(
        "/_admin/sellers",
        json={
            "sellingPartnerId": "A9MIXED",
            "name": "Mixed",
            "accountType": "seller",
            "region": "NA",
            "marketplaceIds": ["ATVPDKIKX0DER", "A1PA6795UKMFR9"],
        },
    )

    assert answer.status_code == 400
    assert "A1PA6795UKMFR9" in answer.text


def test_counters_count_each_kind_of_call_and_can_be_reset(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    amazon.refresh(tokens.refresh_token)
    amazon.refresh(tokens.refresh_token)
    amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)

    counted = amazon.counters()
    amazon.client.post("/_admin/counters/reset").raise_for_status()

    assert counted == {
        "consent.view": 1,
        "consent.confirm": 1,
        "consent.renewal": 0,
        "lwa.authorization_code": 1,
        "lwa.refresh_token": 2,
        "sp-api.getMarketplaceParticipations": 1,
        "sp-api.getPurchaseOrders": 0,
        "sp-api.getOrders": 0,
    }
    assert set(amazon.counters().values()) == {0}


def test_the_request_log_names_hosts_paths_and_agents_but_never_codes_tokens_secrets_or_states(amazon: Amazon) -> None:
    redirect = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1", state="very-secret-state")
    exchanged = amazon.exchange(redirect["spapi_oauth_code"]).json()
    amazon.refresh(exchanged["refresh_token"])
    amazon.sp_api(NA, "getMarketplaceParticipations", exchanged["access_token"])

    answer = amazon.client.get("/_admin/requests", params={"limit": 3})
    log = answer.json()["requests"]

    secrets = [
        "very-secret-state",
        redirect["spapi_oauth_code"],
        exchanged["access_token"],
        exchanged["refresh_token"],
        SELLER_APP.client_secret,
    ]
    everything = amazon.client.get("/_admin/requests").text
    assert not [secret for secret in secrets if secret in everything]
    assert [(entry["method"], entry["host"], entry["path"], entry["status"]) for entry in log] == [
        ("POST", "api.amazon.com", "/auth/o2/token", 200),
        ("POST", "api.amazon.com", "/auth/o2/token", 200),
        ("GET", NA, "/sellers/v1/marketplaceParticipations", 200),
    ]
    assert [entry["accessTokenPresent"] for entry in log] == [False, False, True]
    assert log[2]["userAgent"] == USER_AGENT
    assert amazon.client.get("/_admin/requests").json()["requests"][0]["query"]["state"] == ["[redacted]"]


EU = "sellingpartnerapi-eu.amazon.com"


def test_a_batch_of_authorizations_adds_sellers_whose_refresh_tokens_work_at_lwa_and_sp_api(amazon: Amazon) -> None:
    answer = amazon.client.post("/_admin/authorizations", json={"count": 3, "region": "EU", "prefix": "A1BATCHEU"})
    granted = answer.json()["authorizations"]
    state = amazon.client.get("/_admin/state").json()
    refreshed = [amazon.refresh(grant["refreshToken"]) for grant in granted]
    participations = [
        amazon.sp_api(EU, "getMarketplaceParticipations", r.json()["access_token"]).json() for r in refreshed
    ]

    assert answer.status_code == 201
    assert answer.json()["applicationId"] == SELLER_APP.application_id
    assert [grant["sellingPartnerId"] for grant in granted] == ["A1BATCHEU000001", "A1BATCHEU000002", "A1BATCHEU000003"]
    assert len({grant["refreshToken"] for grant in granted}) == 3
    assert state["authorizations"] == 3
    assert {"A1BATCHEU000001", "A1BATCHEU000003"} <= {seller["sellingPartnerId"] for seller in state["sellers"]}
    assert [r.status_code for r in refreshed] == [200, 200, 200]
    assert [[p["marketplace"]["countryCode"] for p in body["payload"]] for body in participations] == [["GB"]] * 3
    assert amazon.counters()["lwa.authorization_code"] == 0  # granted as the consent would, not through LWA's door


def test_a_batch_for_the_vendor_app_in_named_marketplaces_serves_vendor_calls_only(amazon: Amazon) -> None:
    body = {
        "count": 1,
        "region": "NA",
        "prefix": "V1BATCH",
        "accountType": "vendor",
        "marketplaceIds": ["A2EUQ1WTGCTBG2"],
    }
    answer = amazon.client.post("/_admin/authorizations", json=body)
    (grant,) = answer.json()["authorizations"]
    access = amazon.refresh(grant["refreshToken"], VENDOR_APP).json()["access_token"]

    assert answer.json()["applicationId"] == VENDOR_APP.application_id
    assert amazon.refresh(grant["refreshToken"]).json()["error"] == "invalid_grant"  # not the seller app's token
    assert amazon.sp_api(NA, "getMarketplaceParticipations", access).status_code == 403
    seller = next(
        s for s in amazon.client.get("/_admin/state").json()["sellers"] if s["sellingPartnerId"] == "V1BATCH000001"
    )
    assert (seller["accountType"], seller["marketplaceIds"]) == ("vendor", ["A2EUQ1WTGCTBG2"])


def test_a_batch_is_refused_with_a_message_naming_what_is_wrong(amazon: Amazon) -> None:
    def refused(**fields: object) -> str:
        answer = amazon.client.post(
            "/_admin/authorizations", json={"count": 2, "region": "NA", "prefix": "A1X", **fields}
        )
        assert answer.status_code == 400, answer.text
        return answer.text

    assert "A1PA6795UKMFR9" in refused(marketplaceIds=["A1PA6795UKMFR9"])
    assert "amzn1.sp.solution.unknown" in refused(applicationId="amzn1.sp.solution.unknown")
    assert "count" in refused(count=0)
    assert "prefix" in refused(prefix="a1-lower")
    assert amazon.client.get("/_admin/state").json()["authorizations"] == 0


def test_a_batch_of_authorizations_is_granted_to_clients_on_this_machine_only(amazon: Amazon) -> None:
    body = {"count": 1, "region": "NA", "prefix": "A1PROXIED"}

    proxied = amazon.client.post("/_admin/authorizations", json=body, headers={"X-Forwarded-For": "198.51.100.7"})

    assert proxied.status_code == 403
    assert "Atzr|" not in proxied.text
    assert amazon.client.get("/_admin/state").json()["authorizations"] == 0
