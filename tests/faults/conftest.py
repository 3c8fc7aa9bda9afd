"""Fault tests: real processes (web servers, workers, redis-server, PostgreSQL) failed for real."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.processes import FaultSystem, RedisServer, fault_system, redis_server


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, to stop (`redis.stop()`) and start again (`redis.start()`)."""
    with redis_server(tmp_path / "redis") as server:
        yield server


@pytest.fixture
async def system(amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path) -> FaultSystem:
    """A system of real processes of its own (database, Redis), seeded, on the session's (reset) simulator."""
    return await fault_system(redis, tmp_path / "system")
