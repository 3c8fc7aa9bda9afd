"""The Amazon simulator for the Workers part: real HTTP on a local port, with a handle on its in-process state.

`tests.sim_server.running_simulator` only yields the base URL; the benchmark starts the same app the same way
(`running_asgi_app`, uvicorn in a background thread) but keeps the app, so that one measurement can switch the
simulator's SP-API usage plans off (its admin API has no switch for them). Nothing in app/ is changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from app.amazon_sim import SimulatorState, create_simulator_app
from tests.sim_server import running_asgi_app


class _NoUsagePlans:
    """Stands in for the simulator's RateLimiter: every request gets a token."""

    def try_take(self, key: tuple[str, ...], rate: float, burst: int, now: float) -> bool:
        return True


@dataclass
class BenchSimulator:
    """Where the simulator answers, and its state (shared with the uvicorn thread that serves it)."""

    url: str
    state: SimulatorState

    @contextlib.contextmanager
    def without_rate_limits(self) -> Iterator[None]:
        """SP-API answers every call instead of 429 beyond Amazon's usage plan, for the block's duration."""
        original = self.state.rate_limiter
        self.state.rate_limiter = _NoUsagePlans()  # type: ignore[assignment]  # duck-typed stand-in
        try:
            yield
        finally:
            self.state.rate_limiter = original


@contextlib.contextmanager
def running(public_url: str) -> Iterator[BenchSimulator]:
    """A fresh simulator whose default apps redirect to `public_url`, served until the block ends."""
    application = create_simulator_app(public_url)
    with running_asgi_app(application, ready_path="/_admin/clock") as base_url:
        yield BenchSimulator(base_url, application.state.simulator)
