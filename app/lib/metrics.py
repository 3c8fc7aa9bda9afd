"""Prometheus metrics of each process (prometheus-client): what Amazon answered, the throttle, the jobs, the requests.

Every process keeps its own figures and is scraped on its own: a web server at GET /metrics with the bearer
token METRICS_TOKEN (app.lib.metrics_routes), a worker on its own port, METRICS_PORT.
"""

from __future__ import annotations

import logging
import threading
import time
from wsgiref.simple_server import WSGIServer

import prometheus_client
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Gauge, Histogram

log = logging.getLogger(__name__)

PREFIX = "erp"

LWA_REQUESTS = Counter(
    f"{PREFIX}_lwa_requests",
    "Requests to Login with Amazon's token endpoint, by grant (refresh_token: a token refresh; code: a consent's "
    "code exchanged) and outcome (ok, an LWA error code such as invalid_grant, unavailable, malformed)",
    ["grant", "outcome"],
)
SPAPI_CALLS = Counter(
    f"{PREFIX}_spapi_calls",
    "Calls to the Selling Partner API by operation and HTTP status (429: throttled by Amazon; timeout and "
    "unreachable when no answer came)",
    ["operation", "status"],
)
THROTTLE_WAIT = Histogram(
    f"{PREFIX}_spapi_throttle_wait_seconds",
    "How long a call waited for a slot of Amazon's quota (the shared throttle) before it was sent",
    ["operation"],
    buckets=(0.0, 0.05, 0.25, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
THROTTLE_GAVE_UP = Counter(
    f"{PREFIX}_spapi_throttle_gave_up",
    "Calls not sent because the next slot of the quota was further away than the caller would wait",
    ["operation"],
)
JOBS = Counter(
    f"{PREFIX}_jobs",
    "Tries of background jobs by function and outcome (succeeded; retry: handed back to be tried again; overran: "
    "stopped at its timeout, tried again; redis_away; failed)",
    ["function", "outcome"],
)
JOB_DURATION = Histogram(
    f"{PREFIX}_job_duration_seconds",
    "How long a try of a background job took, by function",
    ["function"],
    buckets=(0.05, 0.25, 1.0, 5.0, 15.0, 30.0, 60.0, 90.0, 180.0),
)
CONNECTIONS = Gauge(
    f"{PREFIX}_connections",
    "Selling Partner API connections of account owners by status and region, in the whole database (read when "
    "scraped, at most every CONNECTIONS_MAX_AGE_SECONDS; the same figure from every web process)",
    ["status", "region"],
)
CONNECTIONS_READ_OK = Gauge(
    f"{PREFIX}_connections_read_ok",
    "1 when the last read of the connection figures succeeded, 0 when the database did not answer (the figures "
    "are then those of the last good read)",
)


HTTP_REQUEST_DURATION = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to answer an HTTP request, until its body was sent, by method, route (its template: /api/companies/"
    "{company_id}/amazon, never one company's path; unmatched for a path no route serves) and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
HTTP_REQUESTS_IN_PROGRESS = Gauge(
    f"{PREFIX}_http_requests_in_progress", "HTTP requests being answered now", multiprocess_mode="livesum"
)


class RequestMetrics:
    """ASGI wrapper timing every request by its route template and the status it was really answered with.

    It wraps the whole Litestar app (not a Litestar middleware): answers made from exceptions raised by middleware
    (a 401 of the session check, a 415 of the request safety check) are sent past every middleware, and Litestar's
    Prometheus middleware would count them as 200s. The route is known once Litestar has routed the request.
    """

    def __init__(self, app: ASGIApp, skip_paths: frozenset[str]) -> None:
        self.app = app
        self.skip_paths = skip_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"] in self.skip_paths:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees when the app fails before it answers

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        HTTP_REQUESTS_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            HTTP_REQUESTS_IN_PROGRESS.dec()
            route = scope.get("path_template") or "unmatched"
            HTTP_REQUEST_DURATION.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)


def serve_on_own_port(port: int, host: str) -> tuple[WSGIServer, threading.Thread]:
    """prometheus-client's own HTTP server for this process's metrics (a worker's: it has no web server)."""
    try:
        server, thread = prometheus_client.start_http_server(port, addr=host)
    except OSError as error:
        raise SystemExit(f"configuration error: METRICS_PORT={port} on {host}: {error.strerror or error}") from None
    log.info("metrics at http://%s:%d/metrics", host, port)
    return server, thread
