"""Real `erp-settings` processes for tests: an environment of their own, the CLI, a running web server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT

START_TIMEOUT_SECONDS = 30.0
# Variables of the test run that would make a server share the tests' database, Redis or simulator.
_NOT_INHERITED = ("VAR_DIR", "SQLITE_PATH", "DATABASE_URL", "REDIS_URL", "AMAZON_SIM_URL", "AMAZON_MODE", "HOST")


@dataclass
class Server:
    base_url: str
    log: Path
    env: dict[str, str]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def server_environment(root: Path, port: int, **overrides: str) -> dict[str, str]:
    """An environment of its own for a real `erp-settings` process: var dir, SQLite file, key directory, port."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        VAR_DIR=str(root / "var"),
        SQLITE_PATH=str(root / "var" / "erp-settings.sqlite3"),
        # A generated key (when SECRET_KEYS is not given) lands here, never in the real home directory.
        XDG_DATA_HOME=str(root / "data"),
        PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 (this project's own CLI, fixed arguments)
        [sys.executable, "-m", "app.cli", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    if check:
        assert done.returncode == 0, f"erp-settings {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@contextlib.contextmanager
def stopping_redis(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Commands run with `env` start an embedded Redis under its var dir: stop it however the block ends."""
    try:
        yield env
    finally:
        cli(env, "stop-redis", check=False)


@contextlib.contextmanager
def running_server(env: dict[str, str], log: Path, *, migrate: bool = True) -> Iterator[Server]:
    """`erp-settings serve` with `env`, until the block ends; its output (access log included) goes to `log`."""
    if migrate:
        cli(env, "migrate")
    base_url = f"http://127.0.0.1:{env['PORT']}"
    with stopping_redis(env), log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(f"{base_url}/health", process, log)
            yield Server(base_url, log, env)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited while starting:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=1, trust_env=False).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer within {START_TIMEOUT_SECONDS:.0f} s")
