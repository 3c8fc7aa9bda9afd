"""The benchmark scenario: load the trees, start the real app, sign in, measure reads by depth and Saves by size.

Import this module only after tests.benchmarks.env.configure(): importing app modules reads the settings.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from litestar import Litestar

from app.audit.tables import AuditEvent
from app.config import get_settings
from app.main import create_app
from app.services import Services
from tests.benchmarks.dataset import MAX_CHAIN, ReadTree, TreeBuilder, build_owner, build_read_tree
from tests.benchmarks.load import load, prepare_schema, read_transaction
from tests.benchmarks.measure import Stats, compare, count_queries

USERNAME = "bench-admin"
PASSWORD = "bench password, not a secret"
SAMPLES_PER_DEPTH = 200
QUERY_COUNT_TRIES = 3


@dataclass(frozen=True)
class BenchConfig:
    """Sizes and repetitions of one run."""

    companies: int = 100_000
    member_counts: tuple[int, ...] = (100, 10_000)
    owner_repetitions: int = 2000
    http_repetitions: int = 300
    save_repetitions: int = 5


@dataclass
class ReadResults:
    """account_owner and GET timings per depth label, with SQL statement counts."""

    tree: ReadTree
    owner: dict[str, Stats] = field(default_factory=dict)
    owner_one_connection: dict[str, Stats] = field(default_factory=dict)
    http: dict[str, Stats] = field(default_factory=dict)
    owner_queries: dict[str, int] = field(default_factory=dict)
    http_queries: dict[str, int] = field(default_factory=dict)
    owners_correct: bool = False


@dataclass
class SaveResults:
    """Save timings and statement counts for one account owner."""

    members: int
    save: Stats
    cycle: Stats
    statements: list[int]
    via_owner_events: list[int]


@dataclass
class RunResults:
    """Everything a run measured, plus how long the set-up took."""

    config: BenchConfig
    total_companies: int
    load_seconds: float
    reads: ReadResults
    saves: list[SaveResults]


def depth_label(depth: int) -> str:
    """The column name of a depth."""
    return f"depth {depth}"


def _check(response: httpx.Response, *expected: int) -> dict[str, Any]:
    """The JSON body of a response, or an error naming what went wrong."""
    if response.status_code not in expected:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    body: dict[str, Any] = response.json() if response.content else {}
    return body


@contextlib.asynccontextmanager
async def running_app() -> AsyncIterator[Litestar]:
    """The real application with its lifespan (the PostgreSQL pool) held by this task."""
    application = create_app(get_settings())
    async with application.lifespan():
        yield application


@contextlib.asynccontextmanager
async def signed_in(application: Litestar, username: str = USERNAME) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client over ASGI (at the app's public URL), signed in as a fresh admin."""
    services: Services = application.state.services
    await services.accounts.create_user(username, PASSWORD, "admin", "Bench Admin")
    transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]  # Litestar is ASGI; stubs differ
    async with httpx.AsyncClient(transport=transport, base_url=services.config.public_url) as client:
        signed = _check(await client.post("/api/auth/login", json={"username": username, "password": PASSWORD}), 200)
        client.headers["X-CSRF-Token"] = signed["csrfToken"]  # every state-changing request must carry it
        yield client


async def min_queries(call: Callable[[int], Awaitable[Any]], company: int) -> int:
    """Fewest statements of a few calls: a session touch (once a minute) must not count as a per-depth query."""
    counts = []
    for _ in range(QUERY_COUNT_TRIES):
        with count_queries() as seen:
            await call(company)
        counts.append(len(seen))
    return min(counts)


async def owners_resolve_correctly(services: Services, tree: ReadTree) -> bool:
    """Every sample resolves to the owner the generator meant (one batched query)."""
    found = await services.hierarchy.account_owners(tree.expected_owner)
    return {company: ref.id for company, ref in found.items()} == tree.expected_owner


