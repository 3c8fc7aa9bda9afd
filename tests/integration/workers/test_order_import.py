"""The order import on real arq workers against the simulator over HTTP: every page once, no order lost or doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from arq import Retry

from app.amazon import jobs
from app.amazon.jobs import import_orders
from app.amazon.tables import OrderSync
from app.amazon_sim.fake_purchase_orders import purchase_orders_created_between
from app.amazon_sim.seed import DEFAULT_SELLERS
from app.audit.tables import Notification
from app.lib.clock import MovableClock
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import save, settings_of
from tests.integration.amazon.flows import get_token
from tests.integration.workers.arq_burst import run_queued_jobs
from tests.integration.workers.order_import_support import (
    AU,
    BULK_SELLER,
    CA,
    DE,
    GET_ORDERS,
    JP,
    MX,
    PURCHASE_ORDERS,
    SETTLED,
    SPEED,
    US,
    assert_every_page_once,
    calls,
    connected_company,
    first_window,
    frozen_at,
    moment,
    pages_for,
    progress,
    run_import,
    speed_up_quotas,
    truth,
)


@pytest.fixture
def fast_quotas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Amazon's quotas times SPEED in this process's throttle (the test speeds the simulator up alike)."""
    speed_up_quotas(monkeypatch)


@pytest.mark.parametrize("reading", ["keeps-filters", "replaces-filters"])
async def test_pages_are_fetched_once_each_with_either_reading_of_next_token(
    admin: Browser,
    amazon: AmazonSimulator,
    services: Services,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    reading: str,
) -> None:
    await amazon.next_token_reading(reading)
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US, CA, MX])
    ran_at = datetime.now(UTC)
    frozen_at(monkeypatch, clock)(ran_at)
    since, until = first_window(ran_at)
    expected = truth("A1SIMNASELLER1", [US, CA, MX], since, until)

    job = await run_import(services, company)

    sync = await progress(company)
    na = sync["regions"]["NA"]
    requests = await calls(amazon, GET_ORDERS)
    assert 200 < expected <= 300  # three pages of 100
    assert job.worker.jobs_retried == 0
    assert na["outcome"] == "imported"
    assert (moment(na["importedSince"]), moment(na["nextStart"])) == (since, until)
    assert job.result == sync["orders_imported"] == na["ordersImported"] == sync["last_run_orders"] == expected
    assert (na["lastWindowOrders"], na["lastWindowPages"]) == (expected, 3)
    assert_every_page_once(requests, pages=3)
    first = requests[0]["query"]
    assert (moment(first["CreatedAfter"][0]), moment(first["CreatedBefore"][0])) == (since, until)
    assert sync["last_error"] is None


async def test_running_again_counts_only_orders_placed_since_and_a_run_with_nothing_new_counts_none(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US, CA, MX])
    stop = frozen_at(monkeypatch, clock)
    first_run = datetime.now(UTC)
    stop(first_run)
    since, first_end = first_window(first_run)
    await run_import(services, company)
    second_run = first_run + timedelta(hours=8)  # one more order in each marketplace (every eight hours)
    stop(second_run)
    await amazon.advance(8 * 3600)
    second_end = (second_run - SETTLED).replace(microsecond=0)

    second = await run_import(services, company)
    third = await run_import(services, company)  # at the same instant: Amazon's 2-minute rule leaves nothing new

    sync = await progress(company)
    na = sync["regions"]["NA"]
    requests = await calls(amazon, GET_ORDERS)
    new = truth("A1SIMNASELLER1", [US, CA, MX], first_end, second_end)
    all_orders = truth("A1SIMNASELLER1", [US, CA, MX], since, second_end)
    assert new == 3
    assert all_orders == truth("A1SIMNASELLER1", [US, CA, MX], since, first_end) + new  # none at the seam
    assert (second.result, third.result) == (new, 0)
    assert (na["outcome"], na["lastWindowOrders"], na["lastWindowPages"]) == ("nothing_new", new, 1)
    assert sync["orders_imported"] == na["ordersImported"] == all_orders
    assert sync["last_run_orders"] == 0
    assert (moment(na["importedSince"]), moment(na["nextStart"])) == (since, second_end)
    assert len(requests) == pages_for(all_orders - new) + 1  # the third run asked nothing
    assert (requests[-1]["query"]["CreatedAfter"], requests[-1]["query"]["CreatedBefore"]) == (
        [first_end.strftime("%Y-%m-%dT%H:%M:%SZ")],
        [second_end.strftime("%Y-%m-%dT%H:%M:%SZ")],
    )


