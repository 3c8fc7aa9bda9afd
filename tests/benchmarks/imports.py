"""The Imports part: a 5,000-order seller's first import at Amazon's pace, and a worker killed halfway through one.

Real arq worker processes (tests/integration/workers/worker_process.py, the app's WorkerSettings) import for a
seller connected through the real consent flow, against the simulator over real HTTP. getOrders allows a burst of 20
and then 0.0167 requests per second: 50 pages take half an hour at Amazon. Both ends run `speed` times faster: the
simulator's usage plans (its admin API) and the worker's shared throttle (Amazon's quotas times `speed`), so the
import paces itself exactly as it would at Amazon and every wait is `speed` times shorter. The report gives real
seconds and what they are at Amazon (times `speed`).

1. First import: a worker in burst mode imports the seller's last 30 days; pages, 429s and orders are counted at
   the simulator (its counters and request log) and against the orders it holds.
2. A second seller's import; its worker is killed (SIGKILL) just after page `kill_after_pages` is saved; arq would
   give the job to another worker once its in-progress mark expires (job timeout + 10 s): the benchmark expires
   the mark and starts a second worker, which resumes. Every page's NextToken is counted at the simulator.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from arq.jobs import Job

from app.amazon.tables import OrderSync
from app.amazon_sim.catalog import Region
from app.amazon_sim.fake_orders import orders_created_between
from app.amazon_sim.records import SellerAccount
from app.config import get_settings
from app.lib.queue import deserialize
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator, install_app_credentials
from tests.benchmarks.load import prepare_schema
from tests.benchmarks.simulator import BenchSimulator
from tests.benchmarks.suite import running_app, signed_in
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token
from tests.integration.workers.test_jobs import run_queued_jobs

USERNAME = "bench-imports-admin"
US = "ATVPDKIKX0DER"
GET_ORDERS = "/orders/v0/orders"
AMAZON_RATE, AMAZON_BURST = 0.0167, 20  # getOrders' usage plan
OUR_BURST = AMAZON_BURST - 1  # the shared throttle keeps one request of the burst in hand (app/amazon/throttle.py)


@dataclass(frozen=True)
class ImportsConfig:
    orders_per_30_days: int = 5000
    speed: float = 60.0
    kill_after_pages: int = 25


@dataclass
class ImportRun:
    """One import as the simulator saw it, and what the ERP recorded."""

    pages: int  # getOrders requests
    distinct_pages: int  # the first page plus distinct NextTokens
    throttled: int  # 429 answers
    refused: int  # other non-200 answers
    orders_counted: int
    orders_at_amazon: int
    seconds: float  # first to last getOrders request, real time
    burst_seconds: float  # the pages of the throttle's burst
    paced_interval: float  # median gap between pages after it
    tries: int  # arq tries of the job
    killed_after_pages: int | None = None
    resume_seconds: float | None = None  # second worker started → last page


@dataclass
class ImportsResults:
    config: ImportsConfig
    first: ImportRun
    killed: ImportRun


async def connected_seller(
    services: Services, client: Any, amazon: AmazonSimulator, config: ImportsConfig, seller: str, code: str
) -> int:
    """A seller with the configured volume, connected through consent and Save, importing US orders."""
    await amazon.add_seller(seller, "NA", [US], orders_per_30_days=config.orders_per_30_days)
    company = await create_company(client, code)
    draft = await get_token(client, amazon, company["id"], "NA", seller)
    changes = {"enabled": True, "orderImportEnabled": True, "marketplaceIds": [US]}
    await client.patch(f"/api/edits/{draft['id']}", json=changes)
    saved = await save(client, draft)
    if saved.status_code != 200:
        raise RuntimeError(f"Save failed: {saved.status_code} {saved.text}")
    await run_queued_jobs(services)  # the connection check queued by Save, before the import
    return int(company["id"])


async def worker_process(log: Path, speed: float, *, burst: bool) -> asyncio.subprocess.Process:
    arguments = ["-m", "tests.integration.workers.worker_process", "--usage-plan-speed", str(speed)]
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, *arguments, *(["--burst"] if burst else []), env=dict(os.environ), stdout=out, stderr=out
        )


async def saved_pages(company: int) -> int:
    row = await OrderSync.select(OrderSync.regions).where(OrderSync.company == company).first()
    window = (msgspec.json.decode(row["regions"]).get("NA") or {}).get("window") if row else None
    return int(window["pages"]) if window else 0


async def measure(
    services: Services,
    amazon: AmazonSimulator,
    config: ImportsConfig,
    company: int,
    seller: str,
    since: datetime,
    job_id: str,
) -> ImportRun:
    """What the simulator served for getOrders since `since`, and the ERP's count against the truth."""
    requests = [
        r for r in await amazon.requests(1000) if r["path"] == GET_ORDERS and datetime.fromisoformat(r["at"]) >= since
    ]
    tokens = [r["query"]["NextToken"][0] for r in requests if "NextToken" in r["query"]]
    at = [datetime.fromisoformat(r["at"]) for r in requests]
    gaps = [(b - a).total_seconds() for a, b in zip(at[OUR_BURST - 1 :], at[OUR_BURST:], strict=False)]
    row = await OrderSync.select().where(OrderSync.company == company).first()
    assert row is not None
    na = msgspec.json.decode(row["regions"])["NA"]
    truth = orders_created_between(
        SellerAccount(seller, seller, "seller", Region.NA, (US,)),
        [US],
        datetime.fromisoformat(na["importedSince"]),
        datetime.fromisoformat(na["nextStart"]),
        datetime.fromisoformat(na["nextStart"]) + timedelta(days=1),
        config.orders_per_30_days,
    )
    info = await Job(job_id, services.queue.pool, _deserializer=deserialize).result_info()
    return ImportRun(
        pages=len(requests),
        distinct_pages=len(set(tokens)) + sum("NextToken" not in r["query"] for r in requests),
        throttled=sum(r["status"] == 429 for r in requests),
        refused=sum(r["status"] not in (200, 429) for r in requests),
        orders_counted=int(na["ordersImported"]),
        orders_at_amazon=len(truth),
        seconds=(at[-1] - at[0]).total_seconds() if at else 0.0,
        burst_seconds=(at[min(OUR_BURST, len(at)) - 1] - at[0]).total_seconds() if at else 0.0,
        paced_interval=statistics.median(gaps) if gaps else 0.0,
        tries=info.job_try if info is not None else 0,
    )


