"""The environment of a benchmark run, set before any app module reads its settings.

SQLite (the default): a fresh database file in a new temporary directory. PostgreSQL (DATABASE_URL set): the named
database is wiped later, so its name must contain "bench" or "test".
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESULTS_FILE = PROJECT_ROOT / "var" / "bench-results.md"
DISPOSABLE_MARKERS = ("bench", "test")
PUBLIC_URL = "http://bench.local"
BENCH_KEY = "YmVuY2gta2V5LWJlbmNoLWtleS1iZW5jaC1rZXktMzI"  # a fixed 32-byte key for a throw-away database


def use_simulator(base_url: str) -> None:
    """Where the Amazon simulator answers; call before anything reads the settings."""
    os.environ["AMAZON_SIM_URL"] = base_url


def database_name(url: str) -> str:
    """The database part of a PostgreSQL URL."""
    return urlparse(url).path.lstrip("/")


def check_disposable(url: str) -> None:
    """Refuse to run against a database whose name does not say it may be wiped."""
    name = database_name(url)
    if not any(marker in name for marker in DISPOSABLE_MARKERS):
        raise SystemExit(f"refusing to wipe database {name!r}: its name must contain 'bench' or 'test'")


def configure() -> Path:
    """Point the app at a throw-away database and cheap password hashing; returns the temporary directory."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        check_disposable(url)
    tmp = Path(tempfile.mkdtemp(prefix="erp-settings-bench-"))
    os.environ["VAR_DIR"] = str(tmp)
    if not url:
        os.environ["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    # A fixed key (secrets at rest are encrypted for real) and the address the ASGI test client uses.
    os.environ["SECRET_KEYS"] = BENCH_KEY
    os.environ["PUBLIC_URL"] = PUBLIC_URL
    # Amazon is the simulator (started by run.py, which sets AMAZON_SIM_URL), with production usage plans.
    os.environ["AMAZON_MODE"] = "simulator"
    os.environ["AMAZON_ENVIRONMENT"] = "production"
    # Real argon2id with small parameters: logging in is not what is measured.
    os.environ["PASSWORD_HASH_TIME_COST"] = "1"
    os.environ["PASSWORD_HASH_MEMORY_KIB"] = "1024"
    if not os.environ.get("LOG_LEVEL"):  # an empty value counts as unset for the app too
        os.environ["LOG_LEVEL"] = "WARNING"
    # One INFO line per request would drown the report (the simulator logs every request it answers).
    for name in ("httpx", "app.amazon_sim"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return tmp
