"""erp-settings: the command line (serve, worker, migrate, check-config, seed-demo, create-user, rotate-keys, …)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from rich.progress import Progress

from app.accounts.schemas import Role
from app.accounts.tables import User
from app.audit.service import SYSTEM
from app.companies.schemas import CompanyCreate
from app.companies.tables import Company
from app.config import get_settings
from app.secrets import count_to_rotate, rotate_keys
from app.services import Services, running_services

if TYPE_CHECKING:
    from app.amazon.jobs import QueuedCheck

DEMO_TREE = (
    # code, name, parent code, unified
    ("US-01", "Acme US", None, False),
    ("CA-01", "Acme Canada", "US-01", True),
    ("MX-01", "Acme Mexico", "US-01", True),
    ("UK-01", "Acme UK", "US-01", False),
    ("DE-01", "Acme Germany", "UK-01", True),
    ("JP-01", "Sakura Trading Japan", None, False),
)
DEMO_USERS: tuple[tuple[str, Role, str], ...] = (
    ("admin", "admin", "Ada Admin"),
    ("support", "support", "Sam Support"),
    ("viewer", "viewer", "Vic Viewer"),
)


async def migrate() -> None:
    """Run every pending migration of every domain."""
    result = await run_forwards("all")
    if not result.success:
        raise SystemExit(f"migrations failed: {result.message}")


async def seed_demo() -> list[tuple[str, str, str]]:
    """Demo companies and one user per role; idempotent. Returns the logins (username, password, role)."""
    async with running_services(get_settings()) as services:
        await _seed_companies(services)
        if services.config.amazon_mode == "simulator":
            await _seed_simulated_app(services)
        return await _seed_users(services)


async def _seed_simulated_app(services: Services) -> None:
    """App credentials matching the simulator's default apps, so "Get Selling Partner API token" works at once."""
    from app.amazon_sim.seed import SELLER_APP, VENDOR_APP

    for account_type, app in (("seller", SELLER_APP), ("vendor", VENDOR_APP)):
        await services.app_credentials.install(
            account_type,
            services.config.amazon_environment,
            application_id=app.application_id,
            client_id=app.client_id,
            client_secret=app.client_secret,
            redirect_uri=f"{services.config.public_url.rstrip('/')}/oauth/amazon/callback",
        )


async def _seed_companies(services: Services) -> None:
    ids: dict[str, int] = {}
    for code, name, parent, unified in DEMO_TREE:
        existing = await Company.select(Company.id).where(Company.code == code)
        if existing:
            ids[code] = existing[0]["id"]
            continue
        created = await services.companies.create(
            CompanyCreate(code=code, name=name, parent_id=ids[parent] if parent else None, unified=unified), SYSTEM
        )
        ids[code] = created.id


async def _seed_users(services: Services) -> list[tuple[str, str, str]]:
    """Generated passwords, kept (mode 0600) in var/demo-logins.txt so every start can print them."""
    logins_file = Path(services.config.var_dir) / "demo-logins.txt"
    known = dict(line.split(" ", 1) for line in logins_file.read_text().splitlines()) if logins_file.exists() else {}
    logins: list[tuple[str, str, str]] = []
    for username, role, display_name in DEMO_USERS:
        if not await User.exists().where(User.username == username):
            password = secrets.token_urlsafe(9)
            await services.accounts.create_user(username, password, role, display_name)
            known[username] = password
        logins.append((username, known.get(username, "(set earlier; see create-user)"), role))
    logins_file.parent.mkdir(parents=True, exist_ok=True)
    logins_file.write_text("".join(f"{u} {p}\n" for u, p in known.items()))
    os.chmod(logins_file, 0o600)
    return logins


