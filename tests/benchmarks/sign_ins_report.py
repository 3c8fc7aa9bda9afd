"""The Sign-ins part of the Markdown report: a settings read alone and during a wave of sign-ins, side by side."""

from __future__ import annotations

import statistics

from tests.benchmarks.markdown import millis, table, verdict
from tests.benchmarks.sign_ins import EVENT_LOOP, THREADS, SignInsResults

HEADER = ["Measurement", "argon2 in threads", "argon2 in the event loop", "Target", "Result"]


def _ratio(during: float, alone: float) -> str:
    return f"{during / alone:,.1f}x"


def sign_in_rows(results: SignInsResults) -> list[list[str]]:
    alone = results.alone
    threads, loop = results.during_stats(THREADS), results.during_stats(EVENT_LOOP)
    waves = {variant: results.during[variant] for variant in (THREADS, EVENT_LOOP)}
    size = results.config.wave_size
    return [
        [f"GET alone, median of {len(alone.samples):,}", millis(alone.median), millis(alone.median), "", ""],
        [
            f"GET during a wave of {size} sign-ins, median (reads: {len(threads.samples):,} / {len(loop.samples):,})",
            millis(threads.median),
            millis(loop.median),
            "",
            "",
        ],
        ["GET during the wave, p95", millis(threads.p95), millis(loop.p95), "", ""],
        ["GET during the wave, worst", millis(threads.worst), millis(loop.worst), "", ""],
        [
            "Ratio during the wave / alone (medians)",
            _ratio(threads.median, alone.median),
            _ratio(loop.median, alone.median),
            "(info)",
            "",
        ],
        [
            f"Wave of {size} sign-ins, wall time (median of {len(waves[THREADS].wave_seconds)})",
            f"{statistics.median(waves[THREADS].wave_seconds):,.2f} s",
            f"{statistics.median(waves[EVENT_LOOP].wave_seconds):,.2f} s",
            "(info)",
            "",
        ],
        [
            "Reads completed per wave (median)",
            f"{statistics.median(waves[THREADS].reads_per_wave):,.0f}",
            f"{statistics.median(waves[EVENT_LOOP].reads_per_wave):,.0f}",
            "(info)",
            "",
        ],
        [
            "Failed sign-ins",
            str(waves[THREADS].failed_sign_ins),
            str(waves[EVENT_LOOP].failed_sign_ins),
            "0",
            verdict(waves[THREADS].failed_sign_ins == waves[EVENT_LOOP].failed_sign_ins == 0),
        ],
    ]


def render_sign_ins(results: SignInsResults) -> list[str]:
    config = results.config
    return [
        "## Sign-ins",
        "",
        f"argon2id with time cost {config.hash_time_cost} and {config.hash_memory_kib // 1024} MiB (production's "
        f"parameters; one check takes {millis(results.verify_seconds)} here, alone). A signed-in admin starts "
        f"`GET /api/companies/{{id}}/amazon` every {config.read_interval_seconds * 1e3:g} ms without waiting for "
        "the previous answer, and each read is timed from when it was due (a blocked event loop delays the start "
        f"too): alone ({config.alone_seconds:g} s before each wave), and during each of {config.waves} waves per "
        f"variant of {config.wave_size} concurrent sign-ins (each its own user and address, right password) until "
        "the wave is over. *Threads* is the app as it is: argon2 in threads, "
        f"{results.parallel_hashes} hash(es) at a time (each uses {results.argon2_lanes} lanes, so at most one per "
        f"{results.argon2_lanes} CPUs); "
        "*event loop* calls argon2 directly in the coroutine, as the app did before. Waves of the two variants "
        "alternate in one run.",
        "",
        *table(HEADER, sign_in_rows(results)),
        "",
    ]
