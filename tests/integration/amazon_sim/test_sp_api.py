"""SP-API: who may call what where, parameters checked as the models say, usage plans, and the static sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.amazon_sim import VENDOR_APP
from app.amazon_sim.contract import ContractViolation, validate_request, validate_response
from tests.integration.amazon_sim.driver import Amazon, Tokens, error_of

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
            # "now" is read when the test runs, not when the parameters are collected minutes before.
            {"MarketplaceIds": US, "CreatedAfter": "2 days ago", "CreatedBefore": "now"},
            "CreatedBefore must be at least two minutes before now.",
        ),
        ({"MarketplaceIds": "A1PA6795UKMFR9", "CreatedAfter": _days_ago(1)}, "Invalid MarketplaceIds"),
        ({"MarketplaceIds": US, "CreatedAfter": _days_ago(1), "MaxResultsPerPage": "101"}, "MaxResultsPerPage"),
        ({"MarketplaceIds": US, "CreatedAfter": _days_ago(1), "NextToken": "bm90LWEtdG9rZW4="}, "NextToken"),
    ],
)
def test_get_orders_refuses_what_amazons_rules_refuse(amazon: Amazon, params: dict[str, str], complaint: str) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    moments = {"2 days ago": _days_ago(2), "now": _days_ago(0)}

    answer = amazon.sp_api(NA, "getOrders", tokens.access_token, {k: moments.get(v, v) for k, v in params.items()})

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
    params = {"limit": "3", "sortOrder": "ASC", "createdAfter": _days_ago(5)}  # at most 7 days: the model says

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


@pytest.mark.parametrize(
    "change",
    [
        {"limit": "1"},  # one value differs
        {"sortOrder": None},  # one parameter fewer
        {"purchaseOrderState": "New"},  # one parameter more
    ],
)
def test_the_sandbox_matches_an_example_exactly_or_answers_could_not_match(
    amazon: Amazon, change: dict[str, str | None]
) -> None:
    vendor = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)
    example = {
        "limit": "2",
        "createdAfter": "2019-08-20T14:00:00",
        "createdBefore": "2019-09-21T00:00:00",
        "sortOrder": "DESC",
        "includeDetails": "true",
    }
    params = {name: value for name, value in {**example, **change}.items() if value is not None}
    headers = {"x-amz-access-token": vendor.access_token}

    exact = amazon.client.get(f"/sp/sandbox.{NA}{PURCHASE_ORDERS}", params=example, headers=headers)
    changed = amazon.client.get(f"/sp/sandbox.{NA}{PURCHASE_ORDERS}", params=params, headers=headers)

    assert exact.status_code == 200
    assert exact.json()["payload"]["orders"][0]["purchaseOrderNumber"] == "2JK3S9VC"
    assert changed.status_code == 400
    assert error_of(changed) == {"code": "InvalidInput", "message": "Could not match input arguments", "details": ""}


# Orders as Amazon pages them: volume, NextToken readings, the 2-minute rule, the usage plan --------------------------

BULK_SELLER = "A1SIMBULKSELLER"


def _add_bulk_seller(amazon: Amazon, orders_per_30_days: int) -> Tokens:
    seller = {
        "sellingPartnerId": BULK_SELLER,
        "name": "Acme Busy Seller",
        "accountType": "seller",
        "region": "NA",
        "marketplaceIds": [US],
        "ordersPer30Days": orders_per_30_days,
    }
    amazon.client.post("/_admin/sellers", json=seller).raise_for_status()
    return amazon.connect("sellercentral.amazon.com", BULK_SELLER)


def _next_token_reading(amazon: Amazon, reading: str) -> None:
    amazon.client.post("/_admin/next-token-reading", json={"reading": reading}).raise_for_status()


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_busy_seller_has_5000_orders_in_30_days_served_100_a_page(amazon: Amazon) -> None:
    tokens = _add_bulk_seller(amazon, 5000)
    amazon.client.post("/_admin/usage-plan-speed", json={"speed": 1000}).raise_for_status()  # 50 pages, no waiting
    now = datetime.now(UTC).replace(microsecond=0)
    first = {"MarketplaceIds": US, "CreatedAfter": _at(now - timedelta(days=30)), "CreatedBefore": _at(now)}
    amazon.advance(120)

    pages = [amazon.sp_api(NA, "getOrders", tokens.access_token, first).json()["payload"]]
    while "NextToken" in pages[-1]:
        follow = {"MarketplaceIds": US, "NextToken": pages[-1]["NextToken"]}
        pages.append(amazon.sp_api(NA, "getOrders", tokens.access_token, follow).json()["payload"])

    ids = [order["AmazonOrderId"] for page in pages for order in page["Orders"]]
    assert [len(page["Orders"]) for page in pages[:-1]] == [100] * (len(pages) - 1)
    assert len(ids) in (5000, 5001)  # both ends included: one more when an order falls on each
    assert len(set(ids)) == len(ids)
    assert {page["CreatedBefore"] for page in pages} == {first["CreatedBefore"]}


@pytest.mark.parametrize(
    ("reading", "beside_the_token", "status", "complaint"),
    [
        ("keeps-filters", {}, 200, None),
        ("keeps-filters", {"CreatedAfter": "same"}, 200, None),
        ("keeps-filters", {"CreatedAfter": "other"}, 400, "NextToken was returned for other filters: CreatedAfter"),
        ("replaces-filters", {}, 200, None),
        ("replaces-filters", {"CreatedAfter": "same"}, 400, "NextToken is used instead of the other criteria"),
        ("replaces-filters", {"MaxResultsPerPage": "5"}, 400, "do not send MaxResultsPerPage"),
    ],
)
def test_page_two_is_answered_as_the_chosen_reading_of_next_token(
    amazon: Amazon, reading: str, beside_the_token: dict[str, str], status: int, complaint: str | None
) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    _next_token_reading(amazon, reading)
    query = {"MarketplaceIds": US, "CreatedAfter": _days_ago(4), "MaxResultsPerPage": "5"}  # 12 orders
    token = amazon.sp_api(NA, "getOrders", tokens.access_token, query).json()["payload"]["NextToken"]
    extra = {
        name: {"same": query[name], "other": _days_ago(5)}.get(value, value) for name, value in beside_the_token.items()
    }

    answer = amazon.sp_api(NA, "getOrders", tokens.access_token, {"MarketplaceIds": US, "NextToken": token, **extra})

    assert answer.status_code == status
    if complaint is not None:
        assert error_of(answer)["code"] == "InvalidInput"
        assert complaint in error_of(answer)["message"]
    else:
        assert len(answer.json()["payload"]["Orders"]) == 5


def test_a_next_token_for_other_marketplaces_or_of_another_seller_is_400(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    other = amazon.connect("sellercentral.amazon.com", "A2SIMNASELLER2")
    query = {"MarketplaceIds": f"{US},{CA}", "CreatedAfter": _days_ago(3), "MaxResultsPerPage": "5"}
    token = amazon.sp_api(NA, "getOrders", tokens.access_token, query).json()["payload"]["NextToken"]

    elsewhere = amazon.sp_api(NA, "getOrders", tokens.access_token, {"MarketplaceIds": US, "NextToken": token})
    stolen = amazon.sp_api(NA, "getOrders", other.access_token, {"MarketplaceIds": US, "NextToken": token})
    both_orders = amazon.sp_api(
        NA, "getOrders", tokens.access_token, {"MarketplaceIds": f"{CA},{US}", "NextToken": token}
    )

    assert (elsewhere.status_code, stolen.status_code, both_orders.status_code) == (400, 400, 200)
    assert "other MarketplaceIds" in error_of(elsewhere)["message"]
    assert "not a token from a previous response" in error_of(stolen)["message"]


def test_orders_of_the_last_two_minutes_exist_and_are_served_once_two_minutes_have_passed(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    eight_hours = 8 * 3600
    placed = datetime.fromtimestamp(int(datetime.now(UTC).timestamp()) // eight_hours * eight_hours, UTC)
    offset = (placed + timedelta(seconds=60) - datetime.now(UTC)).total_seconds()  # an order placed a minute ago
    amazon.client.post("/_admin/clock", json={"offsetSeconds": offset}).raise_for_status()
    query = {"MarketplaceIds": US, "CreatedAfter": _at(placed - timedelta(hours=1))}

    early = amazon.sp_api(NA, "getOrders", tokens.access_token, query).json()["payload"]
    too_soon = amazon.sp_api(NA, "getOrders", tokens.access_token, {**query, "CreatedBefore": _at(placed)})
    amazon.advance(60)
    later = amazon.sp_api(NA, "getOrders", tokens.access_token, {**query, "CreatedBefore": _at(placed)})

    assert early["Orders"] == []
    assert moment_of(early["CreatedBefore"]) == placed - timedelta(seconds=60)  # now minus 2 minutes, whole seconds
    assert too_soon.status_code == 400
    assert "CreatedBefore must be at least two minutes before now" in error_of(too_soon)["message"]
    assert [order["PurchaseDate"] for order in later.json()["payload"]["Orders"]] == [_at(placed)]


def moment_of(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_get_orders_allows_a_burst_of_20_then_a_page_a_minute_unless_sped_up(amazon: Amazon) -> None:
    tokens = amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")
    query = {"MarketplaceIds": US, "CreatedAfter": _days_ago(1)}

    burst = [amazon.sp_api(NA, "getOrders", tokens.access_token, query).status_code for _ in range(21)]
    amazon.advance(55)
    within_the_minute = amazon.sp_api(NA, "getOrders", tokens.access_token, query).status_code
    amazon.advance(5)  # 60 s at 0.0167 requests per second: one more
    after_a_minute = [amazon.sp_api(NA, "getOrders", tokens.access_token, query).status_code for _ in range(2)]
    amazon.client.post("/_admin/usage-plan-speed", json={"speed": 10}).raise_for_status()  # full buckets again
    sped_up_burst = [amazon.sp_api(NA, "getOrders", tokens.access_token, query).status_code for _ in range(21)]
    amazon.advance(6)  # six seconds at ten times Amazon's rate: one more
    sped_up = [amazon.sp_api(NA, "getOrders", tokens.access_token, query).status_code for _ in range(2)]

    assert burst == [200] * 20 + [429]
    assert within_the_minute == 429
    assert after_a_minute == [200, 429]
    assert sped_up_burst == [200] * 20 + [429]
    assert sped_up == [200, 429]


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"createdAfter": 8, "createdBefore": 0.5}, "must not exceed 7 days"),
        ({"createdAfter": 8}, "must not exceed 7 days"),  # without createdBefore the range ends now
        ({"changedAfter": 10, "changedBefore": 2}, "must not exceed 7 days"),
        ({"createdAfter": 185, "createdBefore": 182}, "within the past 6 months"),
    ],
)
def test_purchase_orders_over_more_than_7_days_or_older_than_6_months_are_400(
    amazon: Amazon, params: dict[str, float], complaint: str
) -> None:
    tokens = amazon.connect("vendorcentral.amazon.com", "V1SIMNAVENDOR1", VENDOR_APP)

    answer = amazon.sp_api(
        NA, "getPurchaseOrders", tokens.access_token, {name: _days_ago(days) for name, days in params.items()}
    )
    within = amazon.sp_api(
        NA, "getPurchaseOrders", tokens.access_token, {"createdAfter": _days_ago(7.5), "createdBefore": _days_ago(0.5)}
    )

    assert answer.status_code == 400
    assert error_of(answer)["code"] == "InvalidInput"
    assert complaint in error_of(answer)["message"]
    assert within.status_code == 200