async def create_user(username: str, role: Role, password: str | None, companies: list[str]) -> None:
    if password is None:
        password = getpass.getpass(f"Password for {username}: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if len(password) < 8:
        raise SystemExit("the password needs at least 8 characters")
    async with running_services(get_settings()) as services:
        await services.accounts.create_user(username, password, role, company_codes=companies)
    scope = f", limited to {', '.join(companies)}" if companies else ""
    print(f"user {username} created with role {role}{scope}")


async def rotate() -> None:
    """Re-encrypt every stored secret under the first key of SECRET_KEYS, with a progress bar; resumable."""
    async with running_services(get_settings()) as services:
        keyring = services.keyring
        total = await count_to_rotate(keyring)
        with Progress() as progress:
            task = progress.add_task(f"re-encrypting under key {keyring.current_key_id}", total=total)
            done = await rotate_keys(keyring, lambda n: progress.advance(task, n))
    print(f"{done} secret(s) re-encrypted; every stored secret now uses key {keyring.current_key_id}")


CHECK_POLL_SECONDS = 0.5


async def check_connections(wait: bool, wait_seconds: float) -> int:
    """Ask for a check of every connected account owner and region, say what that did, and (with `wait`) follow
    the checks to their verdicts. Returns the exit status: 1 when a followed check failed or did not finish."""
    from app.amazon.jobs import outcome_counts, queue_connection_checks

    async with running_services(get_settings()) as services:
        checks = await queue_connection_checks(services)
        if not checks:
            print("no connection to check: no account owner has a Selling Partner API token")
            return 0
        counts = outcome_counts([check.outcome for check in checks])
        print(
            f"{len(checks)} connection check(s): {counts['queued']} queued, {counts['already_queued']} already "
            f"queued, {counts['already_running']} already running"
        )
        if not wait:
            return 0
        return await _follow_checks(services, checks, wait_seconds)


async def _follow_checks(services: Services, checks: list[QueuedCheck], wait_seconds: float) -> int:
    """A progress bar until every check has a verdict (printed as it comes) or `wait_seconds` have passed."""
    waiting = {check.job_id: check for check in checks}
    verdicts: dict[str, int] = {}
    failed = 0
    deadline = time.monotonic() + wait_seconds
    with Progress() as progress:
        bar = progress.add_task("checking connections", total=len(checks))
        while waiting and time.monotonic() < deadline:
            for job_id, result in (await services.queue.results(list(waiting))).items():
                check = waiting.pop(job_id)
                if result.success:
                    verdict = str(result.result)
                    verdicts[verdict] = verdicts.get(verdict, 0) + 1
                else:
                    verdict = "check failed: see the worker's log"  # the JSON result keeps no exception
                    failed += 1
                progress.console.print(f"{check.company_code:<16} {check.region}  {verdict}")
                progress.advance(bar)
            if waiting:
                await asyncio.sleep(CHECK_POLL_SECONDS)
    finished = len(checks) - len(waiting)
    summary = ", ".join(f"{n} {verdict}" for verdict, n in sorted(verdicts.items()))
    print(f"{finished} of {len(checks)} check(s) finished" + (f": {summary}" if summary else ""))
    if failed:
        print(f"{failed} check(s) failed")
    if waiting:
        unfinished = ", ".join(f"{c.company_code} {c.region}" for c in waiting.values())
        print(f"not finished after {wait_seconds:g} s (is a worker running?): {unfinished}")
    return 1 if failed or waiting else 0


def worker() -> None:
    """An arq worker (with the crons) on REDIS_URL or the embedded Redis under var/; it outlives Redis outages."""
    from app.worker import run

    run()


def serve() -> None:
    """The web server; X-Forwarded-For and X-Forwarded-Proto are believed only from TRUSTED_PROXIES (none by default).

    uvicorn's own default trusts them from 127.0.0.1, which would let any local client choose the address that the
    audit and the per-address sign-in limits record.
    """
    import ipaddress

    import uvicorn

    settings = get_settings()
    proxies: list[str] = []
    for entry in settings.trusted_proxy_list:
        try:
            # Checked here: uvicorn would take a malformed entry for a host name that never matches, without a word.
            proxy = ipaddress.ip_network(entry, strict=False) if "/" in entry else ipaddress.ip_address(entry)
            proxies.append(str(proxy))
        except ValueError:
            raise SystemExit(
                f"configuration error: TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network (CIDR)"
            ) from None
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        # uvicorn's lines go through the process's own logging (one format, request IDs, redaction): no config
        # of its own. Its level follows LOG_LEVEL.
        log_config=None,
        log_level=settings.log_level.lower(),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
    )


def openapi_document() -> str:
    """The HTTP API's OpenAPI document, as the frontend's client generator reads it."""
    import msgspec

    from app.main import create_app

    schema = msgspec.to_builtins(create_app().openapi_schema.to_schema())
    return msgspec.json.format(msgspec.json.encode(schema), indent=2).decode() + "\n"


ENVIRONMENT = """configuration comes from environment variables (README, "Configuration"): DATABASE_URL (else
SQLite under VAR_DIR), REDIS_URL (else an embedded Redis), AMAZON_MODE, SECRET_KEYS, PUBLIC_URL, HOST, PORT, …;
`erp-settings check-config` shows what they add up to."""


