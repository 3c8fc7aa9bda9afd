"""Contract checks against Amazon's Swagger 2.0 models: responses by JSON Schema, requests by path and parameters."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.amazon_sim.contract import ContractViolation, model_document, validate_request, validate_response

PARTICIPATION: dict[str, Any] = {
    "marketplace": {
        "id": "ATVPDKIKX0DER",
        "name": "Amazon.com",
        "countryCode": "US",
        "defaultCurrencyCode": "USD",
        "defaultLanguageCode": "en_US",
        "domainName": "www.amazon.com",
    },
    "participation": {"isParticipating": True, "hasSuspendedListings": False},
    "storeName": "Acme",
}
ORDERS = "/orders/v0/orders"


def _participations(**marketplace: object) -> dict[str, Any]:
    return {"payload": [{**PARTICIPATION, "marketplace": {**PARTICIPATION["marketplace"], **marketplace}}]}


def test_a_response_the_model_describes_passes() -> None:
    validate_response("sellers.json", "getMarketplaceParticipations", 200, _participations())


def test_a_missing_required_property_is_named_by_its_path() -> None:
    body = _participations()
    del body["payload"][0]["marketplace"]["domainName"]

    with pytest.raises(ContractViolation) as caught:
        validate_response("sellers.json", "getMarketplaceParticipations", 200, body)

    assert caught.value.where == "$.payload[0].marketplace"
    assert "'domainName' is a required property" in str(caught.value)


def test_a_pattern_mismatch_is_named_by_its_path() -> None:
    with pytest.raises(ContractViolation, match=r"\$\.payload\[0\]\.marketplace\.countryCode: 'USA' does not match"):
        validate_response("sellers.json", "getMarketplaceParticipations", 200, _participations(countryCode="USA"))


def test_a_property_the_model_does_not_declare_is_refused() -> None:
    with pytest.raises(ContractViolation, match="'storename' was unexpected"):
        validate_response("sellers.json", "getMarketplaceParticipations", 200, _participations(storename="typo"))


def test_a_date_time_without_a_time_zone_is_refused() -> None:
    order = {
        "purchaseOrderNumber": "2JK3S9VC",
        "purchaseOrderState": "New",
        "orderDetails": {
            "purchaseOrderDate": "2019-08-20T15:51:00",
            "purchaseOrderStateChangedDate": "2019-08-20T15:51:00Z",
            "items": [],
        },
    }

    with pytest.raises(ContractViolation, match="purchaseOrderDate"):
        validate_response("vendorOrders.json", "getPurchaseOrders", 200, {"payload": {"orders": [order]}})


def test_error_lists_validate_against_the_error_schema() -> None:
    errors = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.", "details": ""}]}
    validate_response("ordersV0.json", "getOrders", 403, errors)

    with pytest.raises(ContractViolation, match=r"\$\.errors\[0\]: 'message' is a required property"):
        validate_response("ordersV0.json", "getOrders", 429, {"errors": [{"code": "QuotaExceeded"}]})


def test_an_undocumented_status_is_a_violation() -> None:
    with pytest.raises(ContractViolation, match="status 504: is not a documented response"):
        validate_response("sellers.json", "getMarketplaceParticipations", 504, {})


def test_a_response_documented_without_a_body_must_have_none() -> None:
    validate_response("application_2023-11-30.json", "rotateApplicationClientSecret", 204, None)

    with pytest.raises(ContractViolation, match="the model documents no body"):
        validate_response("application_2023-11-30.json", "rotateApplicationClientSecret", 204, {})


def test_a_valid_request_passes() -> None:
    validate_request(
        "ordersV0.json",
        "getOrders",
        "get",
        ORDERS,
        {
            "MarketplaceIds": ["ATVPDKIKX0DER,A2EUQ1WTGCTBG2"],
            "CreatedAfter": ["2024-01-01T00:00:00Z"],
            "IsISPU": ["false"],
        },
    )
    validate_request(
        "vendorOrders.json", "getPurchaseOrders", "GET", "/vendor/orders/v1/purchaseOrders", {"limit": ["1"]}
    )


@pytest.mark.parametrize(
    ("query", "where", "problem"),
    [
        ({"CreatedAfter": ["2024-01-01"]}, "query MarketplaceIds", "is required"),
        ({"MarketplaceIds": ["A"], "marketplaceIds": ["A"]}, "query marketplaceIds", "is not a parameter"),
        ({"MarketplaceIds": [",".join(["A"] * 51)]}, "query MarketplaceIds", "has 51 items"),
        ({"MarketplaceIds": ["A,,B"]}, "query MarketplaceIds", "has an empty item"),
        ({"MarketplaceIds": ["A"], "MaxResultsPerPage": ["ten"]}, "query MaxResultsPerPage", "is not a valid integer"),
        ({"MarketplaceIds": ["A"], "IsISPU": ["yes"]}, "query IsISPU", "is not a valid boolean"),
        ({"MarketplaceIds": ["A"], "NextToken": ["a", "b"]}, "query NextToken", "is given more than once"),
    ],
)
def test_orders_requests_the_model_forbids(query: dict[str, list[str]], where: str, problem: str) -> None:
    with pytest.raises(ContractViolation) as caught:
        validate_request("ordersV0.json", "getOrders", "GET", ORDERS, query)

    assert caught.value.where == where
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("limit", "0", "outside 1…100"),
        ("limit", "101", "outside 1…100"),
        ("sortOrder", "UP", "is not one of ASC, DESC"),
        ("includeDetails", "yes", "is not a valid boolean"),
        ("createdAfter", "2024-01-01T00:00:00", "is not a date-time with a time zone"),
    ],
)
def test_purchase_orders_parameters_keep_their_types_ranges_and_enums(name: str, value: str, problem: str) -> None:
    with pytest.raises(ContractViolation) as caught:
        validate_request(
            "vendorOrders.json", "getPurchaseOrders", "GET", "/vendor/orders/v1/purchaseOrders", {name: [value]}
        )

    assert problem in caught.value.problem


def test_path_templates_match_whole_segments_only() -> None:
    validate_request("ordersV0.json", "getOrderItems", "GET", "/orders/v0/orders/902-1845936-5435065/orderItems", {})

    with pytest.raises(ContractViolation, match=re.escape("does not match /orders/v0/orders/{orderId}/orderItems")):
        validate_request("ordersV0.json", "getOrderItems", "GET", "/orders/v0/orders/a/b/orderItems", {})


def test_a_wrong_method_is_a_violation() -> None:
    with pytest.raises(ContractViolation, match="method: POST is not GET"):
        validate_request(
            "sellers.json", "getMarketplaceParticipations", "POST", "/sellers/v1/marketplaceParticipations", {}
        )


def test_unknown_models_and_operations_are_errors_of_the_caller() -> None:
    with pytest.raises(ValueError, match="no model"):
        model_document("../secrets.json")
    with pytest.raises(ValueError, match="no operation 'getEverything'"):
        validate_request("sellers.json", "getEverything", "GET", "/", {})


def test_models_are_loaded_once() -> None:
    assert model_document("sellers.json") is model_document("sellers.json")
