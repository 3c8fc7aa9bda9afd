"""A connection test Amazon answers with "unavailable, ask again in N s": the job and the person both wait that long."""

from __future__ import annotations

from datetime import datetime

import pytest
from arq import Retry

from app.amazon.jobs import check_connection
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.integration.amazon.test_backoff_rules import LWA_TOKEN, PARTICIPATIONS, connected_owner, requests_to


async def test_a_check_job_amazon_asks_to_wait_45_s_comes_back_after_45_s_not_after_its_own_backoff(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    earlier = len(await requests_to(amazon, PARTICIPATIONS))
    await amazon.fault("sp-api", "error", status=503, operation="getMarketplaceParticipations", retryAfter=45)

    with pytest.raises(Retry) as retry:
        await check_connection({"services": services, "job_try": 1}, owner, "NA")

    assert [r["status"] for r in (await requests_to(amazon, PARTICIPATIONS))[earlier:]] == [503]
    # Exactly Amazon's 45 s (the job's own backoff on a first try is 1 to 3 s), give or take the test's own run.
    assert 44_000 <= retry.value.defer_score <= 45_000


async def test_login_with_amazon_asking_for_two_minutes_brings_the_check_job_back_after_two_minutes(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    earlier = len(await requests_to(amazon, LWA_TOKEN))
    await amazon.fault("lwa", "error", status=503, retryAfter=120)

    with pytest.raises(Retry) as retry:
        await check_connection({"services": services, "job_try": 2}, owner, "NA")

    assert [r["status"] for r in (await requests_to(amazon, LWA_TOKEN))[earlier:]] == [503]
    assert 119_000 <= retry.value.defer_score <= 120_000


async def test_support_testing_a_connection_amazon_asks_to_wait_for_is_told_when_the_next_test_can_run(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    await amazon.fault("sp-api", "error", status=503, operation="getMarketplaceParticipations", retryAfter=300)

    response = await admin.post(f"/api/companies/{owner}/amazon/regions/NA/refresh")

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["verdict"] == "amazon_unavailable"
    checked_at, next_test_at = (datetime.fromisoformat(result[k]) for k in ("checkedAt", "nextTestAt"))
    assert (next_test_at - checked_at).total_seconds() == 300


async def test_a_check_amazon_fails_without_saying_when_keeps_the_jobs_own_backoff_and_names_no_next_test(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await connected_owner(admin, amazon)
    await amazon.fault("sp-api", "error", status=503, operation="getMarketplaceParticipations", count=10)

    response = await admin.post(f"/api/companies/{owner}/amazon/regions/NA/refresh")
    with pytest.raises(Retry) as retry:
        await check_connection({"services": services, "job_try": 1}, owner, "NA")

    assert (response.json()["verdict"], response.json().get("nextTestAt")) == ("amazon_unavailable", None)
    assert 1_000 <= retry.value.defer_score <= 3_000  # 2 s for a first try, with its jitter of ±50 %