async def test_a_page_that_fails_is_asked_again_on_the_retry_and_counted_once(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US, CA, MX])
    ran_at = datetime.now(UTC)
    frozen_at(monkeypatch, clock)(ran_at)
    since, until = first_window(ran_at)
    expected = truth("A1SIMNASELLER1", [US, CA, MX], since, until)
    # The first page as usual, then the second fails on every attempt of the try (3): the job comes back later.
    await amazon.fault("sp-api", "latency", seconds=0, operation="getOrders")
    await amazon.fault("sp-api", "error", status=503, count=3, operation="getOrders")

    job = await run_import(services, company)

    sync = await progress(company)
    na = sync["regions"]["NA"]
    requests = await calls(amazon, GET_ORDERS)
    tokens = [r["query"].get("NextToken", [None])[0] for r in requests]
    assert [r["status"] for r in requests] == [200, 503, 503, 503, 200, 200]
    assert tokens[0] is None
    assert tokens[1] == tokens[2] == tokens[3] == tokens[4] != tokens[5]  # page 2 until it came, then page 3
    assert None not in tokens[1:]  # the first page was not asked again
    assert job.worker.jobs_retried == 1
    assert na["outcome"] == "imported"
    assert sync["orders_imported"] == na["ordersImported"] == na["lastWindowOrders"] == expected
    assert na["lastWindowPages"] == 3
    assert job.result == sync["last_run_orders"] == expected - 100  # the retry counted the second and third pages
    assert sync["last_error"] is None


async def test_paging_past_the_burst_waits_for_the_shared_quota_and_each_try_resumes_at_its_page(
    admin: Browser, amazon: AmazonSimulator, services: Services, fast_quotas: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    await amazon.add_seller(BULK_SELLER, "NA", [US], orders_per_30_days=2500)
    await amazon.usage_plan_speed(SPEED)
    company = await connected_company(admin, amazon, services, "NA", BULK_SELLER, [US])
    monkeypatch.setattr(jobs, "IMPORT_SLICE_SECONDS", 1.5)  # a try ends when the next slot is further than that

    worker = (await run_import(services, company)).worker

    na = (await progress(company))["regions"]["NA"]
    requests = await calls(amazon, GET_ORDERS)
    assert worker.jobs_retried >= 1  # the job handed the worker back at least once and went on where it stopped
    assert na["outcome"] == "imported"
    assert na["ordersImported"] == truth(BULK_SELLER, [US], na["importedSince"], na["nextStart"], 2500)
    assert na["lastWindowPages"] == 25
    assert_every_page_once(requests, pages=25)  # 25 > burst: paced by the throttle, never a 429


async def test_a_second_run_within_two_minutes_asks_only_what_amazon_allows(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US])
    stop = frozen_at(monkeypatch, clock)
    started = datetime.now(UTC)
    stop(started)
    await run_import(services, company)
    first = (await progress(company))["regions"]["NA"]
    stop(started + timedelta(seconds=60))
    await amazon.advance(60)

    worker = (await run_import(services, company)).worker

    second = (await progress(company))["regions"]["NA"]
    requests = await calls(amazon, GET_ORDERS)
    asked = [(r["query"]["CreatedAfter"][0], r["query"]["CreatedBefore"][0]) for r in requests]
    assert [r["status"] for r in requests] == [200, 200]
    assert worker.jobs_retried == 0
    assert moment(asked[0][1]) <= started - timedelta(minutes=2)  # Amazon's 2-minute rule, with a margin
    assert asked[1][0] == asked[0][1]  # the second window starts where Amazon said the first one stopped
    assert moment(asked[1][0]) == moment(first["nextStart"])
    assert moment(asked[1][1]) == moment(second["nextStart"])
    assert (await progress(company))["last_error"] is None


