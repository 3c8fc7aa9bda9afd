"""Connection tests spend Amazon's per-seller quota through the shared throttle, and say so when it is used up."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis.asyncio as aioredis

from app.amazon.tables import AmazonConnection
from app.amazon.throttle import QUOTAS, SAFETY, SharedThrottle
from app.lib.ratelimit import TOKEN_ACTIONS_PER_USER
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token

PARTICIPATIONS = QUOTAS["getMarketplaceParticipations"]
# Amazon's burst of 15, one kept in hand by the shared throttle (app/amazon/throttle.py), as for the order import.
TESTS_IN_A_ROW = PARTICIPATIONS.burst - 1


async def _connect(admin: Browser, amazon: AmazonSimulator, code: str, seller: str) -> int:
    company = await create_company(admin, code)
    draft = await get_token(admin, amazon, company["id"], "NA", seller)
    assert (await save(admin, draft)).status_code == 200
    company_id: int = company["id"]
    return company_id


async def _test(client: Browser, company_id: int) -> dict[str, Any]:
    response = await client.post(f"/api/companies/{company_id}/amazon/regions/NA/refresh")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_past_the_burst_a_test_says_when_the_next_can_run_and_amazon_never_throttles(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await _connect(admin, amazon, "US-01", "A1SIMNASELLER1")
    support = await browser_factory("support", "sam", "Sam Support")

    # Getting the token spent one of them already: the new token's test at Amazon's redirect (grant_check.py).
    results = [await _test(support, us) for _ in range(TESTS_IN_A_ROW - 1)]
    refreshes = (await amazon.counters())["lwa.refresh_token"]
    exhausted = [await _test(support, us), await _test(support, us)]
    counters = await amazon.counters()
    log = await amazon.requests(limit=1000)
    shown = connection(await settings_of(admin, us), "NA")
    stored = await AmazonConnection.select().where(AmazonConnection.company == us).first()

    assert [r["verdict"] for r in results] == ["ok"] * (TESTS_IN_A_ROW - 1)
    first = exhausted[0]
    assert first["verdict"] == "quota_exhausted"
    about_a_minute = 1 / (PARTICIPATIONS.rate * SAFETY)
    ahead = (_at(first["nextTestAt"]) - _at(first["checkedAt"])).total_seconds()
    assert about_a_minute - 5 <= ahead <= about_a_minute + 2
    next_at = _at(first["nextTestAt"]).astimezone(UTC)
    assert first["message"] == (
        f"Amazon allows about one test a minute for this seller; the next can run at {next_at:%H:%M:%S} UTC "
        f"(in {round(ahead)} s)."
    )
    assert f"test again after {next_at:%H:%M:%S} UTC" in first["action"]
    assert first["lastResult"] == {
        "checkedAt": results[-1]["checkedAt"],
        "result": "ok",
        "errorCode": None,
        "errorMessage": None,
    }
    assert exhausted[1]["verdict"] == "quota_exhausted"
    # Not a failure of the connection: status, last check and error stay as the last real test left them.
    assert shown["status"] == "active"
    assert shown["lastErrorCode"] is None
    assert stored is not None
    assert stored["last_checked_at"] == _at(results[-1]["checkedAt"])
    # Amazon saw exactly the tests the quota allowed, never a 429, and no refresh for the ones that did not run.
    assert counters["sp-api.getMarketplaceParticipations"] == TESTS_IN_A_ROW
    assert counters["lwa.refresh_token"] == refreshes
    assert not [r for r in log if r["status"] == 429]


async def test_a_support_user_tests_many_sellers_without_meeting_the_token_action_limit(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    await amazon.add_seller("A3SIMNASELLER3", "NA", ["ATVPDKIKX0DER"])
    companies = [
        await _connect(admin, amazon, "US-01", "A1SIMNASELLER1"),
        await _connect(admin, amazon, "US-02", "A2SIMNASELLER2"),
        await _connect(admin, amazon, "US-03", "A3SIMNASELLER3"),
    ]
    support = await browser_factory("support", "sam", "Sam Support")
    rounds = TOKEN_ACTIONS_PER_USER.count // len(companies) + 2  # 36 tests, each seller within its burst

    responses = [
        await support.post(f"/api/companies/{company}/amazon/regions/NA/refresh")
        for _ in range(rounds)
        for company in companies
    ]

    assert len(responses) > TOKEN_ACTIONS_PER_USER.count
    assert [r.status_code for r in responses] == [200] * len(responses), responses[-1].text
    assert {r.json()["verdict"] for r in responses} == {"ok"}


async def test_get_token_keeps_its_own_limit_which_connection_tests_do_not_spend(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await _connect(admin, amazon, "US-01", "A1SIMNASELLER1")  # one token action
    tests = [
        (await admin.post(f"/api/companies/{us}/amazon/regions/NA/refresh")).status_code
        for _ in range(TOKEN_ACTIONS_PER_USER.count + 1)
    ]
    draft = await begin_edit(admin, us)

    starts = [
        await admin.post(f"/api/edits/{draft['id']}/regions/NA/authorize") for _ in range(TOKEN_ACTIONS_PER_USER.count)
    ]

    assert set(tests) == {200}
    assert [r.status_code for r in starts[:-1]] == [200] * (TOKEN_ACTIONS_PER_USER.count - 1)
    refused = starts[-1]
    assert refused.status_code == 429
    assert "Too many Amazon token actions" in refused.json()["message"]
    assert int(refused.headers["retry-after"]) > 0
    assert timedelta(seconds=int(refused.headers["retry-after"])) <= timedelta(seconds=TOKEN_ACTIONS_PER_USER.seconds)


async def test_without_redis_the_quota_is_counted_in_the_process_and_the_outage_logged_once(
    admin: Browser,
    amazon: AmazonSimulator,
    browser_factory: BrowserFactory,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    us = await _connect(admin, amazon, "US-01", "A1SIMNASELLER1")
    support = await browser_factory("support", "sam", "Sam Support")
    with socket.socket() as probe:  # a port nothing listens on: every Redis call is refused, as after a crash
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    away = SharedThrottle(aioredis.Redis(host="127.0.0.1", port=port))
    monkeypatch.setattr(services.spapi, "throttle", away)
    monkeypatch.setattr(services.checker, "throttle", away)

    with caplog.at_level(logging.WARNING, logger="app.amazon.throttle"):
        verdicts = [(await _test(support, us))["verdict"] for _ in range(TESTS_IN_A_ROW + 1)]
    log = await amazon.requests(limit=1000)

    assert verdicts == ["ok"] * TESTS_IN_A_ROW + ["quota_exhausted"]
    assert [r.getMessage() for r in caplog.records if "SP-API quotas are counted per process" in r.getMessage()] == [
        "Redis does not answer (ConnectionError): SP-API quotas are counted per process until it is back"
    ]
    assert not [r for r in log if r["status"] == 429]
