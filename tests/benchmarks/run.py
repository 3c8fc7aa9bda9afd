"""`make bench`: how reads and Saves of Amazon settings scale with the company hierarchy.

Measures, on a fresh database (SQLite file in a temporary directory, or the PostgreSQL named by DATABASE_URL, whose
name must contain "bench" or "test"):

1. On a tree of 100,000 companies with unified chains up to depth 20: `HierarchyService.account_owner(id)` and
   `GET /api/companies/{id}/amazon` (through the real app, signed in) for a company at depth 1 and at depth 20:
   median and p95, the depth-20/depth-1 ratio (target ≤ 1.5x) and the SQL queries per call (target: constant).
2. Save (begin edit, change accountType, POST save with If-Match) on owners with 100 and 10,000 unified members:
   the Save request's time (target ≤ 1 s) and its SQL statements (target: the same for both sizes).

Prints a Markdown report and writes it to var/bench-results.md. Exits 0 even when a target is missed (marked MISSED):
the figures belong in the README, they are not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.benchmarks import env


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Sizes and repetitions; the defaults are the ones the README reports."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=100_000, help="companies in the read tree")
    parser.add_argument("--members", type=int, nargs="+", default=[100, 10_000], help="unified members per owner")
    parser.add_argument("--owner-repetitions", type=int, default=2000, help="account_owner calls per depth")
    parser.add_argument("--http-repetitions", type=int, default=300, help="GET requests per depth")
    parser.add_argument("--save-repetitions", type=int, default=5, help="Saves per owner")
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


async def bench(args: argparse.Namespace) -> tuple[Any, str]:
    """Run the scenario; returns its results and the engine description."""
    from tests.benchmarks.suite import BenchConfig, run

    config = BenchConfig(
        companies=args.companies,
        member_counts=tuple(args.members),
        owner_repetitions=args.owner_repetitions,
        http_repetitions=args.http_repetitions,
        save_repetitions=args.save_repetitions,
    )
    results = await run(config)
    return results, await engine_description()


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
        results, engine = asyncio.run(bench(args))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    from tests.benchmarks.report import Environment, render

    text = render(results, Environment(engine=engine, runtime_seconds=time.perf_counter() - started))
    print(text)
    write_report(text, env.RESULTS_FILE)
    print(f"# written to {env.RESULTS_FILE.relative_to(env.PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