def _command(commands: Any, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}. {description}",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The command line: every subcommand and option with its help."""
    parser = argparse.ArgumentParser(
        prog="erp-settings",
        description="The Amazon settings module of a multi-company ERP: its web server, workers and maintenance.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _command(
        commands,
        "serve",
        "run the web server",
        "The API, the OAuth pages and the built page (FRONTEND_DIST) on HOST:PORT; with AMAZON_MODE=simulator the "
        "Amazon simulator too. Starts the embedded Redis when REDIS_URL is not set.",
    )
    _command(
        commands,
        "worker",
        "run a background worker (jobs and crons)",
        "Connection checks, bulk tests, order imports, reminders and idle drafts; stays up through Redis outages. "
        "Run as many as you need beside the web servers, on the same DATABASE_URL and REDIS_URL.",
    )
    _command(
        commands,
        "migrate",
        "apply pending database migrations",
        "Every domain's Piccolo migrations, in order; safe to run again. Run it before starting a new version.",
    )
    _command(
        commands,
        "check-config",
        "say what this environment would use, and whether it answers",
        "The database, Redis, the Amazon mode, the keys, mail and the URLs, each asked (3 s at most) without "
        "printing a secret. Exits 1 when something needed does not answer.",
    )
    _command(
        commands,
        "seed-demo",
        "create the demo companies and users, and print the logins",
        "US-01 with unified CA-01 and MX-01, UK-01 with DE-01, JP-01; users admin, support and viewer with generated "
        "passwords kept in VAR_DIR/demo-logins.txt. Idempotent.",
    )
    checks = _command(
        commands,
        "check-connections",
        "ask for a connection check of every connection",
        "Queues one check_connection job per connected owner and region and says what really happened (queued, "
        "already queued, already running).",
    )
    checks.add_argument("--wait", action="store_true", help="follow the checks and print each verdict")
    checks.add_argument(
        "--wait-seconds",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="with --wait: give up after this long and exit 1 (default 600)",
    )
    _command(
        commands,
        "rotate-keys",
        "re-encrypt every stored secret under the first key of SECRET_KEYS",
        "Put the new key first in SECRET_KEYS (keep the old ones after it), run this, then drop the old keys. "
        "Resumable: stop it and run it again.",
    )
    _command(
        commands,
        "create-user",
        "create a user",
        "A user who signs in to the page, with a role and optionally limited to some companies and their descendants.",
    )
    user = commands.choices["create-user"]
    user.add_argument("username", help="the name to sign in with")
    user.add_argument(
        "--role",
        choices=["admin", "support", "viewer"],
        required=True,
        help="admin: everything; support: view, connection tests, audit; viewer: view",
    )
    user.add_argument(
        "--companies",
        default="",
        metavar="CODES",
        help="comma-separated company codes the user is limited to (with their descendants); all when left out",
    )
    user.add_argument("--password", help="read from the terminal (or stdin) when left out")
    _command(
        commands,
        "stop-redis",
        "stop the embedded Redis under VAR_DIR",
        "make run does this on exit; nothing to do with REDIS_URL.",
    )
    _command(
        commands,
        "openapi",
        "print the HTTP API's OpenAPI document",
        "The frontend's client is generated from it (make api-client).",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "openapi":  # its output is the document alone
        from app.lib.logs import configure_logging

        settings = get_settings()
        configure_logging(settings.log_level, settings.log_format)

    if args.command == "serve":
        serve()
    elif args.command == "migrate":
        asyncio.run(migrate())
    elif args.command == "seed-demo":
        logins = asyncio.run(seed_demo())
        settings = get_settings()
        print(f"\nDemo logins for http://{settings.host}:{settings.port}/")
        for username, password, role in logins:
            print(f"  {role:8} {username} / {password}")
    elif args.command == "worker":
        worker()
    elif args.command == "stop-redis":
        from app.lib.redis import stop_embedded_server

        stop_embedded_server(get_settings().var_dir)
    elif args.command == "check-connections":
        status = asyncio.run(check_connections(args.wait, args.wait_seconds))
        if status:
            raise SystemExit(status)
    elif args.command == "check-config":
        from app.check_config import check, render

        lines = asyncio.run(check(get_settings()))
        sys.stdout.write(render(lines))
        if any(line.answers is False for line in lines):
            raise SystemExit(1)
    elif args.command == "rotate-keys":
        asyncio.run(rotate())
    elif args.command == "openapi":
        sys.stdout.write(openapi_document())
    elif args.command == "create-user":
        codes = [c.strip() for c in args.companies.split(",") if c.strip()]
        asyncio.run(create_user(args.username, args.role, args.password, codes))


if __name__ == "__main__":
    main()
