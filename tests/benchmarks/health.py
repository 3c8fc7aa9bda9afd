"""The Health part: the needs-action filter over 100,000 companies, and a bulk test of 10,000 sellers' connections.

1. *Filter*: 100,000 companies in trees of 100 (a root and 9 non-unified subsidiaries, each the account owner of 9
   unified members), 10,000 connections of 8,000 owners in a mix of statuses, stored directly. Through the real app,
   signed in as support staff of every company and of a few roots: `GET /api/companies?status=needs_action` (and
   with `region=EU`), median and p95, the SQL statements per request for limit 1 and limit 50 (target: the same),
   and the total and counts it answers against what was loaded. Target: median ≤ 50 ms.
2. *Bulk*: on an emptied database, 10,000 companies, each connected with the authorization of its own seller, which
   the simulator grants (`POST /_admin/authorizations`) and `store_authorization` stores. Two real arq worker
   processes; the run is started with `POST /api/bulk-tests` and followed through the API until it is done: its
   time, tests per second, the simulator's LWA and SP-API counters, 429 answers (its request log, read as the run
   goes) and the verdicts. Target: every verdict ok, no 429, under 5 minutes.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar

from app.accounts.schemas import Role
from app.amazon.regions import Region
from app.config import get_settings
from app.secrets import connection_context
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator, install_app_credentials
from tests.benchmarks.dataset import CompanyRow
from tests.benchmarks.health_data import FilterSet, build_filter_set, expected_answer
from tests.benchmarks.load import (
    engine,
    finish_load,
    insert_companies,
    insert_connection_rows,
    insert_default_settings,
    reset_schema,
)
from tests.benchmarks.measure import Stats, compare, frozen_heap
from tests.benchmarks.simulator import BenchSimulator
from tests.benchmarks.suite import PASSWORD, min_queries, running_app

EVERYONE, SCOPED = "every company", "scoped"
FILTERS: tuple[tuple[str, str | None], ...] = (("needs_action", None), ("needs_action", "EU"))
# The bulk run's sellers per region (shares of the connections), each region's through its own SP-API host.
BULK_REGIONS = (("NA", 0.6, "A1BKNA"), ("EU", 0.3, "A1BKEU"), ("FE", 0.1, "A1BKFE"))
HEALTH_CHECK_KEY = "arq:queue:health-check"  # arq's default queue: every worker writes it when it starts polling
POLL_SECONDS = 1.0
LWA_PATH, SP_API_PATH = "/auth/o2/token", "/sellers/v1/marketplaceParticipations"


@dataclass(frozen=True)
class HealthConfig:
    """Sizes and repetitions of the Health part."""

    trees: int = 1000  # of 100 companies each
    connections: int = 10_000
    scoped_roots: int = 5
    repetitions: int = 200
    bulk_connections: int = 10_000
    bulk_workers: int = 2
    bulk_timeout_seconds: float = 900.0


@dataclass
class FilterCase:
    """One user and filter: the request's timings, its statements, and its answer against the data set."""

    user: str
    status: str
    region: str | None
    timing: Stats
    unfiltered: Stats  # the same user's first page without a filter, for comparison
    queries: dict[int, int]  # limit → SQL statements of one request
    total: int
    expected_total: int
    counts: dict[str, int]
    expected_counts: dict[str, int]


@dataclass
class FilterResults:
    data: FilterSet
    scope_codes: list[str]
    cases: list[FilterCase]


@dataclass
class BulkResults:
    """One bulk run as the API, the database and the simulator saw it."""

    connections: int
    regions: dict[str, int]
    workers: int
    load_seconds: float
    start_request_seconds: float  # POST /api/bulk-tests (writes the items, queues the jobs)
    run_seconds: float  # the run's created_at → finished_at (or → the timeout)
    first_to_last_seconds: float  # first verdict → last verdict
    state: str
    tested: int
    verdicts: dict[str, int]
    lwa_calls: int
    sp_api_calls: int
    throttled: int  # 429 answers in the request log
    logged: int  # LWA and SP-API requests read from the request log
    progress: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, tested)


@dataclass
class HealthResults:
    config: HealthConfig
    filter: FilterResults
    bulk: BulkResults | None