async def simulator_now(amazon: AmazonSimulator) -> datetime:
    return datetime.fromisoformat((await amazon.http.get("/_admin/clock")).json()["now"])


async def first_import(services: Services, client: Any, amazon: AmazonSimulator, config: ImportsConfig) -> ImportRun:
    seller = "A1SIMBENCHBULK1"
    company = await connected_seller(services, client, amazon, config, seller, "BENCH-IMPORT-1")
    since, job_id = await simulator_now(amazon), f"import_orders:{company}"
    await services.queue.enqueue("import_orders", company, job_id=job_id)
    worker = await worker_process(Path(get_settings().var_dir) / "import-worker.log", config.speed, burst=True)
    await worker.wait()
    return await measure(services, amazon, config, company, seller, since, job_id)


async def killed_import(services: Services, client: Any, amazon: AmazonSimulator, config: ImportsConfig) -> ImportRun:
    seller = "A1SIMBENCHBULK2"
    company = await connected_seller(services, client, amazon, config, seller, "BENCH-IMPORT-2")
    since, job_id = await simulator_now(amazon), f"import_orders:{company}"
    log = Path(get_settings().var_dir) / "import-worker.log"
    await services.queue.enqueue("import_orders", company, job_id=job_id)
    served_before = (await amazon.counters())["sp-api.getOrders"]
    victim = await worker_process(log, config.speed, burst=False)
    saved, deadline = 0, time.monotonic() + 600
    while time.monotonic() < deadline:  # kill just after a page is saved, while the worker waits for the next slot
        saved = await saved_pages(company)
        if saved >= config.kill_after_pages and (await amazon.counters())["sp-api.getOrders"] - served_before == saved:
            victim.send_signal(signal.SIGKILL)
            break
        await asyncio.sleep(0.02)
    await victim.wait()
    await services.redis.client.delete(f"arq:in-progress:{job_id}")  # arq: after job timeout + 10 s
    resumed_at = time.perf_counter()
    survivor = await worker_process(log, config.speed, burst=True)
    await survivor.wait()
    resume_seconds = time.perf_counter() - resumed_at
    run = await measure(services, amazon, config, company, seller, since, job_id)
    run.killed_after_pages, run.resume_seconds = saved, resume_seconds
    return run


async def run(config: ImportsConfig, simulator: BenchSimulator, *, fresh_database: bool) -> ImportsResults:
    """The Imports part; on the database of the parts before it unless `fresh_database`."""
    settings = get_settings()
    if fresh_database:
        await prepare_schema(settings)
    amazon = AmazonSimulator(simulator.url)
    logging.getLogger("arq").setLevel(logging.WARNING)  # the in-process worker that runs the checks after Save
    try:
        async with running_app() as application, signed_in(application, USERNAME) as client:
            services: Services = application.state.services
            await install_app_credentials(services, settings.public_url)
            await amazon.usage_plan_speed(config.speed)
            first = await first_import(services, client, amazon, config)
            print("# first import measured", flush=True)
            killed = await killed_import(services, client, amazon, config)
            print("# killed and resumed import measured", flush=True)
            await amazon.usage_plan_speed(1.0)
    finally:
        await amazon.close()
    return ImportsResults(config, first, killed)
