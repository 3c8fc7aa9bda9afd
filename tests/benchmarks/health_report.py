"""The Health part of the Markdown report: the needs-action filter per user and region, and the bulk connection test."""

from __future__ import annotations

from tests.benchmarks.health import EVERYONE, BulkResults, FilterCase, HealthResults
from tests.benchmarks.health_data import CHILDREN, GRANDCHILDREN, MIX, SUBSIDIARIES
from tests.benchmarks.markdown import millis, table, verdict

FILTER_TARGET_SECONDS = 0.050
BULK_TARGET_SECONDS = 300.0


def _column(case: FilterCase, roots: int) -> str:
    who = "Every company" if case.user == EVERYONE else f"{roots} roots"
    return who + (f", {case.region}" if case.region else "")


def filter_rows(results: HealthResults) -> list[list[str]]:
    cases, repetitions = results.filter.cases, results.config.repetitions
    fast = all(c.timing.median <= FILTER_TARGET_SECONDS for c in cases)
    constant = all(len(set(c.queries.values())) == 1 for c in cases)
    totals_right = all(c.total == c.expected_total for c in cases)
    counts_right = all(c.counts == c.expected_counts for c in cases)
    return [
        [
            f"`GET /api/companies?status=needs_action`, limit 50, median of {repetitions:,}",
            *(millis(c.timing.median) for c in cases),
            f"≤ {FILTER_TARGET_SECONDS * 1e3:.0f} ms",
            verdict(fast),
        ],
        ["The same, p95", *(millis(c.timing.p95) for c in cases), "", ""],
        [
            "First page without a filter (`limit=50`), median",
            *(millis(c.unfiltered.median) if c.region is None else "" for c in cases),
            "(info)",
            "",
        ],
        [
            "SQL statements per request, limit 1 / limit 50",
            *(f"{c.queries[1]} / {c.queries[50]}" for c in cases),
            "constant",
            verdict(constant),
        ],
        [
            "Companies found (`total`) / as loaded",
            *(f"{c.total:,} / {c.expected_total:,}" for c in cases),
            "as loaded",
            verdict(totals_right),
        ],
        [
            "Connections needing action (`counts`) / as loaded",
            *(f"{c.counts.get('needs_action', 0):,} / {c.expected_counts['needs_action']:,}" for c in cases),
            "every status as loaded",
            verdict(counts_right),
        ],
    ]


def _mix() -> str:
    return ", ".join(f"{status.value.replace('_', ' ')} {share:.0%}" for status, share in reversed(MIX))


def render_filter(results: HealthResults) -> list[str]:
    data, config = results.filter.data, results.config
    roots = len(results.filter.scope_codes)
    per_owner = CHILDREN * (1 + GRANDCHILDREN)
    return [
        "### Needs-action filter",
        "",
        f"{len(data.companies):,} companies in {len(data.roots):,} trees: a root and {SUBSIDIARIES} non-unified "
        f"subsidiaries ({data.owners:,} account owners), each owning {per_owner} unified members ({CHILDREN} "
        f"children with {GRANDCHILDREN} children each). {len(data.connections):,} connections of "
        f"{len({c.company for c in data.connections}):,} owners (NA "
        f"{sum(c.region == 'NA' for c in data.connections):,}, EU {sum(c.region == 'EU' for c in data.connections):,}, "
        f"FE {sum(c.region == 'FE' for c in data.connections):,}), stored directly in this mix of statuses: {_mix()} "
        "(errors: Amazon failing three checks in a row, or app credentials refused; 2 % of the active ones had one "
        f"transient failure). Loaded in {data.load_seconds:.1f} s. Requests go through the real app (ASGI), signed "
        f"in as support staff of every company, or limited to {roots} roots ({', '.join(results.filter.scope_codes)}:"
        f" {roots * 100:,} companies); each answers the first page of 50 by code with its `total` and the `counts` "
        "per status. The cases are timed interleaved. SQL statements are those Piccolo sends, the fewest of 3 "
        "requests (a session touch, once a minute, is not the filter's); they include the session lookup. "
        f"Repetitions: {config.repetitions}.",
        "",
        *table(
            ["Measurement", *(_column(c, roots) for c in results.filter.cases), "Target", "Result"],
            filter_rows(results),
        ),
        "",
    ]


