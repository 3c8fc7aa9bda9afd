"""Jobs on a real arq worker and Redis: queued after Save with deterministic IDs, orders imported, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.lib.clock import MovableClock
from app.lib.queue import Enqueued, deserialize
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token
from tests.integration.workers.arq_burst import run_queued_jobs
from tests.integration.workers.order_import_support import (
    CA,
    GET_ORDERS,
    US,
    assert_every_page_once,
    calls,
    first_window,
    frozen_at,
    job_result,
    moment,
    pages_for,
    progress,
    truth,
)

__all__ = ["run_queued_jobs"]  # other tests run their jobs with it


async def test_save_queues_one_check_per_new_token_and_the_worker_runs_it(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    await save(admin, draft)
    queued = await services.queue.pool.queued_jobs()
    again = await services.queue.enqueue("check_connection", us["id"], "NA", job_id=f"check_connection:{us['id']}:NA")

    worker = await run_queued_jobs(services)

    assert [(j.function, list(j.args)) for j in queued] == [("check_connection", [us["id"], "NA"])]
    assert again is Enqueued.ALREADY_QUEUED  # the same job ID is not queued twice
    assert worker.jobs_complete == 1
    row = await AmazonConnection.select().first()
    assert row is not None
    assert row["last_check_result"] == "ok"
    assert row["last_checked_at"] is not None


async def test_the_import_cron_counts_every_order_of_the_last_30_days_once_on_every_page(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    us = await create_company(admin, "US-01")
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    await admin.patch(
        f"/api/edits/{draft['id']}",
        json={"enabled": True, "orderImportEnabled": True, "marketplaceIds": [US, CA]},
    )
    await save(admin, draft)
    await run_queued_jobs(services)  # the connection check queued by Save
    ran_at = datetime.now(UTC)
    frozen_at(monkeypatch, clock)(ran_at)
    since, until = first_window(ran_at)
    expected = truth("A1SIMNASELLER1", [US, CA], since, until)  # 90 orders a month in each marketplace
    await services.queue.enqueue("import_all_orders", job_id="import_all_orders:test")

    worker = await run_queued_jobs(services)

    sync = await progress(us["id"])
    na = sync["regions"]["NA"]
    requests = await calls(amazon, GET_ORDERS)
    assert expected > 100  # more than one page
    assert worker.jobs_complete == 2  # the cron's job, then the company's import
    assert await job_result(services, f"import_orders:{us['id']}") == expected
    assert sync["orders_imported"] == sync["last_run_orders"] == na["ordersImported"] == expected
    assert (na["lastWindowOrders"], na["lastWindowPages"]) == (expected, pages_for(expected))
    assert (moment(na["importedSince"]), moment(na["nextStart"])) == (since, until)
    assert moment(sync["last_synced_at"]) == ran_at
    assert sync["last_error"] is None
    assert_every_page_once(requests, pages=pages_for(expected))
    first = requests[0]["query"]
    assert (moment(first["CreatedAfter"][0]), moment(first["CreatedBefore"][0])) == (since, until)
    assert all("x-amz-access-token" not in str(r["query"]) for r in requests)


async def test_job_arguments_are_ids_only(services: Services) -> None:
    await services.queue.enqueue("check_connection", 7, Region.NA.value, job_id="check_connection:7:NA")

    raw = await services.redis.client.get("arq:job:check_connection:7:NA")

    assert raw is not None
    assert deserialize(raw)["a"] == [7, "NA"]
