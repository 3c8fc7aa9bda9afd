"""The Imports part of the Markdown report: a first import at Amazon's pace, and one resumed after a SIGKILL."""

from __future__ import annotations

from collections.abc import Callable

from tests.benchmarks.imports import AMAZON_BURST, AMAZON_RATE, OUR_BURST, ImportRun, ImportsResults
from tests.benchmarks.markdown import table, verdict

HEADER = ["Measurement", "First import", "Killed and resumed", "Target", "Result"]


def _seconds(real: float, speed: float) -> str:
    """Real seconds, and what they are at Amazon's rates."""
    return f"{real:,.1f} s (at Amazon: {real * speed / 60:,.1f} min)"


def import_rows(results: ImportsResults) -> list[list[str]]:
    first, killed, speed = results.first, results.killed, results.config.speed
    runs = (first, killed)
    fastest = (first.pages - AMAZON_BURST) / AMAZON_RATE / speed  # Amazon's plan itself, scaled

    def each(cell: Callable[[ImportRun], object]) -> list[str]:
        return [str(cell(run)) for run in runs]

    return [
        ["Orders Amazon holds in the window", *each(lambda r: f"{r.orders_at_amazon:,}"), "", ""],
        [
            "Orders counted by the import",
            *each(lambda r: f"{r.orders_counted:,}"),
            "as many",
            verdict(all(r.orders_counted == r.orders_at_amazon for r in runs)),
        ],
        [
            "getOrders requests / distinct pages",
            *each(lambda r: f"{r.pages} / {r.distinct_pages}"),
            "every page once",
            verdict(all(r.pages == r.distinct_pages for r in runs) and first.pages == killed.pages),
        ],
        [
            "429 answers / other refusals",
            *each(lambda r: f"{r.throttled} / {r.refused}"),
            "0 / 0",
            verdict(all(r.throttled == r.refused == 0 for r in runs)),
        ],
        ["Worker killed after page", "", str(killed.killed_after_pages), "(info)", ""],
        ["arq tries of the job", *each(lambda r: r.tries), "(info)", ""],
        [
            f"First {OUR_BURST} pages (the burst, one kept in hand)",
            *each(lambda r: f"{r.burst_seconds:,.2f} s"),
            "(info)",
            "",
        ],
        [
            f"Pages after page {OUR_BURST}, median interval",
            *each(lambda r: f"{r.paced_interval:,.2f} s (at Amazon: {r.paced_interval * speed:,.0f} s)"),
            f"≥ {1 / AMAZON_RATE / speed:,.2f} s",
            verdict(all(r.paced_interval >= 1 / AMAZON_RATE / speed * 0.98 for r in runs)),
        ],
        [
            "First to last page",
            *each(lambda r: _seconds(r.seconds, speed)),
            f"Amazon's plan: ≥ {_seconds(fastest, speed)}",
            "",
        ],
        ["Second worker started → last page", "", f"{killed.resume_seconds or 0:,.1f} s", "(info)", ""],
    ]


def render_imports(results: ImportsResults) -> list[str]:
    config, first = results.config, results.first
    return [
        "## Imports",
        "",
        f"A seller with {config.orders_per_30_days:,} orders in 30 days in one marketplace (the simulator's "
        f"`ordersPer30Days`), connected through consent and Save; its first import asks the last 30 days: "
        f"{first.pages} pages of getOrders. Amazon's usage plan (burst {AMAZON_BURST}, {AMAZON_RATE} requests per "
        f"second) makes that about {(first.pages - AMAZON_BURST) / AMAZON_RATE / 60:,.0f} minutes. Both ends ran "
        f"{config.speed:g} times faster: the simulator's usage plans (`POST /_admin/usage-plan-speed`) and the "
        "worker process's shared throttle (Amazon's quotas times the same factor, "
        "`tests/integration/workers/worker_process.py --usage-plan-speed`), so the import paces itself exactly as at "
        "Amazon, each wait that many times shorter; times are real, with what they are at Amazon. Workers are real "
        "arq processes (the app's WorkerSettings, no crons). *Killed and resumed*: a second seller's import, its "
        f"worker SIGKILLed just after page {config.kill_after_pages} was saved (while it waited for its next slot); "
        "arq gives the job to another worker once the in-progress mark expires (job timeout + 10 s, 310 s): the "
        "benchmark expires it at once and starts a second worker. Pages are counted at the simulator (request log: "
        "the first page and each NextToken); orders against what the simulator holds in the window.",
        "",
        *table(HEADER, import_rows(results)),
        "",
    ]
