"""The request log and log lines: each request to the simulated Amazon, never with tokens, codes, secrets or states."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from litestar.enums import ScopeType
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from app.amazon_sim.catalog import LWA_HOST
from app.amazon_sim.records import RecordedRequest
from app.amazon_sim.state import SimulatorState

SECRET_PARAMETERS = frozenset(
    {"state", "amazon_state", "code", "spapi_oauth_code", "mws_auth_token", "client_secret", "refresh_token"}
)
REDACTED = "[redacted]"
logger = logging.getLogger("app.amazon_sim")


def request_recorder(sim: SimulatorState) -> BeforeMessageSendHookHandler:
    """A before_send hook that logs every answered request except the admin API's."""

    async def record(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
            return
        host, path = amazon_location(_relative_path(scope))
        if path.startswith("/_admin"):
            return
        headers = {name.lower(): value for name, value in scope["headers"]}
        user_agent = headers.get(b"user-agent")
        entry = RecordedRequest(
            at=sim.clock.now(),
            method=scope["method"],
            host=host,
            path=path,
            query=redacted_query(scope["query_string"].decode("latin-1")),
            user_agent=user_agent.decode("latin-1") if user_agent is not None else None,
            access_token_present=b"x-amz-access-token" in headers,
            status=message["status"],
        )
        sim.requests.append(entry)
        logger.info("%s %s%s -> %d", entry.method, entry.host, entry.path, entry.status)

    return record


def amazon_location(path: str) -> tuple[str, str]:
    """The real Amazon host a simulator path stands for, and the path on that host."""
    for prefix in ("/central/", "/sp/"):
        if path.startswith(prefix):
            host, _, rest = path.removeprefix(prefix).partition("/")
            return host, "/" + rest
    if path.startswith("/auth/o2/"):
        return LWA_HOST, path
    return "", path


def redacted_query(query_string: str) -> dict[str, list[str]]:
    """The query's parameters with the values of states, codes, tokens and secrets replaced."""
    query = parse_qs(query_string, keep_blank_values=True)
    return {name: [REDACTED] * len(values) if name in SECRET_PARAMETERS else values for name, values in query.items()}


def _relative_path(scope: Scope) -> str:
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
