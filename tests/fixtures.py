"""Shared fixtures: the migrated database, the app on a movable clock, signed-in browsers, query counting."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from litestar import Litestar
from piccolo.engine import engine_finder

from app.cli import migrate
from app.companies.tables import Company
from app.config import get_settings
from app.lib.clock import MovableClock
from app.lib.database import is_sqlite
from app.main import create_app
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator, install_app_credentials

TABLES = (
    "bulk_test_item",
    "bulk_test",
    "save_follow_up",
    "notification_read",
    "notification",
    "outbox_message",
    "order_sync",
    "consent_link",
    "oauth_flow",
    "credentials_edit",
    "integration_credentials",
    "pending_grant",
    "edit_session",
    "audit_event",
    "amazon_connection",
    "amazon_settings",
    "user_session",
    "company",
    "app_user",
)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
async def database() -> Any:
    settings = get_settings()
    engine = engine_finder()
    if settings.uses_postgres:
        name = urlparse(settings.database_url).path.lstrip("/")
        assert "test" in name or "bench" in name, f"refusing to wipe database {name!r}: its name must contain 'test'"
        await Company.raw("DROP SCHEMA public CASCADE")
        await Company.raw("CREATE SCHEMA public")
    await migrate()
    return engine


async def wipe(engine: Any) -> None:
    if is_sqlite(engine):
        await Company.raw("UPDATE company SET parent = NULL")
        for table in TABLES:
            await Company.raw(f"DELETE FROM {table}")  # noqa: S608 (constant table names)
    else:
        await Company.raw(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="session")
async def app(database: Any, clock: MovableClock) -> AsyncIterator[Litestar]:
    application = create_app(get_settings(), clock)
    # The lifespan runs in the tests' loop (so the connection pool lives there), entered and left by one task.
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold_lifespan())
    # A start-up that fails ends the task before `started` is set: its error fails the test instead of a wait forever.
    ready = asyncio.create_task(started.wait())
    await asyncio.wait((task, ready), return_when=asyncio.FIRST_COMPLETED)
    if not started.is_set():
        ready.cancel()
        task.result()  # the start-up's own error
        raise RuntimeError("the app's lifespan ended before the app had started")
    yield application
    stop.set()
    await task


@pytest.fixture(autouse=True)
async def clean(request: pytest.FixtureRequest, clock: MovableClock) -> None:
    """Each test starts from nothing: an empty database and Redis, no cached owner or token, the clock at now."""
    if "database" in request.fixturenames or "app" in request.fixturenames:
        engine = request.getfixturevalue("database")
        await wipe(engine)
    if "app" in request.fixturenames:
        services: Services = request.getfixturevalue("app").state.services
        await services.redis.client.flushdb()
        # The app lives for the whole session and its token provider caches owners and tokens by company ID, which
        # start again at 1 after the wipe: an earlier test's would otherwise answer for this test's companies.
        services.tokens.forget()
    clock.offset = timedelta(0)


@pytest.fixture
async def amazon(services: Services) -> AsyncIterator[AmazonSimulator]:
    """The running Amazon simulator, reset, with the ERP's app credentials for its default apps."""
    simulator = AmazonSimulator(services.config.simulator_url)
    await simulator.reset()
    await install_app_credentials(services, services.config.public_url)
    yield simulator
    await simulator.close()


@pytest.fixture
def services(app: Litestar) -> Services:
    result: Services = app.state.services
    return result


Browser = httpx.AsyncClient
BrowserFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def browser_factory(app: Litestar, services: Services) -> AsyncIterator[BrowserFactory]:
    """Makes signed-in browsers (each with its own cookie jar); `role=None` gives an anonymous one, `codes` a user
    limited to those companies and their descendants."""
    opened: list[httpx.AsyncClient] = []

    async def make(
        role: str | None = "admin", username: str | None = None, name: str | None = None, codes: list[str] | None = None
    ) -> Browser:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")
        opened.append(client)
        if role is not None:
            username = username or f"{role}-{len(opened)}"
            await services.accounts.create_user(
                username,
                PASSWORD,
                role,  # type: ignore[arg-type]
                name or username.title(),
                company_codes=codes,
            )
            response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrfToken"]
        return client

    yield make
    for client in opened:
        await client.aclose()


@pytest.fixture
async def admin(browser_factory: BrowserFactory) -> Browser:
    return await browser_factory("admin", "ada", "Ada Admin")


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Records every SQL statement Piccolo sends for the block's work (its task and any task started meanwhile).

    Loops that were running before the block (the app's poll for Save follow-ups, every 2 s) are left out: whether
    one of their statements falls inside the block depends on the moment, not on what the block does.
    """
    engine_class: Any = type(engine_finder())
    seen: list[str] = []
    original = engine_class.run_querystring
    running_before = asyncio.all_tasks() - {asyncio.current_task()}

    async def counting(self: Any, querystring: Any, in_pool: bool = True) -> Any:
        if asyncio.current_task() not in running_before:
            seen.append(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    engine_class.run_querystring = counting  # engines use __slots__: patch the class for the block's duration
    try:
        yield seen
    finally:
        engine_class.run_querystring = original
