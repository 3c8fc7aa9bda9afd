"""Injected faults: errors, latency, timeouts, malformed bodies and throttling, on LWA or SP-API, for N calls; held
refreshes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from tests.integration.amazon_sim.driver import Amazon, Tokens, error_of

NA = "sellingpartnerapi-na.amazon.com"


@pytest.fixture
def tokens(amazon: Amazon) -> Tokens:
    return amazon.connect("sellercentral.amazon.com", "A1SIMNASELLER1")


def _participations(amazon: Amazon, tokens: Tokens) -> httpx.Response:
    return amazon.sp_api(NA, "getMarketplaceParticipations", tokens.access_token)


def test_an_lwa_error_answers_server_error_for_the_next_calls_then_lwa_works_again(
    amazon: Amazon, tokens: Tokens
) -> None:
    amazon.fault("lwa", "error", count=2)

    answers = [amazon.refresh(tokens.refresh_token) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [500, 500, 200]
    assert answers[0].json()["error"] == "server_error"


def test_an_lwa_503_is_temporarily_unavailable(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("lwa", "error", status=503)

    answer = amazon.refresh(tokens.refresh_token)

    assert answer.status_code == 503
    assert answer.json()["error"] == "temporarily_unavailable"


@pytest.mark.parametrize(("status", "code"), [(500, "InternalFailure"), (503, "ServiceUnavailable")])
def test_an_sp_api_error_answers_amazons_error_list(amazon: Amazon, tokens: Tokens, status: int, code: str) -> None:
    amazon.fault("sp-api", "error", status=status)

    failed, working = _participations(amazon, tokens), _participations(amazon, tokens)

    assert failed.status_code == status
    assert error_of(failed)["code"] == code
    assert working.status_code == 200


def test_latency_delays_the_answer_without_changing_it(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("sp-api", "latency", seconds=0.3)

    started = time.monotonic()
    answer = _participations(amazon, tokens)

    assert time.monotonic() - started >= 0.3
    assert answer.status_code == 200


def test_a_timeout_outlasts_the_clients_patience(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("sp-api", "timeout", seconds=0.5)

    with pytest.raises(httpx.ReadTimeout):
        amazon.client.get(
            f"/sp/{NA}/sellers/v1/marketplaceParticipations",
            headers={"x-amz-access-token": tokens.access_token},
            timeout=0.1,
        )


def test_a_timeout_that_is_waited_out_ends_in_a_504(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("lwa", "timeout", seconds=0.2)

    answer = amazon.refresh(tokens.refresh_token)

    assert answer.status_code == 504
    assert answer.json()["error"] == "temporarily_unavailable"


@pytest.mark.parametrize("target", ["lwa", "sp-api"])
def test_a_malformed_answer_is_200_with_a_body_that_is_not_json(amazon: Amazon, tokens: Tokens, target: str) -> None:
    amazon.fault(target, "malformed")

    answer = (
        amazon.refresh(tokens.refresh_token)
        if target == "lwa"
        else amazon.client.get(
            f"/sp/{NA}/sellers/v1/marketplaceParticipations", headers={"x-amz-access-token": tokens.access_token}
        )
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        answer.json()


def test_throttle_answers_429_quota_exceeded_without_the_rate_header(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("sp-api", "throttle")

    answer = _participations(amazon, tokens)

    assert answer.status_code == 429
    assert error_of(answer) == {
        "code": "QuotaExceeded",
        "message": "You exceeded your quota for the requested resource.",
        "details": "",
    }
    assert "x-amzn-RateLimit-Limit" not in answer.headers


def test_lwa_throttle_answers_429(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("lwa", "throttle")

    assert amazon.refresh(tokens.refresh_token).status_code == 429


def test_a_fault_narrowed_to_one_operation_leaves_the_others_alone(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("sp-api", "error", operation="getOrders")
    params = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"}

    participations = _participations(amazon, tokens)
    orders = amazon.sp_api(NA, "getOrders", tokens.access_token, params)

    assert participations.status_code == 200
    assert orders.status_code == 500


def test_deleting_faults_disarms_them(amazon: Amazon, tokens: Tokens) -> None:
    amazon.fault("sp-api", "error", count=5)
    armed = amazon.client.get("/_admin/faults").json()["faults"]

    amazon.client.delete("/_admin/faults").raise_for_status()

    assert armed == [
        {"target": "sp-api", "kind": "error", "status": 500, "seconds": 1.0, "remaining": 5, "operation": None}
    ]
    assert amazon.client.get("/_admin/faults").json() == {"faults": []}
    assert _participations(amazon, tokens).status_code == 200


@pytest.mark.parametrize(
    "fault",
    [
        {"target": "sp-api", "kind": "error", "operation": "getNothing"},
        {"target": "lwa", "kind": "error", "operation": "getOrders"},
        {"target": "sp-api", "kind": "explode"},
        {"target": "sp-api", "kind": "error", "status": 200},
        {"target": "sp-api", "kind": "error", "count": 0},
        {"target": "sp-api", "kind": "error", "colour": "red"},
    ],
)
def test_a_fault_that_cannot_be_is_refused(amazon: Amazon, fault: dict[str, object]) -> None:
    assert amazon.client.post("/_admin/faults", json=fault).status_code == 400


def _refreshing(simulator_url: str, refresh_token: str) -> httpx.Response:
    """A refresh from a client of its own (the test's client stays free to release it)."""
    with httpx.Client(base_url=simulator_url, timeout=30) as client:
        return Amazon(client).refresh(refresh_token)


def _waiting(amazon: Amazon) -> int:
    hold = amazon.client.get("/_admin/refresh-hold")
    hold.raise_for_status()
    waiting: int = hold.json()["waiting"]
    return waiting


def _until(condition: Callable[[], bool], bound: float = 10.0) -> None:
    deadline = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < deadline, f"not within {bound:g} s"
        time.sleep(0.02)


def test_held_refreshes_are_counted_wait_and_are_all_answered_when_released(
    amazon: Amazon, tokens: Tokens, simulator_url: str
) -> None:
    held = amazon.client.post("/_admin/refresh-hold", json={"holding": True})
    with ThreadPoolExecutor(3) as pool:
        answers: list[Future[httpx.Response]] = [
            pool.submit(_refreshing, simulator_url, tokens.refresh_token) for _ in range(3)
        ]
        _until(lambda: _waiting(amazon) == 3)
        counted_while_held = amazon.counters()["lwa.refresh_token"]
        code = amazon.authorize("sellercentral.amazon.com", "A1SIMNASELLER1")["spapi_oauth_code"]
        exchanged = amazon.exchange(code)  # only refreshes are held
        time.sleep(0.3)
        answered_while_held = [answer.done() for answer in answers]
        released = amazon.client.post("/_admin/refresh-hold", json={"holding": False})
        refreshed = [answer.result(timeout=10) for answer in answers]
    after = amazon.refresh(tokens.refresh_token)

    assert held.json() == {"holding": True, "waiting": 0}
    assert counted_while_held == 3  # each counted when it arrived
    assert exchanged.status_code == 200
    assert answered_while_held == [False, False, False]
    assert released.json() == {"holding": False, "waiting": 0}
    assert [answer.status_code for answer in refreshed] == [200, 200, 200]
    assert len({answer.json()["access_token"] for answer in refreshed}) == 3
    assert after.status_code == 200  # no longer held
    assert amazon.client.get("/_admin/refresh-hold").json() == {"holding": False, "waiting": 0}


def test_clearing_the_faults_releases_held_refreshes(amazon: Amazon, tokens: Tokens, simulator_url: str) -> None:
    amazon.client.post("/_admin/refresh-hold", json={"holding": True}).raise_for_status()
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(_refreshing, simulator_url, tokens.refresh_token)
        _until(lambda: _waiting(amazon) == 1)

        amazon.client.delete("/_admin/faults").raise_for_status()

        assert answer.result(timeout=10).status_code == 200
    assert amazon.client.get("/_admin/refresh-hold").json() == {"holding": False, "waiting": 0}
    assert amazon.client.post("/_admin/refresh-hold", json={"holding": "yes"}).status_code == 400