@pytest.mark.parametrize(
    ("seconds_after_the_order", "counted_in_second_run"),
    [(60, 1), (150, 0)],  # placed 1 minute before the first run; placed exactly at the end of its window
    ids=["within-the-2-minutes-before-the-first-run", "at-the-end-of-the-first-window"],
)
async def test_no_order_is_skipped_or_counted_twice_between_two_runs(
    admin: Browser,
    amazon: AmazonSimulator,
    services: Services,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    seconds_after_the_order: int,
    counted_in_second_run: int,
) -> None:
    # A1SIMNASELLER1's orders in US are placed at multiples of eight hours: both clocks go back to just after one
    # (back, so that the admin's session stays young).
    eight_hours = 8 * 3600
    placed = datetime.fromtimestamp(int(datetime.now(UTC).timestamp()) // eight_hours * eight_hours, UTC)
    first_run = placed + timedelta(seconds=seconds_after_the_order)
    offset = (first_run - datetime.now(UTC)).total_seconds()
    await amazon.set_clock_offset(offset)
    clock.offset = timedelta(seconds=offset)
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US])
    stop = frozen_at(monkeypatch, clock)
    stop(first_run)
    await run_import(services, company)
    after_first = (await progress(company))["regions"]["NA"]
    stop(first_run + timedelta(minutes=3))
    await amazon.advance(180)

    await run_import(services, company)

    sync = await progress(company)
    na = sync["regions"]["NA"]
    assert moment(after_first["nextStart"]) <= placed  # the first run could not ask for it yet, or just reached it
    assert na["lastWindowOrders"] == sync["last_run_orders"] == counted_in_second_run
    assert na["ordersImported"] == truth("A1SIMNASELLER1", [US], na["importedSince"], na["nextStart"])


async def test_a_400_is_recorded_not_retried_and_the_next_run_asks_again(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US])
    await amazon.fault("sp-api", "error", status=400, operation="getOrders")

    refused = (await run_import(services, company)).worker

    after_refusal = await progress(company)
    assert refused.jobs_retried == 0
    assert refused.jobs_failed == 0
    assert [r["status"] for r in await calls(amazon, GET_ORDERS)] == [400]
    assert after_refusal["regions"]["NA"]["outcome"] == "rejected"
    assert after_refusal["last_error"].startswith("NA: Amazon refused the request (HTTP 400 InvalidInput)")
    assert after_refusal["orders_imported"] == 0
    await run_import(services, company)
    na = (await progress(company))["regions"]["NA"]
    assert na["importedSince"] == after_refusal["regions"]["NA"]["importedSince"]  # nothing skipped
    assert na["ordersImported"] == truth("A1SIMNASELLER1", [US], na["importedSince"], na["nextStart"])


async def test_a_jp_only_authorization_imports_jp_and_reports_au_not_authorized_once(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock
) -> None:
    company = await connected_company(admin, amazon, services, "FE", "A1SIMJPSELLER1", [JP, AU])

    await run_import(services, company)
    await amazon.advance(60)
    clock.advance(timedelta(seconds=60))
    await run_import(services, company)

    fe = (await progress(company))["regions"]["FE"]
    requests = await calls(amazon, GET_ORDERS)
    connection = next(c for c in (await settings_of(admin, company))["connections"] if c["region"] == "FE")
    notes = await Notification.select().where(Notification.kind == "marketplace_not_authorized")
    assert {r["status"] for r in requests} == {200}
    assert {m for r in requests for m in r["query"]["MarketplaceIds"]} == {JP}
    assert fe["notAuthorized"] == [AU]
    assert fe["ordersImported"] == truth("A1SIMJPSELLER1", [JP], fe["importedSince"], fe["nextStart"]) > 0
    assert connection["status"] == "error"
    assert connection["lastErrorCode"] == "marketplace_not_authorized"
    assert "Australia (A39IBJ37TRP1C6)" in connection["lastErrorMessage"]
    assert len(notes) == 1
    assert notes[0]["company"] == company


async def test_one_region_failing_keeps_the_other_regions_orders(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "A1SIMNASELLER1", [US])
    draft = await get_token(admin, amazon, company, "EU", "A1SIMEUSELLER1")
    assert (await admin.patch(f"/api/edits/{draft['id']}", json={"marketplaceIds": [US, DE]})).status_code == 200
    assert (await save(admin, draft)).status_code == 200
    await run_queued_jobs(services)
    await amazon.fault("sp-api", "error", status=503, operation="getOrders", count=3)  # EU's call, all its attempts

    with pytest.raises(Retry):
        await import_orders({"services": services, "job_try": 1}, company)

    failed = await progress(company)
    na = failed["regions"]["NA"]
    assert failed["regions"]["EU"]["outcome"] == "failed"
    assert failed["last_error"].startswith("EU: The Selling Partner API failed (HTTP 503)")
    assert na["outcome"] == "imported"
    assert failed["orders_imported"] == failed["last_run_orders"] == na["ordersImported"] > 0
    assert na["ordersImported"] == truth("A1SIMNASELLER1", [US], na["importedSince"], na["nextStart"])

    retried = await import_orders({"services": services, "job_try": 2}, company)  # the retry: EU's window only

    sync = await progress(company)
    eu = sync["regions"]["EU"]
    assert retried == sync["last_run_orders"] == eu["ordersImported"]
    assert eu["ordersImported"] == truth("A1SIMEUSELLER1", [DE], eu["importedSince"], eu["nextStart"])
    assert sync["regions"]["NA"] == na
    assert sync["orders_imported"] == na["ordersImported"] + eu["ordersImported"]
    assert [r["status"] for r in await calls(amazon, GET_ORDERS)] == [503, 503, 503, 200, 200]
    assert sync["last_error"] is None


