"""The installed `erp-settings` command, run from another folder as an operator runs it."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = Path(sys.executable).with_name("erp-settings")
SUBCOMMANDS = (
    "serve",
    "worker",
    "migrate",
    "check-config",
    "seed-demo",
    "check-connections",
    "rotate-keys",
    "create-user",
    "stop-redis",
    "openapi",
)


def _run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEYS", "PYTHONPATH")}
    base.update({"SQLITE_PATH": str(folder / "db.sqlite3"), "VAR_DIR": str(folder / "var"), **env})
    return subprocess.run(  # noqa: S603 (the project's own command)
        [str(COMMAND), *args], cwd=folder, env=base, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_command_migrates_seeds_and_creates_users_from_any_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)

    migrated = _run(elsewhere, "migrate")
    seeded = _run(elsewhere, "seed-demo")
    created = _run(elsewhere, "create-user", "ops", "--role", "support", "--password", "long-enough-password")
    stopped = _run(elsewhere, "stop-redis")  # the embedded Redis the commands started under that VAR_DIR

    assert migrated.returncode == 0, migrated.stderr[-2000:]
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    assert created.returncode == 0, created.stderr[-2000:]
    assert stopped.returncode == 0, stopped.stderr[-2000:]
    assert "admin /" in seeded.stdout
    with sqlite3.connect(elsewhere / "db.sqlite3") as db:
        users = {row[0] for row in db.execute("SELECT username FROM app_user")}
    assert users == {"admin", "support", "viewer", "ops"}


def test_check_config_says_what_would_be_used_and_what_does_not_answer_without_a_secret(tmp_path: Path) -> None:
    key = base64.urlsafe_b64encode(b"k" * 32).decode()
    assert _run(tmp_path, "migrate").returncode == 0

    fine = _run(tmp_path, "check-config", SECRET_KEYS=key)
    broken = _run(
        tmp_path,
        "check-config",
        SECRET_KEYS=key,
        REDIS_URL="redis://:redis-password-123@127.0.0.1:9/0",
    )

    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert f"SQLite file {tmp_path / 'db.sqlite3'} — answers" in fine.stdout
    assert "SECRET_KEYS: 1 key(s)" in fine.stdout
    assert "the simulator" in fine.stdout
    assert broken.returncode == 1
    assert "FAIL Redis" in broken.stdout
    assert "does not answer" in broken.stdout
    assert "redis://:***@127.0.0.1:9/0" in broken.stdout
    for output in (fine.stdout + fine.stderr, broken.stdout + broken.stderr):
        assert key not in output
        assert "redis-password-123" not in output


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_explains_itself(tmp_path: Path, subcommand: str) -> None:
    answer = _run(tmp_path, subcommand, "--help")

    assert answer.returncode == 0, answer.stderr
    description = answer.stdout.split("\n\n")[1]
    assert len(description.split()) >= 8, answer.stdout  # a sentence or two, not the bare usage line
    assert "check-config" in answer.stdout  # where to see the configuration it will use
