"""Schemathesis fuzzes the whole API through a real server, signed in as an admin: zero failures allowed."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from asyncio.subprocess import PIPE, STDOUT
from pathlib import Path

import httpx

from app.amazon.regions import Region
from app.config import get_settings
from app.services import Services
from tests.fixtures import PASSWORD, Browser
from tests.helpers import begin_edit, connect, create_company

PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,ignored_auth"
# Logout is left out: fuzzing it would end the fuzzer's own session midway; test_sign_in covers it.


async def _wait_until_up(base: str, server: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            if server.returncode is not None:
                raise AssertionError("the server stopped while starting")
            try:
                if (await client.get(f"{base}/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the server did not start")


async def test_schemathesis_finds_no_failure(
    admin: Browser, services: Services, unused_tcp_port: int, tmp_path: Path
) -> None:
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA)
    await begin_edit(admin, us["id"])
    await services.accounts.create_user("fuzz", PASSWORD, "admin", "Fuzz Admin")
    base = f"http://127.0.0.1:{unused_tcp_port}"
    env = {
        **os.environ,
        "PORT": str(unused_tcp_port),
        "PUBLIC_URL": base,
        "FUZZ_BASE_URL": base,
        "FUZZ_USERNAME": "fuzz",
        "FUZZ_PASSWORD": PASSWORD,
        "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks",
        "PYTHONPATH": PROJECT_ROOT,
        "LOG_LEVEL": "INFO",  # its access lines, read below
    }
    # The server's log goes to a file: a pipe nobody reads would fill up and stall the server.
    server_log = tmp_path / "server.log"
    with server_log.open("wb") as log_file:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app.cli", "serve", env=env, stdout=log_file, stderr=STDOUT
        )
        try:
            await _wait_until_up(base, server)
            fuzzer = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{base}/schema/openapi.json",
                "--checks",
                CHECKS,
                "--exclude-operation-id",
                "logout",
                "--max-examples",
                "60",
                "--seed",
                "20261123",
                "--workers",
                "1",
                "--report-dir",
                str(tmp_path),
                "--no-color",
                env=env,
                stdout=PIPE,
                stderr=STDOUT,
            )
            output_bytes, _ = await asyncio.wait_for(fuzzer.communicate(), timeout=900)
            deep_json = await _send_deeply_nested_json_everywhere(base)
        finally:
            server.terminate()
            await server.wait()
    server_output = await asyncio.to_thread(server_log.read_bytes)
    output = output_bytes.decode()
    cases = re.search(r"(\d[\d,]*) generated", output)
    # Kept for the record (and for debugging a failure): the whole Schemathesis report.
    await asyncio.to_thread((Path(get_settings().var_dir) / "fuzz-summary.txt").write_text, output)

    assert fuzzer.returncode == 0, output[-6000:] + server_output.decode()[-3000:]
    assert cases is not None, output[-3000:]
    assert int(cases.group(1).replace(",", "")) > 500
    # Schemathesis reached the Amazon pages too (they are in the schema): the server's access log shows them.
    for request_line in ("GET /oauth/amazon/callback", "GET /oauth/amazon/login", "POST /oauth/amazon/login"):
        assert request_line in server_output.decode(), request_line
    # Every operation with a JSON body (login, create company, change, save, users, app credentials) refused it.
    assert len(deep_json) >= 6, deep_json
    assert set(deep_json.values()) == {400}, deep_json


async def _send_deeply_nested_json_everywhere(base: str) -> dict[str, int]:
    """Every operation that takes a JSON body, sent a body nested 1,000 and 100,000 deep: the status of each
    (the worse of the two), signed in as the fuzz admin with real IDs where the path needs them."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        schema = (await client.get("/schema/openapi.json")).json()
        login = await client.post(
            "/api/auth/login", json={"username": os.environ.get("FUZZ_USERNAME", "fuzz"), "password": PASSWORD}
        )
        client.headers["X-CSRF-Token"] = login.json()["csrfToken"]
        companies = (await client.get("/api/companies")).json()["items"]
        draft = (await client.post(f"/api/companies/{companies[0]['id']}/amazon/edits")).json()
        values = {"company_id": str(companies[0]["id"]), "edit_id": draft["id"], "region": "NA"}
        values |= {"account_type": "seller", "environment": "production", "notification_id": "1", "user_id": "1"}
        answers: dict[str, int] = {}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" not in content or operation.get("operationId") == "logout":
                    continue
                url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
                statuses = []
                for depth in (1_000, 100_000):
                    body = "[" * depth + "]" * depth
                    response = await client.request(
                        method, url, content=body, headers={"Content-Type": "application/json"}
                    )
                    statuses.append(response.status_code)
                answers[f"{method.upper()} {path}"] = max(statuses)
        return answers
