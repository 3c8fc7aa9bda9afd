"""The Markdown report of a run: Hierarchy (reads by depth, Saves by owner size) and Workers, met/MISSED per target."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.benchmarks.dataset import MAX_CHAIN, SPIN_OFF_AT, SPIN_OFF_CHAINS
from tests.benchmarks.imports import ImportsResults
from tests.benchmarks.imports_report import render_imports
from tests.benchmarks.markdown import micros, millis, table, verdict
from tests.benchmarks.measure import Stats
from tests.benchmarks.sign_ins import SignInsResults
from tests.benchmarks.sign_ins_report import render_sign_ins
from tests.benchmarks.suite import SAMPLES_PER_DEPTH, RunResults, SaveResults, depth_label
from tests.benchmarks.workers import WorkersResults
from tests.benchmarks.workers_report import render_workers

RATIO_TARGET = 1.5
SAVE_TARGET_SECONDS = 1.0


@dataclass(frozen=True)
class Environment:
    """What the results depend on besides the code."""

    engine: str
    runtime_seconds: float


def nproc() -> int:
    """CPUs this process may use, as `nproc` counts them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def timing_rows(
    name: str, stats: dict[str, Stats], fmt: Callable[[float], str], repetitions: int, judged: bool
) -> list[list[str]]:
    """Median (with the ratio target when `judged`) and p95 rows of one timed call, depth 1 against depth 20."""
    shallow, deep = stats[depth_label(1)], stats[depth_label(MAX_CHAIN)]
    ratio = deep.median / shallow.median
    target, result = (f"≤ {RATIO_TARGET}x", verdict(ratio <= RATIO_TARGET)) if judged else ("(info)", "")
    return [
        [f"{name}, median of {repetitions:,}", fmt(shallow.median), fmt(deep.median), f"{ratio:.2f}x", target, result],
        [f"{name}, p95", fmt(shallow.p95), fmt(deep.p95), f"{deep.p95 / shallow.p95:.2f}x", "", ""],
    ]


def query_count_row(name: str, counts: dict[str, int]) -> list[str]:
    """Statements per call at depth 1 and depth 20; the target is that they are equal."""
    shallow, deep = counts[depth_label(1)], counts[depth_label(MAX_CHAIN)]
    same = shallow == deep
    return [name, str(shallow), str(deep), "same" if same else "differs", "constant", verdict(same)]


def read_rows(results: RunResults) -> list[list[str]]:
    """Rows of the read table: timings per depth with ratios, statement counts, and the sanity check."""
    reads, config = results.reads, results.config
    owner_name, held_name = "`HierarchyService.account_owner(id)`", "`account_owner(id)` on one held connection"
    return [
        *timing_rows(owner_name, reads.owner, micros, config.owner_repetitions, judged=True),
        *timing_rows(held_name, reads.owner_one_connection, micros, config.owner_repetitions, judged=False),
        *timing_rows("`GET /api/companies/{id}/amazon`", reads.http, millis, config.http_repetitions, judged=True),
        query_count_row("SQL queries per `account_owner` call", reads.owner_queries),
        query_count_row("SQL queries per GET request", reads.http_queries),
        [
            "Account owners resolved as generated (sanity check)",
            "",
            "",
            "",
            "all correct",
            verdict(reads.owners_correct),
        ],
    ]


def _counts(values: list[int]) -> str:
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def save_rows(saves: list[SaveResults]) -> list[list[str]]:
    """Rows of the Save table: one column per owner size."""
    worst = max(s.save.worst for s in saves)
    statement_sets = {n for s in saves for n in s.statements}
    audited = all(all(e == s.members for e in s.via_owner_events) for s in saves)
    return [
        ["Save request, median", *(millis(s.save.median) for s in saves), "", ""],
        [
            "Save request, worst",
            *(millis(s.save.worst) for s in saves),
            f"≤ {SAVE_TARGET_SECONDS * 1e3:,.0f} ms",
            verdict(worst <= SAVE_TARGET_SECONDS),
        ],
        ["Begin + change + Save, median", *(millis(s.cycle.median) for s in saves), "", ""],
        [
            "SQL statements per Save request",
            *(_counts(s.statements) for s in saves),
            "same for every size",
            verdict(len(statement_sets) == 1),
        ],
        [
            '"Updated via owner" audit events per Save',
            *(_counts(s.via_owner_events) for s in saves),
            "one per member",
            verdict(audited),
        ],
    ]


def describe(results: RunResults) -> list[str]:
    """What the data set looks like."""
    reads = results.reads
    owners = " and ".join(f"{s.members:,}" for s in results.saves)
    return [
        f"Read tree: {reads.tree.size:,} companies under {reads.tree.roots:,} roots. Each root owns unified chains of "
        f"every length from 1 to {MAX_CHAIN}; a non-unified company at depth {SPIN_OFF_AT} of the longest chain "
        f"starts its own group with unified chains of length 1 to {SPIN_OFF_CHAINS}. *Depth* is the number of "
        "unified links between a company and its account owner; samples cycle through "
        f"{len(reads.tree.samples[1][:SAMPLES_PER_DEPTH])} companies per depth, depths interleaved.",
        "",
        f"Save owners: extra roots with {owners} unified members (fan-out 10: children, members of members, …). "
        "Each Save switches the owner's account type (seller ↔ vendor), so it audits every member. "
        f"Repetitions per owner: {results.config.save_repetitions}.",
        "",
        f"Loaded {results.total_companies:,} companies and as many `amazon_settings` rows in "
        f"{results.load_seconds:.1f} s.",
    ]


def render_hierarchy(results: RunResults) -> list[str]:
    """The Hierarchy part: the data set, reads by depth, Saves by owner size."""
    sizes = [f"{s.members:,} members" for s in results.saves]
    return [
        "## Hierarchy",
        "",
        *describe(results),
        "",
        "### Reads by depth",
        "",
        *table(["Measurement", "Depth 1", f"Depth {MAX_CHAIN}", "Ratio", "Target", "Result"], read_rows(results)),
        "",
        "### Save on an account owner",
        "",
        *table(["Measurement", *sizes, "Target", "Result"], save_rows(results.saves)),
        "",
        "SQL statements are those Piccolo sends (`run_querystring`); BEGIN/COMMIT are not counted. A GET includes the "
        "session lookup of the authentication middleware. Outside a transaction every statement gets its own "
        "connection (a new one on SQLite, a pooled one on PostgreSQL); the *one held connection* row runs the same "
        "calls inside one read transaction, which leaves mostly the recursive query's own cost.",
        "",
    ]


def render(
    hierarchy: RunResults | None,
    workers: WorkersResults | None,
    env: Environment,
    sign_ins: SignInsResults | None = None,
    imports: ImportsResults | None = None,
) -> str:
    """The whole report: the parts that ran."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Engine: {env.engine} · Date: {now} · nproc: {nproc()} · Python {platform.python_version()} · "
        f"Run time: {env.runtime_seconds:.0f} s",
        "",
    ]
    if hierarchy is not None:
        lines += render_hierarchy(hierarchy)
    if workers is not None:
        lines += render_workers(workers)
    if sign_ins is not None:
        lines += render_sign_ins(sign_ins)
    if imports is not None:
        lines += render_imports(imports)
    return "\n".join(lines)