def _steady_rate(bulk: BulkResults) -> str:
    """Tests per second between 10 % and 90 % of the run tested (the follower's samples, one a second)."""
    low, high = 0.1 * bulk.connections, 0.9 * bulk.connections
    inside = [(t, n) for t, n in bulk.progress if low <= n <= high]
    if len(inside) < 2 or inside[-1][0] == inside[0][0]:
        return "n/a"
    (t0, n0), (t1, n1) = inside[0], inside[-1]
    return f"{(n1 - n0) / (t1 - t0):,.1f}"


def bulk_rows(bulk: BulkResults) -> list[list[str]]:
    ok = bulk.verdicts.get("ok", 0)
    others = ", ".join(f"{v} {n:,}" for v, n in sorted(bulk.verdicts.items()) if v != "ok") or "none"
    rate = bulk.tested / bulk.run_seconds if bulk.run_seconds else 0.0
    logged = "overflowed" if bulk.logged < 0 else f"{bulk.logged:,}"
    return [
        ["Connections tested / in the run", f"{bulk.tested:,} / {bulk.connections:,}", "all", ""],
        ["Verdicts ok / others", f"{ok:,} / {others}", "all ok", verdict(ok == bulk.connections)],
        [
            "Run time (started → finished, as the run records it)",
            f"{bulk.run_seconds:,.1f} s" + ("" if bulk.state == "done" else f" ({bulk.state})"),
            f"< {BULK_TARGET_SECONDS / 60:.0f} min",
            verdict(bulk.state == "done" and bulk.run_seconds < BULK_TARGET_SECONDS),
        ],
        ["Tests per second (whole run)", f"{rate:,.1f}", "(info)", ""],
        ["Tests per second (10 % → 90 % tested)", _steady_rate(bulk), "(info)", ""],
        ["First verdict → last verdict", f"{bulk.first_to_last_seconds:,.1f} s", "(info)", ""],
        [
            "`POST /api/bulk-tests` (writes the items, queues the jobs)",
            millis(bulk.start_request_seconds),
            "(info)",
            "",
        ],
        ["LWA refresh calls (simulator's counter)", f"{bulk.lwa_calls:,}", "(info)", ""],
        ["getMarketplaceParticipations calls (simulator's counter)", f"{bulk.sp_api_calls:,}", "(info)", ""],
        [
            f"429 answers (request log; LWA and SP-API requests read: {logged})",
            f"{bulk.throttled:,}",
            "0",
            verdict(bulk.throttled == 0 and bulk.logged == bulk.lwa_calls + bulk.sp_api_calls),
        ],
    ]


def render_bulk(results: HealthResults) -> list[str]:
    bulk = results.bulk
    if bulk is None:
        return []
    regions = ", ".join(f"{region} {count:,}" for region, count in bulk.regions.items())
    return [
        "### Bulk connection test",
        "",
        f"{bulk.connections:,} root companies, each connected for one region ({regions}) with the authorization of "
        "a seller of its own: the simulator grants them for its seller app (`POST /_admin/authorizations`) and "
        "`ConnectionService.store_authorization` stores them, as Save would (loaded in "
        f"{bulk.load_seconds:.1f} s). {bulk.workers} real arq worker processes (the app's WorkerSettings, no crons) "
        "run the `bulk_test_chunk` jobs against the simulator over real HTTP (uvicorn in a thread of the benchmark "
        "process), with Amazon's own usage plans. A support user of every company starts the run with "
        "`POST /api/bulk-tests {}` and follows it with `GET /api/bulk-tests/{id}` every second; the verdicts are "
        "counted from the results endpoint. LWA and SP-API calls are the simulator's counters before and after; "
        "429s are counted in its request log, read every second as the run goes (the row's target needs every "
        "counted request read).",
        "",
        *table(["Measurement", "Value", "Target", "Result"], bulk_rows(bulk)),
        "",
    ]


def render_health(results: HealthResults) -> list[str]:
    return ["## Health", "", *render_filter(results), *render_bulk(results)]
