"""Timing and SQL-statement counting helpers; no app imports beyond the Piccolo engine."""

from __future__ import annotations

import contextlib
import gc
import math
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from piccolo.engine import engine_finder


@dataclass(frozen=True)
class Stats:
    """Durations of repeated runs, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def worst(self) -> float:
        return max(self.samples)


async def compare(
    call: Callable[[int], Awaitable[Any]], subjects: dict[str, list[int]], repetitions: int, warmup: int = 20
) -> dict[str, Stats]:
    """Time `call(subject)` for each group, interleaving the groups and alternating their order to share any drift."""
    labels = list(subjects)
    for i in range(warmup):
        for label in labels:
            await call(subjects[label][i % len(subjects[label])])
    durations: dict[str, list[float]] = {label: [] for label in labels}
    gc.collect()
    for i in range(repetitions):
        for label in labels if i % 2 == 0 else reversed(labels):
            company = subjects[label][i % len(subjects[label])]
            start = time.perf_counter()
            await call(company)
            durations[label].append(time.perf_counter() - start)
    return {label: Stats(tuple(values)) for label, values in durations.items()}


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Records every SQL statement Piccolo sends while the block runs (BEGIN/COMMIT are not sent this way)."""
    engine_class: Any = type(engine_finder())
    seen: list[str] = []
    original = engine_class.run_querystring

    async def counting(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counting  # engines use __slots__: patch the class for the block's duration
    try:
        yield seen
    finally:
        engine_class.run_querystring = original


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Collect, then hide every object alive now from the collector for the block (`gc.freeze`).

    Collections during the block then traverse only what the timed code allocated, not the app's whole heap: with
    thousands of concurrent tasks alive, full collections over the set-up's objects otherwise swamp the figures.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
