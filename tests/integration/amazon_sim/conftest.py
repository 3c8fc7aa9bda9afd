"""One simulator on real HTTP for this folder, reset before each test; a driver that plays browser, ERP and client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.amazon_sim.driver import PUBLIC_URL, Amazon
from tests.sim_server import running_simulator


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator(PUBLIC_URL) as url:
        yield url


@pytest.fixture
def amazon(simulator_url: str) -> Iterator[Amazon]:
    with httpx.Client(base_url=simulator_url, timeout=10) as client:
        client.post("/_admin/reset").raise_for_status()
        yield Amazon(client)
