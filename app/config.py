"""Settings read once from the environment; nothing else in the project reads os.environ."""

from __future__ import annotations

import hashlib
import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every knob of the system, with the embedded defaults that `make run` uses."""

    database_url: str | None = None
    var_dir: str = str(PROJECT_ROOT / "var")
    sqlite_path: str | None = None
    sqlite_busy_timeout_seconds: float = 30.0
    redis_url: str | None = None
    # Left unset, the mode follows where the server listens: the simulator on loopback (make run), real Amazon
    # anywhere else. `amazon_mode_explicit` tells whether AMAZON_MODE was set.
    amazon_mode: Literal["simulator", "production"] = "simulator"
    amazon_mode_explicit: bool = False
    amazon_environment: Literal["production", "sandbox"] = "production"
    amazon_sim_url: str | None = None
    amazon_timeout_seconds: float = 10.0
    amazon_retry_attempts: int = 3
    amazon_retry_base_seconds: float = 0.5
    public_url: str = "http://127.0.0.1:8000"
    # The built frontend (npm run build); served at / with every page route answered by its index.html.
    frontend_dist: str = str(PROJECT_ROOT / "frontend" / "dist")
    cors_origins: str = ""
    # Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed; none by default.
    trusted_proxies: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    edit_idle_minutes: int = 120
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    secret_keys: str | None = None
    # Local runs without SECRET_KEYS keep a generated key in this file (see `secret_key_file`).
    secret_key_path: str | None = None
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    clock_offset_seconds: float = 0.0
    # At most half the timeout of the jobs that refresh tokens (90 s): `erp-settings worker` refuses more.
    token_lock_timeout_seconds: float = 30.0
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "erp-settings@localhost"
    log_level: str = "INFO"
    # "text" (readable, the default) or "json" (one JSON object per line, for a log collector).
    log_format: Literal["text", "json"] = "text"
    # GET /metrics on the web server's own port answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset, it
    # is a 404. A worker serves its metrics on METRICS_PORT (unset: none) at METRICS_HOST, a port of its own.
    metrics_token: str | None = None
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    debug: bool = False

    def __repr__(self) -> str:
        # Keys must never reach a log or a traceback through the settings' repr.
        shown = {
            f: ("***" if f in ("secret_keys", "metrics_token") and v else v)
            for f, v in msgspec.structs.asdict(self).items()
        }
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    @property
    def database_path(self) -> Path:
        return Path(self.sqlite_path) if self.sqlite_path else Path(self.var_dir) / "erp-settings.sqlite3"

    @property
    def simulator_url(self) -> str:
        """Where the Amazon simulator answers: its own server, or mounted in this one."""
        return (self.amazon_sim_url or f"{self.public_url.rstrip('/')}/_sim/amazon").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure (and HSTS is sent) whenever the public address is HTTPS, as it must be in production."""
        return self.public_url.startswith("https://")

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def secret_key_file(self) -> Path:
        """Where a local run without SECRET_KEYS keeps its generated key: SECRET_KEY_FILE, or a per-user file.

        Never under var/, beside the database: a copy of var/ must not be a copy of the plaintext. One file per var
        directory (named by a hash of its resolved path), so that two checkouts do not share a key.
        """
        if self.secret_key_path:
            return Path(self.secret_key_path).expanduser()
        var_dir = str(Path(self.var_dir).expanduser().resolve())
        return _user_data_dir() / "erp-settings" / f"secret-keys-{hashlib.sha256(var_dir.encode()).hexdigest()[:16]}"

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url) and str(self.database_url).startswith(("postgres://", "postgresql://"))


def _user_data_dir() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share: where per-user application data lives."""
    configured = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec ignores a relative XDG_DATA_HOME.
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "share"


_ENV_NAMES = {
    "database_url": "DATABASE_URL",
    "var_dir": "VAR_DIR",
    "sqlite_path": "SQLITE_PATH",
    "sqlite_busy_timeout_seconds": "SQLITE_BUSY_TIMEOUT_SECONDS",
    "redis_url": "REDIS_URL",
    "amazon_mode": "AMAZON_MODE",
    "amazon_environment": "AMAZON_ENVIRONMENT",
    "amazon_sim_url": "AMAZON_SIM_URL",
    "amazon_timeout_seconds": "AMAZON_TIMEOUT_SECONDS",
    "amazon_retry_attempts": "AMAZON_RETRY_ATTEMPTS",
    "amazon_retry_base_seconds": "AMAZON_RETRY_BASE_SECONDS",
    "public_url": "PUBLIC_URL",
    "frontend_dist": "FRONTEND_DIST",
    "cors_origins": "CORS_ORIGINS",
    "trusted_proxies": "TRUSTED_PROXIES",
    "host": "HOST",
    "port": "PORT",
    "edit_idle_minutes": "EDIT_IDLE_MINUTES",
    "session_idle_minutes": "SESSION_IDLE_MINUTES",
    "session_absolute_hours": "SESSION_ABSOLUTE_HOURS",
    "secret_keys": "SECRET_KEYS",
    "secret_key_path": "SECRET_KEY_FILE",
    "password_hash_time_cost": "PASSWORD_HASH_TIME_COST",
    "password_hash_memory_kib": "PASSWORD_HASH_MEMORY_KIB",
    "clock_offset_seconds": "CLOCK_OFFSET_SECONDS",
    "token_lock_timeout_seconds": "TOKEN_LOCK_TIMEOUT_SECONDS",
    "smtp_host": "SMTP_HOST",
    "smtp_port": "SMTP_PORT",
    "mail_from": "MAIL_FROM",
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "metrics_token": "METRICS_TOKEN",
    "metrics_port": "METRICS_PORT",
    "metrics_host": "METRICS_HOST",
    "debug": "DEBUG",
}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from an environment mapping; a malformed value stops start-up with its variable's name."""
    env = dict(os.environ if environ is None else environ)
    raw: dict[str, object] = {field: env[name] for field, name in _ENV_NAMES.items() if env.get(name, "") != ""}
    if "amazon_mode" in raw:
        raw["amazon_mode_explicit"] = True
    else:
        raw["amazon_mode"] = "simulator" if is_loopback_host(str(raw.get("host", "127.0.0.1"))) else "production"
    try:
        return msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SystemExit(f"configuration error: {exc}") from None


def is_loopback_host(host: str | None) -> bool:
    """Whether a host name or address names this machine only (127.0.0.0/8, ::1, localhost)."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
