"""`erp-settings serve` believes X-Forwarded-For only from the proxies in TRUSTED_PROXIES, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from asyncio.subprocess import PIPE, STDOUT
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.audit.tables import AuditEvent
from app.services import Services
from tests.fixtures import PASSWORD

PROJECT_ROOT = str(Path(__file__).resolve().parents[3])
SPOOFED = "203.0.113.77"  # TEST-NET-3: no real client has it
LOOPBACK = "127.0.0.1"  # where the test's own requests really come from


@contextlib.asynccontextmanager
async def real_server(port: int, trusted_proxies: str, log: Path) -> AsyncIterator[str]:
    """`python -m app.cli serve` on the tests' database and Redis, with TRUSTED_PROXIES as given."""
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "PORT": str(port), "PUBLIC_URL": base, "TRUSTED_PROXIES": trusted_proxies}
    env.pop("FORWARDED_ALLOW_IPS", None)  # uvicorn's own variable must not decide either
    # The server's log goes to a file: a pipe nobody reads would fill up and stall the server.
    with log.open("wb") as log_file:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app.cli", "serve", env=env, cwd=PROJECT_ROOT, stdout=log_file, stderr=STDOUT
        )
        try:
            async with httpx.AsyncClient() as probe:
                for _ in range(200):
                    if server.returncode is not None:
                        output = await asyncio.to_thread(log.read_text)
                        raise AssertionError(f"the server stopped while starting: {output[-3000:]}")
                    with contextlib.suppress(httpx.TransportError):
                        if (await probe.get(f"{base}/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("the server did not start")
            yield base
        finally:
            server.terminate()
            await server.wait()


@pytest.mark.parametrize(
    ("trusted_proxies", "recorded"),
    [
        ("", LOOPBACK),
        ("127.0.0.1", SPOOFED),
        ("10.0.0.0/8, 127.0.0.0/8", SPOOFED),
        ("10.0.0.1,192.168.0.0/16", LOOPBACK),
    ],
    ids=["none-by-default", "the-local-proxy", "networks", "other-proxies-only"],
)
async def test_x_forwarded_for_is_believed_only_from_trusted_proxies(
    services: Services, unused_tcp_port: int, tmp_path: Path, trusted_proxies: str, recorded: str
) -> None:
    await services.accounts.create_user("ada", PASSWORD, "admin", "Ada Admin")
    spoofing = {"X-Forwarded-For": SPOOFED}

    async with (
        real_server(unused_tcp_port, trusted_proxies, tmp_path / "server.log") as base,
        httpx.AsyncClient(base_url=base, headers=spoofing) as browser,
    ):
        failed = await browser.post("/api/auth/login", json={"username": "ada", "password": "wrong"})
        signed_in = await browser.post("/api/auth/login", json={"username": "ada", "password": PASSWORD})
        browser.headers.update({"X-CSRF-Token": signed_in.json()["csrfToken"], "Origin": base})
        created = await browser.post("/api/companies", json={"code": "US-01", "name": "Acme US"})
        audit = await browser.get(f"/api/companies/{created.json()['id']}/audit")

    assert (failed.status_code, signed_in.status_code, created.status_code) == (401, 200, 201), created.text
    assert {event["ip"] for event in audit.json()["items"]} == {recorded}
    failed_sign_ins = await AuditEvent.select(AuditEvent.ip).where(AuditEvent.action == "auth.login_failed")
    assert failed_sign_ins == [{"ip": recorded}]


async def test_a_malformed_trusted_proxy_stops_the_server_naming_the_variable(unused_tcp_port: int) -> None:
    env = {**os.environ, "PORT": str(unused_tcp_port), "TRUSTED_PROXIES": "127.0.0.1,proxy.internal"}
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "serve", env=env, cwd=PROJECT_ROOT, stdout=PIPE, stderr=STDOUT
    )
    output, _ = await asyncio.wait_for(server.communicate(), timeout=60)

    assert server.returncode != 0
    assert "TRUSTED_PROXIES" in output.decode()
    assert "proxy.internal" in output.decode()
