"""The Amazon simulator stays off servers reachable from elsewhere, and its admin API answers this machine only."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import PROJECT_ROOT, Settings, load_settings
from app.main import create_app
from tests.server_process import running_server, server_environment, wait_until_answering

WARNING = "THE AMAZON SIMULATOR IS RUNNING"


def test_a_server_on_all_interfaces_without_amazon_mode_has_no_simulator(tmp_path: Path, unused_tcp_port: int) -> None:
    env = server_environment(tmp_path, unused_tcp_port, HOST="0.0.0.0")  # noqa: S104 (the point of the test)

    with running_server(env, tmp_path / "server.log") as server, httpx.Client(base_url=server.base_url) as client:
        admin_state = client.get("/_sim/amazon/_admin/state")
        consent = client.get("/_sim/amazon/central/sellercentral.amazon.com/apps/authorize/consent")
        health = client.get("/health")

    assert health.status_code == 200
    assert admin_state.status_code == 404
    assert consent.status_code == 404
    assert WARNING not in server.log_text()


def test_an_explicit_simulator_behind_a_public_address_warns_and_guards_its_admin_api(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    env = server_environment(tmp_path, unused_tcp_port, AMAZON_MODE="simulator", PUBLIC_URL="https://erp.example.com")
    admin = "/_sim/amazon/_admin"

    with running_server(env, tmp_path / "server.log") as server, httpx.Client(base_url=server.base_url) as client:
        as_text = client.post(
            f"{admin}/revoke", content=b'{"sellingPartnerId": "A1"}', headers={"Content-Type": "text/plain"}
        )
        as_form = client.post(f"{admin}/clock", data={"advanceSeconds": "86400"})
        from_elsewhere = client.post(
            f"{admin}/clock", json={"advanceSeconds": 86400}, headers={"Origin": "https://attacker.example"}
        )
        cross_site = client.post(
            f"{admin}/clock", json={"advanceSeconds": 86400}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        proxied_read = client.get(f"{admin}/state", headers={"X-Forwarded-For": "127.0.0.1"})
        proxied_write = client.post(
            f"{admin}/faults", json={"target": "lwa", "kind": "5xx"}, headers={"Forwarded": "for=127.0.0.1"}
        )
        untouched = client.get(f"{admin}/clock").json()
        moved = client.post(f"{admin}/clock", json={"advanceSeconds": 60})
        consent = client.get("/_sim/amazon/central/sellercentral.amazon.com/apps/authorize/consent")

    log = server.log_text()
    assert WARNING in log
    assert "https://erp.example.com/_sim/amazon" in log
    assert as_text.status_code == 415
    assert as_form.status_code == 415
    assert from_elsewhere.status_code == 403
    assert from_elsewhere.json()["error"] == "cross_site"
    assert cross_site.status_code == 403
    assert proxied_read.status_code == 403
    assert proxied_write.status_code == 403
    assert proxied_read.json()["error"] == "loopback_only"
    assert untouched["offsetSeconds"] == 0  # none of the refused requests moved the clock
    assert moved.status_code == 200
    assert moved.json()["offsetSeconds"] == 60
    assert consent.status_code == 400  # mounted: Amazon's own answer to a consent link without an application


def test_the_embedded_default_mounts_the_simulator_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    config = load_settings({"PUBLIC_URL": "http://127.0.0.1:8000", "SECRET_KEYS": os.environ["SECRET_KEYS"]})

    with caplog.at_level(logging.WARNING, logger="app.amazon_sim"):
        app = create_app(config)

    assert config.amazon_mode == "simulator"
    assert any(getattr(route, "path", "") == "/_sim/amazon" for route in app.routes)
    assert WARNING not in caplog.text


async def test_the_admin_api_refuses_a_client_on_another_machine() -> None:
    config = Settings(
        amazon_mode="simulator",
        amazon_mode_explicit=True,
        host="0.0.0.0",  # noqa: S104
        public_url="https://erp.example.com",
        frontend_dist=os.environ["FRONTEND_DIST"],
    )
    app = create_app(config)
    remote = httpx.ASGITransport(app=app, client=("203.0.113.9", 1234))
    local = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=remote, base_url="https://erp.example.com") as client:
        read = await client.get("/_sim/amazon/_admin/state")
        reset = await client.post("/_sim/amazon/_admin/reset", json={})
        consent = await client.get("/_sim/amazon/central/sellercentral.amazon.com/apps/authorize/consent")
    async with httpx.AsyncClient(transport=local, base_url="https://erp.example.com") as client:
        read_here = await client.get("/_sim/amazon/_admin/state")

    assert read.status_code == 403
    assert reset.status_code == 403
    assert consent.status_code == 400  # the consent pages are for browsers anywhere; only the admin API is local
    assert read_here.status_code == 200


async def test_a_server_on_another_interface_mounts_no_simulator_unless_asked() -> None:
    derived = load_settings({"HOST": "0.0.0.0", "FRONTEND_DIST": os.environ["FRONTEND_DIST"]})  # noqa: S104
    # A mode of "simulator" that nobody asked for (the field's default) does not count on such a host either.
    defaulted = Settings(host="0.0.0.0", frontend_dist=os.environ["FRONTEND_DIST"])  # noqa: S104
    answers = []
    for config in (derived, defaulted):
        transport = httpx.ASGITransport(app=create_app(config))
        async with httpx.AsyncClient(transport=transport, base_url="http://erp.example.com") as client:
            answers.append((await client.get("/_sim/amazon/_admin/state")).status_code)

    assert derived.amazon_mode == "production"
    assert answers == [404, 404]


def _run_standalone_simulator(host: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (this project's own simulator, fixed arguments)
            [sys.executable, "-m", "app.amazon_sim", "--host", host, "--port", str(port)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])  # noqa: S104
def test_the_standalone_simulator_warns_when_it_listens_beyond_loopback(
    host: str, warned: bool, tmp_path: Path, unused_tcp_port: int
) -> None:
    log = tmp_path / "simulator.log"
    process = _run_standalone_simulator(host, unused_tcp_port, log)
    base = f"http://127.0.0.1:{unused_tcp_port}"
    try:
        wait_until_answering(f"{base}/_admin/clock", process, log)
        with httpx.Client(base_url=base) as client:
            proxied = client.get("/_admin/state", headers={"X-Forwarded-For": "198.51.100.7"})
            as_text = client.post("/_admin/reset", content=b"{}", headers={"Content-Type": "text/plain"})
            here = client.get("/_admin/state")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)

    assert (WARNING in log.read_text()) is warned
    assert proxied.status_code == 403
    assert as_text.status_code == 415
    assert here.status_code == 200