def _check(response: httpx.Response, *expected: int) -> Any:
    if response.status_code not in expected:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    return response.json() if response.content else None


@contextlib.asynccontextmanager
async def signed_in_as(
    application: Litestar, username: str, role: Role, company_codes: list[str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client over ASGI (at the app's public URL), signed in as a new user of that role and scope."""
    services: Services = application.state.services
    await services.accounts.create_user(username, PASSWORD, role, username, company_codes)
    transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]  # Litestar is ASGI; stubs differ
    async with httpx.AsyncClient(transport=transport, base_url=services.config.public_url) as client:
        signed = _check(await client.post("/api/auth/login", json={"username": username, "password": PASSWORD}), 200)
        client.headers["X-CSRF-Token"] = signed["csrfToken"]
        yield client


# --- 1. the needs-action filter -----------------------------------------------------------------------------------


async def load_filter_set(services: Services, config: HealthConfig) -> FilterSet:
    """The companies, their settings rows and the connections, inserted in bulk.

    Nothing decrypts the filter's refresh tokens, so every row carries the same real ciphertext (sealed for the first
    row): start-up's key check looks only at its key ID.
    """
    now = services.clock.now()
    start = time.perf_counter()
    token = services.keyring.encrypt(
        "Atzr|bench-placeholder-refresh-token", connection_context("refresh_token", 1, "NA")
    )
    data = build_filter_set(config.trees, config.connections, now, token)
    await insert_companies(data.companies, now)
    await insert_default_settings(now)
    await insert_connection_rows(data.connections, now)
    await finish_load()
    data.load_seconds = time.perf_counter() - start
    return data


def _query(status: str, region: str | None, limit: int) -> dict[str, str | int]:
    params: dict[str, str | int] = {"status": status, "limit": limit}
    if region is not None:
        params["region"] = region
    return params


async def measure_filter(application: Litestar, data: FilterSet, config: HealthConfig) -> FilterResults:
    """Every (user, filter) case timed in one interleaved series, then its statements and its answer."""
    scope_roots = data.roots[:: max(1, len(data.roots) // config.scoped_roots)][: config.scoped_roots]
    scope_codes = [data.codes[root] for root in scope_roots]
    async with (
        signed_in_as(application, "bench-health-support", "support") as everyone,
        signed_in_as(application, "bench-health-scoped", "support", scope_codes) as scoped,
    ):
        users = {EVERYONE: (everyone, None), SCOPED: (scoped, scope_roots)}
        requests: list[tuple[httpx.AsyncClient, dict[str, str | int]]] = []
        labels: list[str] = []
        for user, (client, _) in users.items():
            for status, region in FILTERS:
                labels.append(f"{user}|{status}|{region}")
                requests.append((client, _query(status, region, 50)))
            labels.append(f"{user}|unfiltered")
            requests.append((client, {"limit": 50}))

        async def call(index: int) -> None:
            client, params = requests[index]
            _check(await client.get("/api/companies", params=params), 200)

        # The generated data set stays alive in this process, as no server's would: collections must not walk it.
        with frozen_heap():
            timings = await compare(call, {label: [i] for i, label in enumerate(labels)}, config.repetitions)
        cases = []
        for user, (client, roots) in users.items():
            for status, region in FILTERS:
                cases.append(
                    await _case(client, user, status, region, timings, data, roots, timings[f"{user}|unfiltered"])
                )
    return FilterResults(data, scope_codes, cases)


async def _case(
    client: httpx.AsyncClient,
    user: str,
    status: str,
    region: str | None,
    timings: dict[str, Stats],
    data: FilterSet,
    roots: list[int] | None,
    unfiltered: Stats,
) -> FilterCase:
    async def request(limit: int) -> dict[str, Any]:
        body: dict[str, Any] = _check(await client.get("/api/companies", params=_query(status, region, limit)), 200)
        return body

    queries = {}
    for limit in (1, 50):

        async def one(_: int, limit: int = limit) -> None:
            await request(limit)

        queries[limit] = await min_queries(one, 0)
    answer = await request(50)
    expected_total, expected_counts = expected_answer(data, status, region, roots)
    return FilterCase(
        user=user,
        status=status,
        region=region,
        timing=timings[f"{user}|{status}|{region}"],
        unfiltered=unfiltered,
        queries=queries,
        total=int(answer["total"]),
        expected_total=expected_total,
        counts={key: int(value) for key, value in (answer.get("counts") or {}).items()},
        expected_counts=expected_counts,
    )


# --- 2. the bulk connection test ----------------------------------------------------------------------------------


def bulk_shares(total: int) -> dict[str, int]:
    """How many of the run's sellers are in each region (the last takes what rounding left)."""
    shares = {region: int(total * share) for region, share, _ in BULK_REGIONS}
    last = BULK_REGIONS[-1][0]
    shares[last] += total - sum(shares.values())
    return shares


async def load_bulk_set(services: Services, amazon: AmazonSimulator, total: int) -> tuple[dict[str, int], float]:
    """`total` root companies, each connected (`store_authorization`) with its own seller's authorization."""
    now = services.clock.now()
    start = time.perf_counter()
    rows = [CompanyRow(i + 1, f"S{i + 1:07d}", None, False) for i in range(total)]
    await insert_companies(rows, now)
    await insert_default_settings(now)
    regions = bulk_shares(total)
    grants: list[tuple[str, dict[str, str]]] = []
    for region, _, prefix in BULK_REGIONS:
        body = {"count": regions[region], "region": region, "prefix": prefix}
        answer = _check(await amazon.http.post("/_admin/authorizations", json=body, timeout=120), 201)
        grants += [(region, grant) for grant in answer["authorizations"]]
    async with engine().transaction():  # one connection for the 10,000 writes: this is set-up, not measured
        for row, (region, grant) in zip(rows, grants, strict=True):
            await services.connections.store_authorization(
                row.id,
                Region(region),
                selling_partner_id=grant["sellingPartnerId"],
                refresh_token=grant["refreshToken"],
                authorized_at=now,
            )
    await finish_load()
    return regions, time.perf_counter() - start


async def start_workers(count: int, log: Path) -> list[asyncio.subprocess.Process]:
    """`count` real arq worker processes (the app's WorkerSettings, no crons), logging to `log`."""
    processes = []
    with log.open("ab") as out:
        for _ in range(count):
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tests.integration.workers.worker_process",
                    env=dict(os.environ),
                    stdout=out,
                    stderr=out,
                )
            )
    return processes


async def wait_until_polling(services: Services, processes: list[asyncio.subprocess.Process]) -> None:
    """Until a worker has written arq's health check (all start together), and a second more for the others."""
    deadline = time.monotonic() + 60
    while not await services.redis.client.exists(HEALTH_CHECK_KEY):
        if time.monotonic() > deadline or any(p.returncode is not None for p in processes):
            raise RuntimeError("the worker processes did not start: see bulk-workers.log in the run's folder")
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)


async def stop_workers(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


@dataclass
class LogReader:
    """Reads the simulator's request log (its last 1,000 requests) as it grows, counting LWA and SP-API answers."""

    amazon: AmazonSimulator
    since: datetime
    statuses: Counter[int] = field(default_factory=Counter)
    read: int = 0
    overflowed: bool = False

    async def poll(self) -> None:
        entries = await self.amazon.requests(1000)
        fresh = [e for e in entries if datetime.fromisoformat(e["at"]) > self.since]
        if len(fresh) == len(entries) == 1000:
            self.overflowed = True  # more than the log holds arrived since the last look: some went unseen
        for entry in fresh:
            if entry["path"] in (LWA_PATH, SP_API_PATH):
                self.statuses[entry["status"]] += 1
                self.read += 1
        if fresh:
            self.since = datetime.fromisoformat(fresh[-1]["at"])


async def follow(client: httpx.AsyncClient, run: dict[str, Any], log: LogReader, patience: float) -> dict[str, Any]:
    """GET the run every second (reading the request log too) until it ends; cancelled when it overruns."""
    started = time.perf_counter()
    progress: list[tuple[float, int]] = []
    view = run
    while view["state"] == "running":
        await asyncio.sleep(POLL_SECONDS)
        await log.poll()
        view = _check(await client.get(f"/api/bulk-tests/{run['id']}"), 200)
        progress.append((time.perf_counter() - started, int(view["tested"])))
        if time.perf_counter() - started > patience:
            view = _check(await client.post(f"/api/bulk-tests/{run['id']}/cancel"), 200)
    await log.poll()
    view["progress"] = progress
    return view


async def verdicts_of(client: httpx.AsyncClient, run_id: int, total: int) -> tuple[Counter[str], list[datetime]]:
    """Every result through the results endpoint: the verdicts counted, and when each was tested."""
    verdicts: Counter[str] = Counter()
    tested_at: list[datetime] = []
    for offset in range(0, total, 500):
        page = _check(
            await client.get(f"/api/bulk-tests/{run_id}/results", params={"limit": 500, "offset": offset}), 200
        )
        for item in page["items"]:
            verdicts[item["verdict"] or "not tested"] += 1
            if item["testedAt"]:
                tested_at.append(datetime.fromisoformat(item["testedAt"]))
    return verdicts, tested_at


async def measure_bulk(application: Litestar, simulator: BenchSimulator, config: HealthConfig) -> BulkResults:
    services: Services = application.state.services
    amazon = AmazonSimulator(simulator.url)
    try:
        await install_app_credentials(services, services.config.public_url)
        regions, load_seconds = await load_bulk_set(services, amazon, config.bulk_connections)
        print(f"# bulk set loaded: {config.bulk_connections:,} connections in {load_seconds:.1f} s", flush=True)
        await services.redis.client.delete(HEALTH_CHECK_KEY)
        workers = await start_workers(config.bulk_workers, Path(get_settings().var_dir) / "bulk-workers.log")
        try:
            await wait_until_polling(services, workers)
            async with signed_in_as(application, "bench-bulk-support", "support") as client:
                before = await amazon.counters()
                log = LogReader(amazon, datetime.fromisoformat((await amazon.http.get("/_admin/clock")).json()["now"]))
                posted = time.perf_counter()
                run = _check(await client.post("/api/bulk-tests", json={}), 201)
                start_seconds = time.perf_counter() - posted
                view = await follow(client, run, log, config.bulk_timeout_seconds)
                after = await amazon.counters()
                verdicts, tested_at = await verdicts_of(client, int(run["id"]), int(view["total"]))
        finally:
            await stop_workers(workers)
    finally:
        await amazon.close()
    created = datetime.fromisoformat(view["createdAt"])
    ended = datetime.fromisoformat(view["finishedAt"]) if view["finishedAt"] else max(tested_at, default=created)
    return BulkResults(
        connections=int(view["total"]),
        regions=regions,
        workers=config.bulk_workers,
        load_seconds=load_seconds,
        start_request_seconds=start_seconds,
        run_seconds=(ended - created).total_seconds(),
        first_to_last_seconds=(max(tested_at) - min(tested_at)).total_seconds() if tested_at else 0.0,
        state=view["state"],
        tested=int(view["tested"]),
        verdicts=dict(verdicts),
        lwa_calls=after["lwa.refresh_token"] - before["lwa.refresh_token"],
        sp_api_calls=after["sp-api.getMarketplaceParticipations"] - before["sp-api.getMarketplaceParticipations"],
        throttled=log.statuses[429],
        logged=-1 if log.overflowed else log.read,
        progress=view["progress"],
    )


async def run(config: HealthConfig, simulator: BenchSimulator | None) -> HealthResults:
    """The Health part, each half on a database emptied first (the parts before leave theirs behind)."""
    settings = get_settings()
    await reset_schema(settings)
    async with running_app() as application:
        data = await load_filter_set(application.state.services, config)
        print(f"# filter set loaded: {len(data.companies):,} companies in {data.load_seconds:.1f} s", flush=True)
        filtered = await measure_filter(application, data, config)
    print("# needs-action filter measured", flush=True)
    bulk = None
    if simulator is not None and config.bulk_connections > 0:
        await reset_schema(settings)
        async with running_app() as application:
            bulk = await measure_bulk(application, simulator, config)
        print("# bulk connection test measured", flush=True)
    return HealthResults(config, filtered, bulk)
