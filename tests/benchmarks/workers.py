"""The Workers part: access tokens (cached, refreshed under a stampede, inside jobs) and the reminder scan.

Runs against the real app (its services: `running_services` under the app's lifespan), a signed-in admin over ASGI,
and the Amazon simulator over real HTTP (tests.benchmarks.simulator). One vendor owner is connected through the real
consent flow; a unified member of it is created too. Then, in this order:

1. cached `TokenProvider.access_token()` calls per second, beside python-amazon-sp-api's cached `get_auth()`;
2. 1,000 concurrent `access_token()` calls for an expired token: LWA refresh calls counted by the simulator;
3. getPurchaseOrders calls per second when each call gets its token through the provider vs with a token fetched
   once (simulator usage plans switched off), and the same comparison with a local coroutine instead of HTTP;
4. the reminder scan over 100,000 connected owners: first run (sends) and second run (nothing new).

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.amazon.regions import Region
from app.amazon.spapi import with_fresh_token
from app.amazon.tables import AmazonConnection
from app.amazon_sim import VENDOR_APP
from app.audit.tables import Notification
from app.config import get_settings
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator, install_app_credentials
from tests.benchmarks import sp_api_side
from tests.benchmarks.load import prepare_schema
from tests.benchmarks.measure import count_queries, frozen_heap
from tests.benchmarks.reminder_data import ReminderSet, load_reminder_set
from tests.benchmarks.simulator import BenchSimulator
from tests.benchmarks.suite import running_app, signed_in
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token

USERNAME = "bench-workers-admin"
VENDOR = "V1SIMNAVENDOR1"
REGION = Region.NA


@dataclass(frozen=True)
class WorkersConfig:
    """Sizes and repetitions of the Workers part."""

    token_calls: int = 100_000
    token_rounds: int = 5
    concurrent_requests: int = 1000
    job_calls: int = 300
    job_rounds: int = 7
    local_calls: int = 2000
    local_rounds: int = 9
    reminder_connections: int = 100_000
    horizon_days: int = 400


@dataclass
class CachedTokens:
    """Calls per second of each cached path, one figure per round (rounds interleave the paths)."""

    calls: int
    rates: dict[str, list[float]]
    sp_api_version: str | None
    sp_api_skipped: str | None
    statements: int
    lwa_calls: int


@dataclass
class Stampede:
    """Concurrent access_token() calls for an expired token."""

    owners_cached: bool
    requests: int
    lwa_calls: int
    distinct_tokens: int
    failures: int
    seconds: float
    statements: int
    renewed: bool


@dataclass
class Throughput:
    """Calls per second with the token acquired per call vs fixed, over HTTP and with a local stand-in."""

    http_calls: int
    http_acquire: list[float]
    http_fixed: list[float]
    http_failures: int
    http_rate_limited: int
    local_calls: int
    local_acquire: list[float]
    local_fixed: list[float]


@dataclass
class ReminderRun:
    """One `ReminderService.run()`, with where its time went."""

    seconds: float
    scanned: int
    sent: int
    statements: int
    members_calls: int
    members_seconds: float
    notify_seconds: float


@dataclass
class Reminders:
    data: ReminderSet
    first: ReminderRun
    second: ReminderRun
    notifications: int


@dataclass
class WorkersResults:
    config: WorkersConfig
    tokens: CachedTokens
    stampedes: list[Stampede]
    throughput: Throughput
    reminders: Reminders


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- set-up -------------------------------------------------------------------------------------------------------


async def connected_vendor(
    services: Services, client: Any, amazon: AmazonSimulator, public_url: str
) -> tuple[int, int]:
    """A vendor owner connected for NA through the real consent flow and Save, and a unified member of it."""
    await install_app_credentials(services, public_url)
    owner = await create_company(client, "WRK-OWNER")
    draft = await get_token(client, amazon, owner["id"], REGION.value, VENDOR, accountType="vendor")
    saved = await save(client, draft)
    if saved.status_code != 200:
        raise RuntimeError(f"Save of the connected owner failed: {saved.status_code} {saved.text}")
    member = await create_company(client, "WRK-MEMBER", parent=owner["id"], unified=True)
    return int(owner["id"]), int(member["id"])


async def expire_access_token(services: Services, owner: int) -> None:
    """The stored access token expired a minute ago (as tests/integration/workers does)."""
    await AmazonConnection.update(
        {AmazonConnection.access_token_expires_at: services.clock.now() - timedelta(minutes=1)}
    ).where(AmazonConnection.company == owner)


async def stored_refresh_token(services: Services, owner: int) -> str:
    row = (await services.connections.rows_for_owners([owner]))[owner][REGION]
    token = services.connections.secret(row, "refresh_token")
    if not token:
        raise RuntimeError("the connected owner has no refresh token")
    return token


async def lwa_refreshes(amazon: AmazonSimulator) -> int:
    return (await amazon.counters())["lwa.refresh_token"]


# --- 1. cached access tokens --------------------------------------------------------------------------------------


async def _rate_async(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await call()
    return calls / (time.perf_counter() - start)


async def _rate_sync(call: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return calls / (time.perf_counter() - start)


async def measure_cached_tokens(
    services: Services, amazon: AmazonSimulator, owner: int, config: WorkersConfig
) -> CachedTokens:
    """Sequential cached calls in one process: ours, then the library's asyncio and synchronous clients."""
    tokens = services.tokens
    token = await tokens.access_token(owner, REGION)  # fills the owner and token caches

    async def ours() -> str:
        return await tokens.access_token(owner, REGION)

    paths: dict[str, Callable[[int], Awaitable[float]]] = {"ours": lambda n: _rate_async(ours, n)}
    skipped = sp_api_side.unavailable_reason()
    clients = None
    if skipped is None:
        clients = await sp_api_side.primed_clients(
            services.endpoints.lwa_token_url,
            VENDOR_APP.client_id,
            VENDOR_APP.client_secret,
            await stored_refresh_token(services, owner),
        )
        primed = clients

        async def library_async() -> str:
            return str((await primed.asyncio.get_auth()).access_token)

        def library_sync() -> str:
            return str(primed.sync.get_auth().access_token)

        paths["sp_api_async"] = lambda n: _rate_async(library_async, n)
        paths["sp_api_sync"] = lambda n: _rate_sync(library_sync, n)
    else:
        print(f"# {skipped}: comparison skipped", flush=True)
    rates: dict[str, list[float]] = {name: [] for name in paths}
    before = await lwa_refreshes(amazon)
    try:
        for path in paths.values():
            await path(1000)  # warm-up
        with count_queries() as seen:
            for i in range(config.token_rounds):
                for name in list(paths) if i % 2 == 0 else reversed(list(paths)):
                    with frozen_heap():
                        rates[name].append(await paths[name](config.token_calls))
        if await ours() != token:
            raise RuntimeError("the cached token changed while it was being measured")
    finally:
        if clients is not None:
            await clients.close()
    return CachedTokens(
        calls=config.token_calls,
        rates=rates,
        sp_api_version=clients.version if clients is not None else None,
        sp_api_skipped=skipped,
        statements=len(seen),
        lwa_calls=await lwa_refreshes(amazon) - before,
    )