async def test_a_worker_killed_mid_import_resumes_without_fetching_a_page_twice(
    admin: Browser, amazon: AmazonSimulator, services: Services, fast_quotas: None, tmp_path: Path
) -> None:
    await amazon.add_seller(BULK_SELLER, "NA", [US], orders_per_30_days=3000)
    await amazon.usage_plan_speed(SPEED)
    company = await connected_company(admin, amazon, services, "NA", BULK_SELLER, [US])
    job_id = f"import_orders:{company}"
    await services.queue.enqueue("import_orders", company, job_id=job_id)
    log = (tmp_path / "worker.log").open("wb")
    victim = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.integration.workers.worker_process", "--usage-plan-speed", str(SPEED)),
        env=dict(os.environ),
        stdout=log,
        stderr=log,
    )
    saved = 0
    for _ in range(1500):  # past the burst each page waits ~0.55 s for its slot: kill right after page 22 is saved
        row = await OrderSync.select(OrderSync.regions).where(OrderSync.company == company).first()
        window = (msgspec.json.decode(row["regions"]).get("NA") or {}).get("window") if row else None
        saved = window["pages"] if window else 0
        if saved >= 22 and (await amazon.counters())["sp-api.getOrders"] == saved:
            break
        await asyncio.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    log.close()
    # arq hands the job to another worker once its in-progress mark expires (job timeout + 10 s): expire it now.
    await services.redis.client.delete(f"arq:in-progress:{job_id}")

    resumed = await run_queued_jobs(services)

    na = (await progress(company))["regions"]["NA"]
    assert victim.returncode == -signal.SIGKILL
    assert 22 <= saved < 30, (tmp_path / "worker.log").read_text()[-3000:]
    assert resumed.jobs_complete == 1
    assert na["outcome"] == "imported"
    assert na["ordersImported"] == truth(BULK_SELLER, [US], na["importedSince"], na["nextStart"], 3000)
    assert_every_page_once(await calls(amazon, GET_ORDERS), pages=30)


async def test_vendors_import_purchase_orders_seven_days_at_a_time_and_never_call_get_orders(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock
) -> None:
    company = await connected_company(admin, amazon, services, "NA", "V1SIMNAVENDOR1", [US])

    worker = (await run_import(services, company)).worker
    await amazon.advance(60)
    clock.advance(timedelta(seconds=60))
    await run_import(services, company)

    sync = await progress(company)
    na = sync["regions"]["NA"]
    requests = [r for r in await calls(amazon, PURCHASE_ORDERS) if "createdAfter" in r["query"]]
    assert await calls(amazon, GET_ORDERS) == []
    assert {r["status"] for r in requests} == {200}
    assert (na["source"], na["outcome"]) == ("purchase_orders", "imported")
    assert worker.jobs_retried == 0
    asked = [(moment(r["query"]["createdAfter"][0]), moment(r["query"]["createdBefore"][0])) for r in requests]
    vendor = next(s for s in DEFAULT_SELLERS if s.selling_partner_id == "V1SIMNAVENDOR1")
    since, until = moment(na["importedSince"]), moment(na["nextStart"])
    assert all(before - after <= timedelta(days=7) for after, before in asked)
    assert [after for after, _ in asked[1:]] == [before for _, before in asked[:-1]]  # contiguous
    assert (asked[0][0], asked[-1][1]) == (since, until)
    assert len(asked) == 6  # 30 days in five requests, then the second run's few minutes
    expected = purchase_orders_created_between(vendor, since, until, datetime.now(UTC))
    assert sync["orders_imported"] == na["ordersImported"] == len(expected) > 0
    assert sync["last_error"] is None
