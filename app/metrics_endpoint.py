"""GET /metrics of a web process: Litestar's Prometheus controller behind the METRICS_TOKEN bearer token."""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController

from app.amazon.regions import REGIONS
from app.config import Settings
from app.lib.errors import NotAuthenticated
from app.lib.http import outage_of
from app.lib.metrics import CONNECTIONS, CONNECTIONS_READ_OK

log = logging.getLogger(__name__)

MIN_TOKEN_LENGTH = 16
# Scrapes from several Prometheus servers (or a fast interval) read the database at most this often.
CONNECTIONS_MAX_AGE_SECONDS = 15.0
METRICS_PATH = "/metrics"


def metrics_routes(config: Settings) -> list[Any]:
    """The metrics controller when METRICS_TOKEN is set (none otherwise: /metrics is then a 404 like any path)."""
    if not config.metrics_token:
        return []
    if len(config.metrics_token) < MIN_TOKEN_LENGTH:
        raise SystemExit(f"configuration error: METRICS_TOKEN must be at least {MIN_TOKEN_LENGTH} characters long")
    expected = f"Bearer {config.metrics_token}".encode()

    def bearer_token(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        given = connection.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise NotAuthenticated("The metrics need the bearer token METRICS_TOKEN.", code="metrics_token_required")

    class MetricsController(PrometheusController):
        path = METRICS_PATH
        include_in_schema = False
        guards = [bearer_token]
        opt = {"exclude_from_auth": True}
        before_request = staticmethod(read_connection_figures)

    return [MetricsController]


async def read_connection_figures(request: Request[Any, Any, Any]) -> None:
    """Set the connections gauge from the database, unless it was read a moment ago; an outage keeps the last."""
    state = request.app.state
    if time.monotonic() - state.get("connections_read_at", -CONNECTIONS_MAX_AGE_SECONDS) < CONNECTIONS_MAX_AGE_SECONDS:
        return
    connections = request.app.state.services.connections
    try:
        figures = {region: await connections.status_counts(None, region) for region in REGIONS}
    except Exception as error:
        if outage_of(error) is None:
            raise
        log.warning("connection figures not read: %s does not answer", outage_of(error))
        CONNECTIONS_READ_OK.set(0)
        return
    for region, counts in figures.items():
        for status, count in counts.items():
            if status != "needs_action":
                CONNECTIONS.labels(status=status, region=region.value).set(count)
    CONNECTIONS_READ_OK.set(1)
    state["connections_read_at"] = time.monotonic()
