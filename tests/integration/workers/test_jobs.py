"""Jobs on a real arq worker and Redis: queued after Save with deterministic IDs, orders imported, idempotent."""

from __future__ import annotations

from arq.worker import Worker

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection, OrderSync
from app.lib.queue import Enqueued, deserialize, redis_settings, serialize
from app.services import Services
from app.worker import WorkerSettings
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token


async def run_queued_jobs(services: Services) -> Worker:
    """A real arq worker in burst mode: it runs what is queued (and retries due) and stops."""
    worker = Worker(
        functions=WorkerSettings.functions,
        redis_settings=redis_settings(services.redis.url or ""),
        burst=True,
        ctx={"services": services},
        job_serializer=serialize,
        job_deserializer=deserialize,
        poll_delay=0.05,
        handle_signals=False,
    )
    await worker.main()
    await worker.close()
    return worker


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


async def test_orders_are_imported_for_enabled_companies_with_a_count_and_a_time(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    await admin.patch(
        f"/api/edits/{draft['id']}",
        json={"enabled": True, "orderImportEnabled": True, "marketplaceIds": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]},
    )
    await save(admin, draft)
    await services.queue.enqueue("import_all_orders", job_id="import_all_orders:test")

    await run_queued_jobs(services)

    sync = await OrderSync.select().where(OrderSync.company == us["id"]).first()
    assert sync is not None
    assert sync["last_synced_at"] is not None
    assert sync["orders_imported"] > 0
    assert sync["last_error"] is None
    calls = [r for r in await amazon.requests(200) if r["path"].endswith("/orders/v0/orders")]
    assert calls
    assert all("x-amz-access-token" not in str(r["query"]) for r in calls)


async def test_job_arguments_are_ids_only(services: Services) -> None:
    await services.queue.enqueue("check_connection", 7, Region.NA.value, job_id="check_connection:7:NA")

    raw = await services.redis.client.get("arq:job:check_connection:7:NA")

    assert raw is not None
    assert deserialize(raw)["a"] == [7, "NA"]