# --- 2. a stampede on an expired token ----------------------------------------------------------------------------


async def measure_stampede(
    services: Services, amazon: AmazonSimulator, owner: int, member: int, requests: int, *, owners_cached: bool
) -> Stampede:
    """`requests` concurrent calls (half for the owner, half for its unified member) once the token has expired.

    The process's caches are dropped as after a Save; with `owners_cached` the two companies' owners are looked up
    again first (a long-running worker whose token simply expired), otherwise every caller starts cold.
    """
    old = await services.tokens.access_token(owner, REGION)
    await expire_access_token(services, owner)
    services.tokens.forget()  # no cached owner, no cached token; the stored token has expired
    if owners_cached:
        for company in (owner, member):
            await services.tokens.owner_of(company)
    before = await lwa_refreshes(amazon)
    with count_queries() as seen:
        start = time.perf_counter()
        answers = await asyncio.gather(
            *(services.tokens.access_token(owner if i % 2 else member, REGION) for i in range(requests)),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - start
    after = await lwa_refreshes(amazon)
    tokens = {a for a in answers if isinstance(a, str)}
    failures = [a for a in answers if isinstance(a, BaseException)]
    if failures:
        print(f"# stampede: {len(failures)} calls failed, first: {failures[0]!r}", flush=True)
    return Stampede(
        owners_cached=owners_cached,
        requests=requests,
        lwa_calls=after - before,
        distinct_tokens=len(tokens),
        failures=len(failures),
        seconds=seconds,
        statements=len(seen),
        renewed=old not in tokens,
    )


# --- 3. job throughput --------------------------------------------------------------------------------------------


async def _rate_concurrent(make: Callable[[], Awaitable[Any]], calls: int) -> tuple[float, int]:
    """Calls per second of `calls` concurrent calls, and how many failed."""
    with frozen_heap():
        start = time.perf_counter()
        answers = await asyncio.gather(*(make() for _ in range(calls)), return_exceptions=True)
        seconds = time.perf_counter() - start
    return calls / seconds, sum(1 for a in answers if isinstance(a, BaseException))


async def measure_throughput(
    services: Services, simulator: BenchSimulator, amazon: AmazonSimulator, owner: int, config: WorkersConfig
) -> Throughput:
    """getPurchaseOrders with the token acquired per call (as jobs do, via with_fresh_token) vs one fixed token."""
    tokens, spapi = services.tokens, services.spapi
    fixed = await tokens.access_token(owner, REGION)

    def acquire(force: bool) -> Awaitable[str]:
        return tokens.access_token(owner, REGION, force=force)

    async def http_acquire() -> int:
        return await with_fresh_token(acquire, lambda token: spapi.purchase_orders(REGION, token))

    async def http_fixed() -> int:
        return await spapi.purchase_orders(REGION, fixed)

    async def stand_in(token: str) -> int:
        await asyncio.sleep(0)  # a cheap local coroutine that yields once, as an I/O call would
        return len(token)

    async def local_acquire() -> int:
        return await with_fresh_token(acquire, stand_in)

    async def local_fixed() -> int:
        return await stand_in(fixed)

    results: dict[str, list[float]] = {"http_acquire": [], "http_fixed": [], "local_acquire": [], "local_fixed": []}
    failures = 0
    counted = "sp-api.getPurchaseOrders"
    with simulator.without_rate_limits():
        requests_before = (await amazon.counters())[counted]
        await _rate_concurrent(http_fixed, 20)  # warm-up: connections in the pool
        for i in range(config.job_rounds):
            order = [("http_acquire", http_acquire), ("http_fixed", http_fixed)]
            for name, make in order if i % 2 == 0 else reversed(order):
                rate, failed = await _rate_concurrent(make, config.job_calls)
                results[name].append(rate)
                failures += failed
        sent = (await amazon.counters())[counted] - requests_before
    expected = 20 + 2 * config.job_rounds * config.job_calls
    local = [("local_acquire", local_acquire), ("local_fixed", local_fixed)]
    for _name, make in local:
        await _rate_concurrent(make, 1000)  # warm-up
    for i in range(config.local_rounds):
        for name, make in local if i % 2 == 0 else reversed(local):
            results[name].append((await _rate_concurrent(make, config.local_calls))[0])
    return Throughput(
        http_calls=config.job_calls,
        http_acquire=results["http_acquire"],
        http_fixed=results["http_fixed"],
        http_failures=failures,
        http_rate_limited=max(0, sent - expected),  # retried 429s would show up as extra requests
        local_calls=config.local_calls,
        local_acquire=results["local_acquire"],
        local_fixed=results["local_fixed"],
    )


# --- 4. reminders ---------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def timed_method(target: Any, name: str, totals: dict[str, float]) -> Iterator[None]:
    """Adds up the time spent in `target.name(...)` (an async method) and counts its calls, for the block."""
    original = getattr(target, name)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
            totals[f"{name}#calls"] = totals.get(f"{name}#calls", 0) + 1

    setattr(target, name, timed)  # an instance attribute shadows the method
    try:
        yield
    finally:
        delattr(target, name)


async def one_reminder_run(services: Services) -> ReminderRun:
    reminders = services.reminders
    totals: dict[str, float] = {}
    with (
        timed_method(reminders.hierarchy, "members_of_owners", totals),
        timed_method(reminders.notifications, "notify_many", totals),
        count_queries() as seen,
    ):
        start = time.perf_counter()
        run = await reminders.run()
        seconds = time.perf_counter() - start
    return ReminderRun(
        seconds=seconds,
        scanned=run.scanned,
        sent=run.sent,
        statements=len(seen),
        members_calls=int(totals.get("members_of_owners#calls", 0)),
        members_seconds=totals.get("members_of_owners", 0.0),
        notify_seconds=totals.get("notify_many", 0.0),
    )


async def measure_reminders(services: Services, config: WorkersConfig) -> Reminders:
    now = services.clock.now()
    start = time.perf_counter()
    data = await load_reminder_set(config.reminder_connections, now, config.horizon_days, services.keyring)
    data = ReminderSet(data.first_id, data.count, data.due, time.perf_counter() - start)
    print(f"# loaded {data.count:,} connected owners in {data.load_seconds:.1f} s ({data.due:,} due)", flush=True)
    first = await one_reminder_run(services)
    print(f"# first reminder run: {first.seconds:.1f} s", flush=True)
    second = await one_reminder_run(services)
    print(f"# second reminder run: {second.seconds:.1f} s", flush=True)
    return Reminders(
        data=data,
        first=first,
        second=second,
        notifications=int(await Notification.count().where(Notification.kind == "authorization_expiring")),
    )


# --- the part as a whole --------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def simulator_admin(url: str) -> AsyncIterator[AmazonSimulator]:
    amazon = AmazonSimulator(url)
    try:
        yield amazon
    finally:
        await amazon.close()


async def run(config: WorkersConfig, simulator: BenchSimulator, *, fresh_database: bool) -> WorkersResults:
    """The Workers part; on the hierarchy part's database unless `fresh_database` (its companies have no connection)."""
    settings = get_settings()
    if fresh_database:
        await prepare_schema(settings)
    async with (
        running_app() as application,
        signed_in(application, USERNAME) as client,
        simulator_admin(simulator.url) as amazon,
    ):
        services: Services = application.state.services
        owner, member = await connected_vendor(services, client, amazon, settings.public_url)
        tokens = await measure_cached_tokens(services, amazon, owner, config)
        print("# cached tokens measured", flush=True)
        stampedes = [
            await measure_stampede(services, amazon, owner, member, config.concurrent_requests, owners_cached=cached)
            for cached in (False, True)
        ]
        print("# expired-token stampedes measured", flush=True)
        throughput = await measure_throughput(services, simulator, amazon, owner, config)
        print("# job throughput measured", flush=True)
        reminders = await measure_reminders(services, config)
    return WorkersResults(config, tokens, stampedes, throughput, reminders)
