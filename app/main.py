"""create_app(): the Litestar application with its plugins, routes and lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

from app.accounts.auth import SessionAuthMiddleware
from app.accounts.controller import AuthController
from app.amazon.controller import AmazonSettingsController
from app.audit.controller import AuditController
from app.companies.controller import CompanyController
from app.config import Settings, get_settings
from app.editing.controller import EditController
from app.lib.clock import Clock
from app.lib.database import is_sqlite
from app.lib.deps import provide_services
from app.lib.http import EXCEPTION_HANDLERS
from app.lib.wire import Struct
from app.secrets import verify_stored_keys
from app.services import build_services


class Health(Struct):
    status: str


@get("/health", operation_id="health", exclude_from_auth=True, tags=["health"])
async def health() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@get("/ready", operation_id="ready", exclude_from_auth=True, tags=["health"])
async def ready() -> Health:
    """Readiness: the database answers."""
    engine = engine_finder()
    assert engine is not None
    await engine.run_querystring(QueryString("SELECT 1"))
    return Health(status="ok")


def create_app(config: Settings | None = None, clock: Clock | None = None) -> Litestar:
    config = config or get_settings()
    services = build_services(config, clock)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine: Any = engine_finder()
        pooled = not is_sqlite(engine)
        if pooled:
            await engine.start_connection_pool(min_size=1, max_size=10)
        try:
            # Refuse to serve when a stored secret names a key we do not have: better than failing per request.
            await verify_stored_keys(services.keyring)
            yield
        finally:
            if pooled:
                await engine.close_connection_pool()

    logging.basicConfig(level=config.log_level)
    return Litestar(
        route_handlers=[
            health,
            ready,
            AuthController,
            CompanyController,
            AmazonSettingsController,
            EditController,
            AuditController,
        ],
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[DefineMiddleware(SessionAuthMiddleware, exclude=[r"^/schema"])],
        lifespan=[lifespan],
        state=State({"services": services}),
        openapi_config=OpenAPIConfig(
            title="ERP settings: Amazon Selling Partner API",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        debug=config.debug,
    )
