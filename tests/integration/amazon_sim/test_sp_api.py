"""SP-API: who may call what where, parameters checked as the models say, usage plans, and the static sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.amazon_sim import VENDOR_APP
from app.amazon_sim.contract import ContractViolation, validate_request, validate_response
from tests.integration.amazon_sim.driver import Amazon, error_of

NA = "sellingpartnerapi-na.amazon.com"
EU = "sellingpartnerapi-eu.amazon.com"
DENIED = "Access to requested resource is denied."
REVOKED = "The access token you provided is revoked, malformed or invalid."
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
PURCHASE_ORDERS = "/vendor/orders/v1/purchaseOrders"


def _days_ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("token", [None, "", "Atza|not-a-token-we-issued"])
def test_a_missing_or_unknown_token_is_403_revoked_malformed_or_invalid(amazon: Amazon, token: str | None) -> None:
    answer = amazon.sp_api(NA, "getMarketplaceParticipations", token)

    assert answer.status_code == 403
    assert error_of(answer) == {"code": "Unauthorized", "message": DENIED, "details": REVOKED}
    assert "x-amzn-RateLimit-Limit" not in answer.headers
    assert answer.headers["x-amzn-RequestId"]


def test_an_access_token_expires_after_an_hour(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    amazon.advance(3599)
    still = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)
    amazon.advance(1)

    expired = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)

    assert still.status_code == 200
    assert expired.status_code == 403
    assert error_of(expired) == {
        "code": "Unauthorized",
        "message": DENIED,
        "details": "The access token you provided has expired.",
    }


def test_a_token_of_an_eu_seller_is_refused_by_the_na_endpoint(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral-europe.amazon.com", "A1SIMEUSELLER1")

    answer = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)

    assert answer.status_code == 403
    assert error_of(answer) == {"code": "Unauthorized", "message": DENIED, "details": ""}


def test_a_login_to_the_wrong_region_on_the_consent_page_shows_up_at_sp_api(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMEUSELLER1")  # an EU account on the NA page

    on_na = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)
    on_eu = amazon.sp_api(EU, "getMarketplaceParticipations", tokens.access_token)

    assert on_na.status_code == 403
    assert on_eu.status_code == 200


def test_a_seller_token_is_refused_by_the_vendor_endpoint_and_a_vendor_token_by_the_seller_ones(
    amazon: Amazon,
) -> None:
    seller = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    vendor = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)

    answers = [
        amazon.sp_api(NA, "getPurchaseOrders", seller.access_token, {"limit": "1"}),
        amazon.sp_api(NA, "getMarketplaceParticipations", vendor.access_token),
        amazon.sp_api(NA, "getOrders", vendor.access_token, {"MarketplaceIds": US, "CreatedAfter": _days_ago(1)}),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert {error_of(answer)["code"] for answer in answers} == {"Unauthorized"}


def test_successful_answers_carry_the_rate_limit_and_a_request_id(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    answer = amazon.sp_api(NA, "getOrders", tokens.access_token, {"MarketplaceIds": US, "CreatedAfter": _days_ago(2)})

    assert answer.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert len(answer.headers["x-amzn-RequestId"]) == 36


def test_get_orders_without_marketplace_ids_is_400_invalid_input(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    answer = amazon.sp_api(NA, "getOrders", tokens.access_token, {"CreatedAfter": _days_ago(1)}, valid_request=False)

    assert answer.status_code == 400
    assert error_of(answer)["code"] == "InvalidInput"
    assert "MarketplaceIds" in error_of(answer)["message"]


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"MarketplaceIds": US}, "Either CreatedAfter or LastUpdatedAfter is required."),
        (
            {"MarketplaceIds": US, "CreatedAfter": "2024-01-01T00:00:00Z", "LastUpdatedAfter": "2024-01-01T00:00:00Z"},
            "CreatedAfter and LastUpdatedAfter cannot both be set.",
        ),
        ({"MarketplaceIds": US, "CreatedAfter": "yesterday"}, "CreatedAfter must be an ISO 8601 date-time"),
        (
            {"MarketplaceIds": US, "CreatedAfter": _days_ago(2), "CreatedBefore": _days_ago(0)},
            "CreatedBefore must be at least two minutes before now.",
        ),
        ({"MarketplaceIds": "A1PA6795UKMFR9", "CreatedAfter": _days_ago(1)}, "Invalid MarketplaceIds"),
        ({"MarketplaceIds": US, "CreatedAfter": _days_ago(1), "MaxResultsPerPage": "101"}, "MaxResultsPerPage"),
        ({"MarketplaceIds": US, "CreatedAfter": _days_ago(1), "NextToken": "bm90LWEtdG9rZW4="}, "NextToken"),
    ],
)
def test_get_orders_refuses_what_amazons_rules_refuse(amazon: Amazon, params: dict[str, str], complaint: str) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    answer = amazon.sp_api(NA, "getOrders", tokens.access_token, params)

    assert answer.status_code == 400
    assert error_of(answer)["code"] == "InvalidInput"
    assert complaint in error_of(answer)["message"]


def test_an_unknown_query_parameter_is_400_invalid_input(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")

    answer = amazon.sp_api(
        NA, "getMarketplaceParticipations", tokens.access_token, {"marketplaceId": US}, valid_request=False
    )

    assert answer.status_code == 400
    assert error_of(answer)["message"] == "query marketplaceId: is not a parameter of this operation"


def test_get_orders_pages_through_the_same_orders_every_time(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    query = {"MarketplaceIds": f"{US},{CA}", "CreatedAfter": _days_ago(3), "MaxResultsPerPage": "5"}

    first = amazon.sp_api(NA, "getOrders", tokens.access_token, query).json()["payload"]
    again = amazon.sp_api(NA, "getOrders", tokens.access_token, query).json()["payload"]
    pages = [first["Orders"]]
    token = first.get("NextToken")
    while token:
        page = amazon.sp_api(NA, "getOrders", tokens.access_token, {"MarketplaceIds": f"{US},{CA}", "NextToken": token})
        pages.append(page.json()["payload"]["Orders"])
        token = page.json()["payload"].get("NextToken")

    orders = [order for page in pages for order in page]
    assert again["Orders"] == first["Orders"]
    assert [len(page) for page in pages[:-1]] == [5] * (len(pages) - 1)
    assert 16 <= len(orders) <= 18  # one order every eight hours in each of two marketplaces over three days
    assert {order["MarketplaceId"] for order in orders} == {US, CA}
    assert len({order["AmazonOrderId"] for order in orders}) == len(orders)
    assert all(order["PurchaseDate"] >= query["CreatedAfter"] for order in orders)


def test_purchase_orders_honour_limit_order_and_next_token(amazon: Amazon) -> None:
    tokens = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)
    params = {"limit": "3", "sortOrder": "ASC", "createdAfter": _days_ago(10)}

    first = amazon.sp_api(NA, "getPurchaseOrders", tokens.access_token, params).json()["payload"]
    second = amazon.sp_api(
        NA, "getPurchaseOrders", tokens.access_token, {"nextToken": first["pagination"]["nextToken"]}
    ).json()["payload"]
    numbers_only = amazon.sp_api(
        NA, "getPurchaseOrders", tokens.access_token, {"limit": "2", "includeDetails": "false"}
    )

    dates = [order["orderDetails"]["purchaseOrderDate"] for order in first["orders"] + second["orders"]]
    assert len(first["orders"]) == 3
    assert dates == sorted(dates)
    assert all("orderDetails" not in order for order in numbers_only.json()["payload"]["orders"])


@pytest.mark.parametrize(
    "params", [{"limit": "0"}, {"limit": "101"}, {"sortOrder": "UP"}, {"createdAfter": "2024-01-01"}]
)
def test_purchase_orders_with_parameters_the_model_forbids_are_400(amazon: Amazon, params: dict[str, str]) -> None:
    tokens = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)

    answer = amazon.sp_api(NA, "getPurchaseOrders", tokens.access_token, params, valid_request=False)

    assert answer.status_code == 400
    assert error_of(answer)["code"] == "InvalidInput"


def test_over_the_usage_plan_is_429_without_the_rate_header_until_the_clock_refills_it(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    other = amazon.connect("sellercentral.amazon.com", "A2SIMNASELLER2")

    burst = [amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token).status_code for _ in range(15)]
    throttled = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)
    other_seller = amazon.sp_api(NA, "getMarketplaceParticipations", other.access_token)
    other_operation = amazon.sp_api(
        NA, "getOrders", tokens.access_token, {"MarketplaceIds": US, "CreatedAfter": _days_ago(1)}
    )
    amazon.advance(63)  # 0.016 requests per second: one more token after 62.5 seconds
    recovered = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)
    again = amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)

    assert burst == [200] * 15
    assert throttled.status_code == 429
    assert error_of(throttled) == {
        "code": "QuotaExceeded",
        "message": "You exceeded your quota for the requested resource.",
        "details": "",
    }
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    assert other_seller.status_code == 200
    assert other_operation.status_code == 200
    assert recovered.status_code == 200
    assert recovered.headers["x-amzn-RateLimit-Limit"] == "0.016"
    assert again.status_code == 429


def test_the_sandbox_answers_the_models_static_examples(amazon: Amazon) -> None:
    seller = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    vendor = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)
    sandbox = "sandbox." + NA

    participations = amazon.sp_api(sandbox, "getMarketplaceParticipations", seller.access_token)
    orders = amazon.sp_api(
        sandbox, "getOrders", seller.access_token, {"CreatedAfter": "TEST_CASE_200", "MarketplaceIds": US}
    )
    unmatched = amazon.sp_api(sandbox, "getPurchaseOrders", vendor.access_token, {"limit": "1"})

    assert participations.json()["payload"][0]["storeName"] == "BestSellerStore"
    assert participations.headers["x-amzn-RateLimit-Limit"] == "5.0"
    assert orders.json()["payload"]["Orders"][0]["AmazonOrderId"] == "902-1845936-5435065"
    assert unmatched.status_code == 400
    assert error_of(unmatched) == {"code": "InvalidInput", "message": "Could not match input arguments", "details": ""}


def test_the_sandbox_repeats_amazons_own_example_even_where_it_breaks_the_model(amazon: Amazon) -> None:
    vendor = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)
    example = {
        "limit": "2",
        "createdAfter": "2019-08-20T14:00:00",
        "createdBefore": "2019-09-21T00:00:00",
        "sortOrder": "DESC",
        "includeDetails": "true",
    }

    with pytest.raises(ContractViolation, match="createdAfter"):  # Amazon's own example omits the time zone
        validate_request(
            "vendorOrders.json", "getPurchaseOrders", "GET", PURCHASE_ORDERS, {k: [v] for k, v in example.items()}
        )
    answer = amazon.client.get(
        f"/sp/sandbox.{NA}{PURCHASE_ORDERS}", params=example, headers={"x-amz-access-token": vendor.access_token}
    )

    assert answer.status_code == 200
    with pytest.raises(ContractViolation, match="unitOfMeasure: 'CASES' is not one of"):
        validate_response("vendorOrders.json", "getPurchaseOrders", 200, answer.json())


def test_an_unknown_sp_api_host_is_404(amazon: Amazon) -> None:
    answer = amazon.sp_api("sellingpartnerapi-xx.amazon.com", "getMarketplaceParticipations", None)

    assert answer.status_code == 404
    assert error_of(answer)["code"] == "NotFound"
