"""create_app(): the Litestar application with its plugins, routes and lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from litestar import Litestar, Response, get
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

from app.accounts.auth import SESSION_COOKIE, SessionAuthMiddleware
from app.accounts.controller import AuthController
from app.accounts.users_controller import UserController
from app.amazon.bulk_controller import BulkTestController
from app.amazon.consent_link_pages import ConsentLinkPagesController
from app.amazon.consent_links_controller import ConsentLinkController
from app.amazon.controller import AmazonSettingsController
from app.amazon.credentials_controller import AppCredentialsController
from app.amazon.oauth_pages import OAuthPagesController
from app.audit.controller import AuditController
from app.audit.controller_notifications import NotificationController
from app.audit.controller_outbox import OutboxController
from app.companies.controller import CompanyController
from app.config import Settings, get_settings, is_loopback_host
from app.editing.controller import EditController
from app.frontend import frontend_routes
from app.lib.api_docs import BuiltSwaggerUI
from app.lib.clock import Clock
from app.lib.deps import provide_services
from app.lib.http import EXCEPTION_HANDLERS, RETRY_AFTER_OUTAGE_SECONDS, AppRequest
from app.lib.logs import RequestIds, logging_config, redact_request_lines
from app.lib.metrics import RequestMetrics
from app.lib.safety import RequestSafetyMiddleware, origin_of, security_headers
from app.lib.wire import ErrorBody, Struct
from app.metrics_endpoint import METRICS_PATH, metrics_routes
from app.services import Services, running_services

READY_TIMEOUT_SECONDS = 2.0


class Health(Struct):
    status: str


@get("/health", operation_id="health", exclude_from_auth=True, tags=["health"])
async def health() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@get(
    "/ready",
    operation_id="ready",
    exclude_from_auth=True,
    tags=["health"],
    responses={503: ResponseSpec(data_container=ErrorBody, description="The database or Redis does not answer")},
)
async def ready(services: NamedDependency[Services]) -> Response[Health | ErrorBody]:
    """Readiness: the database and Redis answer; a 503 names each that does not."""
    engine: Any = engine_finder()
    checks = {
        "the database": engine.run_querystring(QueryString("SELECT 1")),
        "Redis": services.redis.client.ping(),
    }
    answers = await asyncio.gather(
        *(asyncio.wait_for(check, READY_TIMEOUT_SECONDS) for check in checks.values()), return_exceptions=True
    )
    down = [name for name, answer in zip(checks, answers, strict=True) if isinstance(answer, BaseException)]
    if not down:
        return Response(Health(status="ok"))
    return Response(
        ErrorBody(
            error="not_ready",
            message=f"Not ready: {' and '.join(down)} {'does' if len(down) == 1 else 'do'} not answer.",
            fields={name: "does not answer" for name in down},
        ),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_OUTAGE_SECONDS)},
    )


def simulator_mount(config: Settings) -> list[Any]:
    """The Amazon simulator at /_sim/amazon, in simulator mode only (never in production).

    Mounted when the server listens on loopback (make run) or when AMAZON_MODE=simulator asks for it; a server
    reachable from other machines with the simulator gets a loud warning in its log.
    """
    if config.amazon_mode != "simulator" or not (config.amazon_mode_explicit or is_loopback_host(config.host)):
        return []
    from app.amazon_sim import MOUNT_PATH, mount_simulator
    from app.amazon_sim.app import warn_if_reachable_from_other_machines

    public_host = urlsplit(config.public_url).hostname
    warn_if_reachable_from_other_machines(
        f"AT {config.public_url.rstrip('/')}{MOUNT_PATH} (THIS SERVER LISTENS ON {config.host})",
        "set AMAZON_MODE=production to work with Amazon itself",
        reachable=not (is_loopback_host(config.host) and is_loopback_host(public_host)),
    )
    return [mount_simulator(config.public_url)]


def create_app(config: Settings | None = None, clock: Clock | None = None) -> Litestar:
    config = config or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with running_services(config, clock) as services:
            app.state.services = services
            yield

    app = Litestar(
        route_handlers=[
            health,
            ready,
            AuthController,
            CompanyController,
            AmazonSettingsController,
            BulkTestController,
            EditController,
            ConsentLinkController,
            AuditController,
            AppCredentialsController,
            NotificationController,
            OutboxController,
            UserController,
            OAuthPagesController,
            ConsentLinkPagesController,
            *simulator_mount(config),
            *metrics_routes(config),
            *frontend_routes(Path(config.frontend_dist)),
        ],
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=AppRequest,
        middleware=[
            RequestSafetyMiddleware(),
            DefineMiddleware(SessionAuthMiddleware, exclude=[r"^/schema"], exclude_http_methods=[]),
        ],
        before_send=[security_headers(config.secure_cookies)],
        # The page's script is ~400 kB (~130 kB gzipped); JSON lists shrink as much. Level 6: most of the gain for
        # a fraction of level 9's CPU.
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6, minimum_size=1024),
        cors_config=CORSConfig(
            allow_origins=config.cors_origin_list,
            allow_credentials=True,
            allow_headers=["Content-Type", "X-CSRF-Token", "If-Match"],
            expose_headers=["ETag", "Retry-After"],
        )
        if config.cors_origin_list
        else None,
        state=State({"allowed_origins": frozenset({origin_of(config.public_url), *config.cors_origin_list})}),
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="ERP settings: Amazon Selling Partner API",
            version="0.1.0",
            components=Components(
                security_schemes={
                    "session": SecurityScheme(
                        type="apiKey",
                        name=SESSION_COOKIE,
                        security_scheme_in="cookie",
                        description="The session cookie set by POST /api/auth/login",
                    ),
                    "csrf": SecurityScheme(
                        type="apiKey",
                        name="X-CSRF-Token",
                        security_scheme_in="header",
                        description="The session's CSRF token; required on unsafe methods",
                    ),
                }
            ),
            path="/schema",
            render_plugins=[BuiltSwaggerUI(Path(config.frontend_dist))],
        ),
        logging_config=logging_config(config.log_level, config.log_format),
        debug=config.debug,
    )
    redact_request_lines()
    # Outermost: every answer (a route's, a 404, an error's) carries its request ID, and so does every log line.
    app.asgi_handler = RequestIds(RequestMetrics(app.asgi_handler, skip_paths=frozenset({METRICS_PATH})))
    return app