async def measure_reads(
    services: Services, client: httpx.AsyncClient, tree: ReadTree, config: BenchConfig
) -> ReadResults:
    """account_owner and GET /api/companies/{id}/amazon for companies at depth 1 and depth 20."""
    subjects = {depth_label(d): tree.samples[d][:SAMPLES_PER_DEPTH] for d in (1, MAX_CHAIN)}
    results = ReadResults(tree=tree, owners_correct=await owners_resolve_correctly(services, tree))

    async def owner(company: int) -> None:
        await services.hierarchy.account_owner(company)

    async def settings(company: int) -> None:
        _check(await client.get(f"/api/companies/{company}/amazon"), 200)

    results.owner = await compare(owner, subjects, config.owner_repetitions)
    async with read_transaction():  # the same calls without a connection set-up each: closer to the SQL's own cost
        results.owner_one_connection = await compare(owner, subjects, config.owner_repetitions)
    results.http = await compare(settings, subjects, config.http_repetitions)
    for label, ids in subjects.items():
        results.owner_queries[label] = await min_queries(owner, ids[0])
        results.http_queries[label] = await min_queries(settings, ids[0])
    return results


async def via_owner_events(owner: int) -> int:
    """How many "updated via owner" audit events name this owner so far."""
    return int(
        await AuditEvent.count().where(
            (AuditEvent.via_company_id == owner) & (AuditEvent.action == "settings.updated_via_owner")
        )
    )


async def one_save(client: httpx.AsyncClient, owner: int, account_type: str) -> tuple[float, float, int]:
    """Begin an edit, change the account type, Save; returns (save seconds, whole cycle seconds, statements)."""
    cycle_start = time.perf_counter()
    draft = _check(await client.post(f"/api/companies/{owner}/amazon/edits"), 200, 201)
    _check(await client.patch(f"/api/edits/{draft['id']}", json={"accountType": account_type}), 200)
    headers = {"If-Match": f'"{draft["baseVersion"]}"'}
    with count_queries() as seen:
        start = time.perf_counter()
        response = await client.post(f"/api/edits/{draft['id']}/save", headers=headers)
        save_seconds = time.perf_counter() - start
    end = time.perf_counter()
    saved = _check(response, 200)
    if saved["accountType"]["value"] != account_type:
        raise RuntimeError(f"Save of company {owner} stored {saved['accountType']} instead of {account_type}")
    return save_seconds, end - cycle_start, len(seen)


async def measure_saves(client: httpx.AsyncClient, owner: int, members: int, repetitions: int) -> SaveResults:
    """Several Saves on one owner, switching the account type between vendor and seller each time."""
    saves, cycles, statements, events = [], [], [], []
    for i in range(repetitions):
        before = await via_owner_events(owner)
        save_seconds, cycle_seconds, count = await one_save(client, owner, "vendor" if i % 2 == 0 else "seller")
        saves.append(save_seconds)
        cycles.append(cycle_seconds)
        statements.append(count)
        events.append(await via_owner_events(owner) - before)
    return SaveResults(members, Stats(tuple(saves)), Stats(tuple(cycles)), statements, events)


async def run(config: BenchConfig) -> RunResults:
    """The whole scenario on a freshly migrated database; progress lines start with '#'."""
    await prepare_schema(get_settings())
    builder = TreeBuilder()
    tree = build_read_tree(builder, config.companies)
    owners = {members: build_owner(builder, members) for members in config.member_counts}
    start = time.perf_counter()
    await load(builder.rows, datetime.now(UTC))
    load_seconds = time.perf_counter() - start
    print(f"# loaded {len(builder.rows):,} companies in {load_seconds:.1f} s", flush=True)
    async with running_app() as application, signed_in(application) as client:
        services: Services = application.state.services
        reads = await measure_reads(services, client, tree, config)
        print("# reads measured", flush=True)
        saves = []
        for members, owner in owners.items():
            saves.append(await measure_saves(client, owner, members, config.save_repetitions))
            print(f"# saves measured for an owner with {members:,} members", flush=True)
    return RunResults(config, len(builder.rows), load_seconds, reads, saves)
