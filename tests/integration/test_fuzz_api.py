"""Schemathesis fuzzes the whole API through a real server, signed in as an admin: zero failures allowed, and its
cases aimed at the admin's own drafts (tests/fuzz_hooks.py) get past validation on every operation, Save included,
at least as often as each operation's floor."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from asyncio.subprocess import PIPE, STDOUT
from collections import Counter
from pathlib import Path

import httpx

from app.amazon.regions import Region
from app.config import get_settings
from app.services import Services
from tests.amazon_sim_admin import install_app_credentials
from tests.fixtures import PASSWORD, Browser
from tests.helpers import begin_edit, connect, create_company

PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,ignored_auth"
# Logout is left out: fuzzing it would end the fuzzer's own session midway; test_sign_in covers it.

# A case got past validation when the server answered it as a well-formed request about something that exists and
# that the fuzz admin may use: a 2xx, a 3xx (the OAuth pages' redirects), or a refusal only such a request can get:
# 409 (a stale version, a draft changed elsewhere, a unified member, a run already running) or 410 (a draft saved
# or cancelled, a link used). Not past it: 400 (malformed), 401/403, 404 (unknown or out of scope), 405, 415, 422 (a
# rule refused the input), 428 (no If-Match) and 429 (a limit, counted before the draft is looked up).
PAST_VALIDATION_4XX = {409, 410}
# At least this many cases per operation get past validation (tests/fuzz_hooks.py aims them at the fuzz admin's
# own drafts and records): half of what a run gets (with the seed and no example database, runs got the same
# numbers; the margin is for the other database and for the limits' windows); every draft operation is above zero.
FLOORS = {
    # Edit -> Save: the fuzz admin's own open draft of US-01.
    "POST /api/companies/{company_id}/amazon/edits": 36,
    "GET /api/edits/{edit_id}": 16,
    "PATCH /api/edits/{edit_id}": 19,
    "DELETE /api/edits/{edit_id}": 7,
    "POST /api/edits/{edit_id}/save": 24,
    "POST /api/edits/{edit_id}/regions/{region}/authorize": 14,  # 30 token actions per user in 10 minutes
    # Links e-mailed to the account holder (JP-01's, but sent from US-01's draft): limited per admin and per company
    # and region, so aimed only a few times (AIM_LIMITS in tests/fuzz_hooks.py).
    "POST /api/edits/{edit_id}/regions/{region}/consent-links": 6,
    "POST /api/edits/{edit_id}/consent-links/{link_id}/resend": 25,
    "DELETE /api/edits/{edit_id}/consent-links/{link_id}": 2,
    "GET /oauth/amazon/consent/{token}": 30,
    "POST /oauth/amazon/consent": 2,
    # The app's credentials, through their own drafts.
    "POST /api/integration-credentials/{account_type}/{environment}/edits": 6,
    "GET /api/integration-credentials/edits/{edit_id}": 30,
    "PATCH /api/integration-credentials/edits/{edit_id}": 29,
    "DELETE /api/integration-credentials/edits/{edit_id}": 18,
    "POST /api/integration-credentials/edits/{edit_id}/save": 26,
    "GET /api/integration-credentials": 1,
    # Companies, settings, connections, bulk tests, notifications, users.
    "GET /api/companies": 61,
    "POST /api/companies": 10,
    "GET /api/companies/{company_id}": 34,
    "GET /api/companies/{company_id}/amazon": 18,
    "GET /api/companies/{company_id}/audit": 41,
    "POST /api/companies/{company_id}/amazon/regions/{region}/refresh": 22,
    "GET /api/amazon/expiry-timeline": 28,
    "GET /api/marketplaces": 1,
    "POST /api/bulk-tests": 20,
    "GET /api/bulk-tests/current": 18,
    "GET /api/bulk-tests/{run_id}": 31,
    "GET /api/bulk-tests/{run_id}/results": 34,
    "GET /api/bulk-tests/{run_id}/results.csv": 31,
    "POST /api/bulk-tests/{run_id}/cancel": 20,
    "GET /api/notifications": 39,
    "POST /api/notifications/{notification_id}/read": 41,
    "GET /api/outbox": 33,
    "GET /api/users": 1,
    "POST /api/users": 8,
    "POST /api/users/{user_id}/deactivate": 24,
    "GET /api/auth/me": 2,
    "PUT /api/auth/me/language": 4,
    "GET /health": 1,
    "GET /ready": 1,
    # Amazon calling the Log-in URI back (the simulator's Seller Central as the callback address).
    "GET /oauth/amazon/login": 14,
    # Zero: the cases never name a real user and password (the hooks' own sign-ins share the address's limit;
    # tests/integration/accounts cover sign-in); Amazon's redirect and the Log-in URI's confirmation need a fresh
    # single-use code and the confirmation page's own fields, which the flows in tests/integration/amazon drive.
    "POST /api/auth/login": 0,
    "GET /oauth/amazon/callback": 0,
    "POST /oauth/amazon/login": 0,
}


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


async def test_schemathesis_finds_no_failure_and_gets_past_validation_into_edit_and_save(
    admin: Browser, services: Services, unused_tcp_port: int, tmp_path: Path
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    jp = await create_company(admin, "JP-01")
    await connect(services, us["id"], Region.NA)
    await begin_edit(admin, us["id"])  # another admin's draft: the fuzz admin's drafts show it, never lock on it
    await services.accounts.create_user("fuzz", PASSWORD, "admin", "Fuzz Admin")
    victim = await services.accounts.create_user("fuzz-victim", PASSWORD, "support", "Deactivated By Fuzzing")
    base = f"http://127.0.0.1:{unused_tcp_port}"
    await install_app_credentials(services, base)  # Get token and the e-mailed links need the app's credentials
    report = tmp_path / "cases.tsv"
    env = {
        **os.environ,
        "PORT": str(unused_tcp_port),
        "PUBLIC_URL": base,
        "FUZZ_BASE_URL": base,
        "FUZZ_USERNAME": "fuzz",
        "FUZZ_PASSWORD": PASSWORD,
        "FUZZ_COMPANY_ID": str(us["id"]),
        "FUZZ_COMPANY_IDS": f"{us['id']},{ca['id']}",
        "FUZZ_LINK_COMPANY_ID": str(jp["id"]),
        "FUZZ_VICTIM_ID": str(victim.id),
        "FUZZ_REPORT": str(report),
        "FUZZ_SIMULATOR_URL": services.config.simulator_url,
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
                # No example database (.hypothesis/ of the working directory): the seed alone decides the cases.
                "--generation-database",
                "none",
                # The session comes from the hooks; made-up cookies and CSRF headers only ever got a 401, and the
                # ignored_auth check sends every operation without them anyway.
                "--generation-with-security-parameters",
                "false",
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

    statuses = statuses_per_operation(await asyncio.to_thread(report.read_text))
    past = {op: sum(n for status, n in seen.items() if got_past_validation(status)) for op, seen in statuses.items()}
    table = "\n".join(
        f"{past[op]:5d} of {seen.total():5d}  {op}  {dict(sorted(seen.items()))}"
        for op, seen in sorted(statuses.items())
    )
    await asyncio.to_thread((Path(get_settings().var_dir) / "fuzz-operations.txt").write_text, table + "\n")

    assert fuzzer.returncode == 0, output[-6000:] + server_output.decode()[-3000:]
    assert cases is not None, output[-3000:]
    assert int(cases.group(1).replace(",", "")) > 500
    below = {op: f"{past.get(op, 0)} < {floor}" for op, floor in FLOORS.items() if past.get(op, 0) < floor}
    assert below == {}, f"operations whose cases stopped short of their logic:\n{below}\n{table}"
    assert sorted(set(statuses) - set(FLOORS)) == [], "operations without a floor"
    # Schemathesis reached the Amazon pages too (they are in the schema): the server's access log shows them.
    for request_line in ("GET /oauth/amazon/callback", "GET /oauth/amazon/login", "POST /oauth/amazon/login"):
        assert request_line in server_output.decode(), request_line
    # Every operation with a JSON body (login, create company, change, save, users, app credentials) refused it.
    assert len(deep_json) >= 6, deep_json
    assert set(deep_json.values()) == {400}, deep_json


def got_past_validation(status: int) -> bool:
    return 200 <= status < 400 or status in PAST_VALIDATION_4XX


def statuses_per_operation(report: str) -> dict[str, Counter[int]]:
    """How often each operation got each status (from the lines the hooks wrote to FUZZ_REPORT)."""
    statuses: dict[str, Counter[int]] = {}
    for line in report.splitlines():
        operation, status = line.rsplit("\t", 1)
        statuses.setdefault(operation, Counter())[int(status)] += 1
    return statuses


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
