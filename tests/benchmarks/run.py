"""`make bench`: how Amazon settings scale with the company hierarchy, and how the workers' token paths perform.

Measures, on a fresh database (SQLite file in a temporary directory, or the PostgreSQL named by DATABASE_URL, whose
name must contain "bench" or "test"):

1. On a tree of 100,000 companies with unified chains up to depth 20: `HierarchyService.account_owner(id)` and
   `GET /api/companies/{id}/amazon` (through the real app, signed in) for a company at depth 1 and at depth 20:
   median and p95, the depth-20/depth-1 ratio (target ≤ 1.5x) and the SQL queries per call (target: constant).
2. Save (begin edit, change accountType, POST save with If-Match) on owners with 100 and 10,000 unified members:
   the Save request's time (target ≤ 1 s) and its SQL statements (target: the same for both sizes).

Then the Workers part (tests/benchmarks/workers.py), on the same database, with the Amazon simulator over real HTTP:

3. cached `TokenProvider.access_token()` calls per second beside python-amazon-sp-api's cached `get_auth()` (when
   that library is installed in the virtualenv; it is not a project dependency);
4. LWA refresh calls for 1,000 concurrent `access_token()` requests on an expired token (target: 1);
5. getPurchaseOrders calls per second with the token acquired per call vs a fixed token (target: ratio ≥ 0.9);
6. `ReminderService.run()` over 100,000 connected owners, first and second run.

Then the Sign-ins part (tests/benchmarks/sign_ins.py), with production argon2 parameters (time cost 3, 64 MiB):

7. `GET /api/companies/{id}/amazon` alone and during waves of 50 concurrent sign-ins, with argon2 in threads (the
   app) and in the event loop (as before), side by side, with the ratio during / alone.

Then the Imports part (tests/benchmarks/imports.py), with real arq worker processes and the simulator over HTTP,
Amazon's usage plans and the workers' throttle both sped up by the same factor (60 by default):

8. the first import of a seller with 5,000 orders in 30 days (50 pages of getOrders): pages, 429s, orders counted
   against what the simulator holds, and the pace past the burst; then another such import whose worker is killed
   (SIGKILL) halfway and resumed by a second worker: every page fetched once.

Then the Health part (tests/benchmarks/health.py), each half on a database emptied first:

9. `GET /api/companies?status=needs_action` (and with region=EU) over 100,000 companies with 10,000 connections in a
   mix of statuses, for support staff of every company and of a few roots: median and p95 (target ≤ 50 ms), SQL
   statements for limit 1 and limit 50 (target: the same), the answer against what was loaded;
10. a bulk connection test of 10,000 sellers' connections on two real arq worker processes against the simulator
   over HTTP, started and followed through the API: time, tests per second, LWA calls, 429s and the verdicts
   (target: all ok, no 429, under 5 minutes).

Prints a Markdown report and writes it to var/bench-results.md. Exits 0 even when a target is missed (marked MISSED):
the figures belong in the README, they are not assertions. `--parts hierarchy`, `workers`, `sign-ins`, `imports` or
`health` runs some.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.benchmarks import env

PARTS = ("hierarchy", "workers", "sign-ins", "imports", "health")
SIMULATED_PARTS = ("workers", "imports", "health")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Sizes and repetitions; the defaults are the ones the README reports."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=100_000, help="companies in the read tree")
    parser.add_argument("--members", type=int, nargs="+", default=[100, 10_000], help="unified members per owner")
    parser.add_argument("--owner-repetitions", type=int, default=2000, help="account_owner calls per depth")
    parser.add_argument("--http-repetitions", type=int, default=300, help="GET requests per depth")
    parser.add_argument("--save-repetitions", type=int, default=5, help="Saves per owner")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="which parts to run")
    workers = parser.add_argument_group("workers")
    workers.add_argument("--token-calls", type=int, default=100_000, help="cached access_token calls per round")
    workers.add_argument("--token-rounds", type=int, default=5, help="rounds of cached calls per implementation")
    workers.add_argument("--concurrent-requests", type=int, default=1000, help="callers on an expired token")
    workers.add_argument("--job-calls", type=int, default=300, help="concurrent SP-API calls per round")
    workers.add_argument("--job-rounds", type=int, default=7, help="rounds of SP-API calls per variant")
    workers.add_argument("--local-calls", type=int, default=2000, help="concurrent local stand-in calls per round")
    workers.add_argument("--local-rounds", type=int, default=9, help="rounds of local stand-in calls per variant")
    workers.add_argument("--reminder-connections", type=int, default=100_000, help="connected owners scanned")
    sign_ins = parser.add_argument_group("sign-ins")
    sign_ins.add_argument("--wave-size", type=int, default=50, help="concurrent sign-ins per wave")
    sign_ins.add_argument("--waves", type=int, default=4, help="waves per variant (threads, event loop)")
    imports = parser.add_argument_group("imports")
    imports.add_argument("--import-orders", type=int, default=5000, help="the seller's orders in 30 days")
    imports.add_argument("--import-speed", type=float, default=60.0, help="usage plans and throttle this much faster")
    imports.add_argument("--kill-after-pages", type=int, default=25, help="SIGKILL the worker after this page")
    health = parser.add_argument_group("health")
    health.add_argument("--health-trees", type=int, default=1000, help="trees of 100 companies for the filter")
    health.add_argument("--health-connections", type=int, default=10_000, help="connections for the filter")
    health.add_argument("--health-repetitions", type=int, default=200, help="requests per filter case")
    health.add_argument("--bulk-connections", type=int, default=10_000, help="sellers in the bulk test (0: none)")
    health.add_argument("--bulk-workers", type=int, default=2, help="worker processes of the bulk test")
    return parser.parse_args(argv)


async def engine_description() -> str:
    """The engine and its version, e.g. "SQLite 3.40.1" or "PostgreSQL 15.18"."""
    from app.companies.tables import Company
    from tests.benchmarks.load import engine_label

    label = engine_label()
    if label == "SQLite":
        return f"SQLite {sqlite3.sqlite_version}"
    rows: list[dict[str, Any]] = await Company.raw("SHOW server_version")
    return f"PostgreSQL {rows[0]['server_version'].split()[0]}"


async def bench(args: argparse.Namespace, simulator: Any) -> tuple[Any, Any, Any, Any, Any, str]:
    """Run the chosen parts; returns their results (None when not run) and the engine description."""
    from tests.benchmarks import health, imports, sign_ins, suite, workers

    hierarchy = None
    if "hierarchy" in args.parts:
        config = suite.BenchConfig(
            companies=args.companies,
            member_counts=tuple(args.members),
            owner_repetitions=args.owner_repetitions,
            http_repetitions=args.http_repetitions,
            save_repetitions=args.save_repetitions,
        )
        hierarchy = await suite.run(config)
    worker_results = None
    if "workers" in args.parts:
        worker_config = workers.WorkersConfig(
            token_calls=args.token_calls,
            token_rounds=args.token_rounds,
            concurrent_requests=args.concurrent_requests,
            job_calls=args.job_calls,
            job_rounds=args.job_rounds,
            local_calls=args.local_calls,
            local_rounds=args.local_rounds,
            reminder_connections=args.reminder_connections,
        )
        worker_results = await workers.run(worker_config, simulator, fresh_database=hierarchy is None)
    sign_in_results = None
    if "sign-ins" in args.parts:
        sign_in_config = sign_ins.SignInsConfig(wave_size=args.wave_size, waves=args.waves)
        fresh = hierarchy is None and worker_results is None
        sign_in_results = await sign_ins.run(sign_in_config, fresh_database=fresh)
    import_results = None
    if "imports" in args.parts:
        import_config = imports.ImportsConfig(args.import_orders, args.import_speed, args.kill_after_pages)
        fresh = hierarchy is None and worker_results is None and sign_in_results is None
        import_results = await imports.run(import_config, simulator, fresh_database=fresh)
    health_results = None
    if "health" in args.parts:  # last: it empties the database, whatever the parts before left in it
        health_config = health.HealthConfig(
            trees=args.health_trees,
            connections=args.health_connections,
            repetitions=args.health_repetitions,
            bulk_connections=args.bulk_connections,
            bulk_workers=args.bulk_workers,
        )
        health_results = await health.run(health_config, simulator)
    engine = await engine_description()
    return hierarchy, worker_results, sign_in_results, import_results, health_results, engine


def write_report(text: str, path: Path) -> None:
    """Write the report, creating var/ when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Configure a throw-away database, run, print and save the report."""
    args = parse_args(argv)
    tmp = env.configure()  # before any app import: the settings are read once
    started = time.perf_counter()
    try:
        with contextlib.ExitStack() as stack:
            simulator = None
            if any(part in args.parts for part in SIMULATED_PARTS):
                from tests.benchmarks.simulator import running

                simulator = stack.enter_context(running(env.PUBLIC_URL))
                env.use_simulator(simulator.url)
            hierarchy, workers, sign_ins, imports, health, engine = asyncio.run(bench(args, simulator))
    finally:
        from app.lib.redis import stop_embedded_server

        stop_embedded_server(str(tmp))  # the embedded Redis is a daemon: it would outlive the run and its folder
        shutil.rmtree(tmp, ignore_errors=True)
    from tests.benchmarks.report import Environment, render

    environment = Environment(engine=engine, runtime_seconds=time.perf_counter() - started)
    text = render(hierarchy, workers, environment, sign_ins, imports)
    if health is not None:
        from tests.benchmarks.health_report import render_health

        text += "\n" + "\n".join(render_health(health))
    print(text)
    write_report(text, env.RESULTS_FILE)
    print(f"# written to {env.RESULTS_FILE.relative_to(env.PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
