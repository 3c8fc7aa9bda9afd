"""create_simulator_app(): the Amazon simulator as a Litestar app, standalone or mounted under a path of the ERP."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Response, asgi
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send

from app.amazon_sim.admin import AdminController
from app.amazon_sim.consent import ConsentController
from app.amazon_sim.login_behaviour import LoginBehaviourController
from app.amazon_sim.lwa import token
from app.amazon_sim.recording import logger, request_recorder
from app.amazon_sim.responses import SpApiError, SpApiErrors
from app.amazon_sim.spapi import SpApiController
from app.amazon_sim.state import SimulatorState
from app.lib.errors import DomainError
from app.lib.http import domain_error_handler
from app.lib.safety import RequestSafetyMiddleware

MOUNT_PATH = "/_sim/amazon"
ADMIN_PATH = "/_admin/"


def create_simulator_app(public_url: str) -> Litestar:
    """A fresh simulator, seeded with the default apps (whose URIs point at `public_url`) and accounts.

    Its state is `app.state.simulator`. Links it generates are relative to `scope["root_path"]`.
    """
    sim = SimulatorState(public_url)

    def provide_simulator() -> SimulatorState:
        return sim

    return Litestar(
        route_handlers=[ConsentController, token, SpApiController, AdminController, LoginBehaviourController],
        dependencies={"sim": Provide(provide_simulator, sync_to_thread=False)},
        before_send=[request_recorder(sim)],
        # The admin API changes what every client of the simulator sees: like the ERP's API, it takes no cross-site
        # request and JSON only, so no page elsewhere can post a form (or a text/plain fetch) to it.
        middleware=[RequestSafetyMiddleware(path_prefixes=(ADMIN_PATH,))],
        exception_handlers={DomainError: domain_error_handler, 500: _internal_error},
        state=State({"simulator": sim}),
        openapi_config=None,
        logging_config=None,  # the host application owns logging configuration
    )


def mount_simulator(public_url: str, path: str = MOUNT_PATH) -> ASGIRouteHandler:
    """A route handler that serves a new simulator under `path` of another Litestar app.

    Litestar hands a mounted app the remaining path without a root_path; this handler sets `root_path` so that the
    simulator's forms, redirects and amazon_callback_uri include `path`. It is excluded from the host's auth.
    """
    simulator = create_simulator_app(public_url)

    @asgi(path, is_mount=True, copy_scope=False, exclude_from_auth=True)
    async def amazon_simulator(scope: Scope, receive: Receive, send: Send) -> None:
        # The host's router cut the mount path off the server's own scope, so its access log would print
        # "/_admin/reset/" for "/_sim/amazon/_admin/reset": put the full path back there, and give the simulator a
        # copy (its router strips root_path again).
        root_path = scope.get("root_path", "") + path
        scope["path"] = root_path + scope["path"].rstrip("/")
        inner = scope.copy()
        inner["root_path"] = root_path
        await simulator(inner, receive, send)

    return amazon_simulator


def warn_if_reachable_from_other_machines(where: str, remedy: str, *, reachable: bool) -> None:
    """A loud warning when the simulator, a test double that hands out tokens to anyone, may be reached from afar."""
    if not reachable:
        return
    logger.warning(
        "\n%s\nTHE AMAZON SIMULATOR IS RUNNING %s.\nIt is a test double that hands out tokens to anyone: no place "
        "for real sellers. Its admin API answers clients on this machine only. Unless this is what you want, %s.\n%s",
        "!" * 80,
        where,
        remedy,
        "!" * 80,
    )


def _internal_error(request: Request[Any, Any, Any], error: Exception) -> Response[SpApiErrors]:
    logger.error("The simulator failed on %s %s", request.method, request.url.path, exc_info=error)
    return Response(SpApiErrors([SpApiError("InternalFailure", "The simulator failed; see its log.")]), status_code=500)
