"""The whole system as `make run` starts it: migrate, seed, the web server (with the simulator) and a worker."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]
# The build under test: `make frontend`'s output unless E2E_FRONTEND_DIST names another.
DIST = Path(os.environ.get("E2E_FRONTEND_DIST") or ROOT / "frontend" / "dist")
OUTPUT = ROOT / "test-output" / "e2e"
START_TIMEOUT_SECONDS = 60.0


@dataclass
class Stack:
    base_url: str
    var_dir: Path
    passwords: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def arrange_expiring_authorization(self, code: str, region: str, days_left: int) -> None:
        """A company whose authorization for `region` has `days_left` days left (see tests/e2e/arrange.py)."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.e2e.arrange", code, region, str(days_left)],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    @property
    def simulator(self) -> str:
        return f"{self.base_url}/_sim/amazon"

    def revoke(self, selling_partner_id: str) -> None:
        """At Amazon, the seller removes the app's authorization (Seller Central → Manage your apps)."""
        response = httpx.post(f"{self.simulator}/_admin/revoke", json={"sellingPartnerId": selling_partner_id})
        response.raise_for_status()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _own_database(url: str) -> str:
    """A PostgreSQL database of the end-to-end tests' own beside the one the integration tests wipe."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_e2e"
    assert "test" in name, f"refusing to wipe database {name!r}: its name must contain 'test'"

    async def recreate() -> None:
        import asyncpg

        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()

    # In a thread of its own: Playwright's synchronous API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, recreate()).result()
    return urlunsplit(parts._replace(path=f"/{name}"))


def _environment(var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AMAZON_SIM_URL", "SQLITE_PATH", "FRONTEND_DIST")}
    env.update(
        VAR_DIR=str(var_dir),
        HOST="127.0.0.1",
        PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        FRONTEND_DIST=str(DIST),
        AMAZON_MODE="simulator",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = _own_database(os.environ["DATABASE_URL"])
    return env


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"erp-settings {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_until_ready(url: str, processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a process of the stack exited while starting; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not become ready in {START_TIMEOUT_SECONDS:.0f} s; see {log}")


@contextlib.contextmanager
def running_stack() -> Iterator[Stack]:
    """Everything `make run` starts, on a free port and its own data; stopped (Redis too) when the block ends."""
    if not (DIST / "index.html").is_file():
        raise RuntimeError("frontend/dist is missing: build the frontend first (make frontend)")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="erp-settings-e2e-"))
    port = _free_port()
    env = _environment(var_dir, port)
    _cli(env, "migrate")
    seeded = _cli(env, "seed-demo")
    passwords = dict(re.findall(r"^\s+\w+\s+(\w+) / (\S+)$", seeded, flags=re.MULTILINE))
    # A second admin, for two people editing one company.
    passwords["admin2"] = "second-admin-password"
    _cli(env, "create-user", "admin2", "--role", "admin", "--password", passwords["admin2"])
    stack = Stack(base_url=f"http://127.0.0.1:{port}", var_dir=var_dir, passwords=passwords, env=env)
    server_log, worker_log = (OUTPUT / "server.log").open("wb"), (OUTPUT / "worker.log").open("wb")
    try:
        for command, log in (("serve", server_log), ("worker", worker_log)):
            stack.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "app.cli", command], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
                )
            )
        _wait_until_ready(stack.base_url, stack.processes, OUTPUT / "server.log")
        yield stack
    finally:
        for process in stack.processes:
            process.send_signal(signal.SIGINT)
        for process in stack.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        server_log.close()
        worker_log.close()
        _cli(env, "stop-redis")
