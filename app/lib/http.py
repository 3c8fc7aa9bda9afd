"""Maps every exception to HTTP once, with one error body shape."""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

import msgspec
from asyncpg import exceptions as asyncpg_errors
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from redis import exceptions as redis_errors

from app.lib import errors
from app.lib.i18n import Translator, reader_language
from app.lib.wire import ErrorBody

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.BadInput: 400,
    errors.NotAuthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.UnsupportedMediaType: 415,
    errors.RuleViolation: 422,
    errors.PreconditionRequired: 428,
    errors.TooManyRequests: 429,
    errors.AmazonRefused: 502,
    errors.SpApiDenied: 502,
    errors.AmazonTimeout: 504,
    errors.AmazonUnavailable: 503,
}

_HTTP_CODES = {
    400: "bad_input",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
_MSGSPEC_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_UNKNOWN_FIELD = re.compile(r"unknown field `([^`]+)`")
_SNAKE = re.compile(r"_([a-z0-9])")


def _wire_name(key: str) -> str:
    """Litestar names query parameters by their Python name; the wire speaks camelCase."""
    if key in ("data", ""):
        return "body"
    return _SNAKE.sub(lambda m: m.group(1).upper(), key)


class AppRequest(Request[Any, Any, Any]):
    """Litestar's Request, with a JSON body nested too deeply answered as bad input instead of a crash.

    msgspec decodes a body into plain values first (Litestar converts them to the handler's type afterwards) and
    stops with a RecursionError at about a thousand levels: the client sent that, so it is a 400, not a 500.
    """

    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            raise errors.BadInput("The JSON body is nested too deeply.", fields={"body": "nested too deeply"}) from None


def status_of(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def _respond(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> Response[ErrorBody]:
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: errors.DomainError) -> Response[ErrorBody]:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, errors.TooManyRequests) else None
    message = exc.message
    if exc.phrase is not None:
        # The signed-in user's language (the session check put them in the scope), else the browser's.
        chosen = getattr(request.scope.get("user"), "language", None)
        language = reader_language(chosen if isinstance(chosen, str) else None, request.headers.get("accept-language"))
        message = Translator(language).text([exc.phrase])
    return _respond(status_of(exc), ErrorBody(error=exc.code, message=message, fields=exc.fields), headers)


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    fields: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        key = _wire_name(str(item.get("key") or ""))
        named = _UNKNOWN_FIELD.search(message) or _MISSING_FIELD.search(message)
        if named:
            key = named.group(1) if key == "body" else f"{key}.{named.group(1)}"
        fields[key] = message
    summary = "; ".join(f"{key}: {msg}" for key, msg in fields.items()) or str(exc.detail)
    return _respond(400, ErrorBody(error="bad_input", message=f"Invalid request: {summary}", fields=fields))


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    status = exc.status_code
    message = str(exc.detail)
    fields: dict[str, str] = {}
    if status == 400 and isinstance(exc.__cause__, SerializationException | msgspec.DecodeError):
        fields["body"] = message
    match = _MSGSPEC_PATH.search(message)
    if match:
        fields[match.group("path").lstrip(".") or "body"] = message
    code = _HTTP_CODES.get(status, "error")
    return _respond(status, ErrorBody(error=code, message=message, fields=fields), dict(exc.headers or {}))


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    # Log type and route only: an exception's text may quote secrets from a query or a payload.
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=False)
    return _respond(
        HTTP_500_INTERNAL_SERVER_ERROR,
        ErrorBody(error="internal_error", message="Something went wrong on our side. The error was logged."),
    )


# A dependency that does not answer (stopped, restarting, unreachable): the request may succeed in a moment.
RETRY_AFTER_OUTAGE_SECONDS = 5
_OUTAGES: dict[type[Exception], str] = {
    redis_errors.ConnectionError: "Redis",
    redis_errors.TimeoutError: "Redis",
    asyncpg_errors.PostgresConnectionError: "the database",
    asyncpg_errors.OperatorInterventionError: "the database",  # shutting down, starting up, cannot connect now
    asyncpg_errors.TooManyConnectionsError: "the database",
    # asyncpg's own state machine losing its connection mid-operation (seen while PostgreSQL restarts): a pooled
    # connection closed under a query, or one left mid-operation by the cut. Logged with asyncpg's message.
    asyncpg_errors.InternalClientError: "the database",
    asyncpg_errors.InterfaceError: "the database",
    ConnectionError: "the database",  # refused or reset while connecting (asyncpg raises the builtin ones)
}


# SQLite's ways of saying "not now": another process holds the write lock past the busy timeout, the file cannot
# be opened. Every other OperationalError is a bug (a query that cannot run) and stays a 500.
_SQLITE_OUTAGES = ("database is locked", "unable to open database file", "disk i/o error")


def outage_of(exc: BaseException) -> str | None:
    """Which dependency `exc` says is away (None: not an outage)."""
    if isinstance(exc, sqlite3.OperationalError):
        return "the database" if str(exc).lower().startswith(_SQLITE_OUTAGES) else None
    for cls in type(exc).__mro__:
        if cls in _OUTAGES:
            return _OUTAGES[cls]
    return None


def outage_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    """503 with Retry-After and the usual body: nothing is wrong with the request, a dependency is away."""
    dependency = outage_of(exc)
    if dependency is None:
        return internal_error_handler(request, exc)
    # asyncpg's and redis' messages name states ("connection is closed"), never a query's values or a secret.
    reason = f"{type(exc).__name__}: {str(exc)[:200]}" if type(exc).__module__.startswith(("asyncpg", "redis")) else ""
    log.warning(
        "%s unavailable on %s %s (%s)", dependency, request.method, request.url.path, reason or type(exc).__name__
    )
    return _respond(
        503,
        ErrorBody(
            error="service_unavailable",
            message=f"{dependency[0].upper()}{dependency[1:]} does not answer right now; try again in a few seconds.",
        ),
        {"Retry-After": str(RETRY_AFTER_OUTAGE_SECONDS)},
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    **dict.fromkeys([*_OUTAGES, sqlite3.OperationalError], outage_handler),
    errors.DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}


_DESCRIPTIONS = {
    400: "Malformed input; `fields` names each bad field",
    401: "Not signed in, or the session expired",
    403: "The role may not do this, or the CSRF/same-origin check failed",
    404: "No such thing, or outside the user's companies",
    409: "Conflicts with the current state (a stale version, a taken code, a unified member)",
    410: "The draft is no longer open",
    415: "The body is not JSON",
    422: "Breaks a domain rule; `fields` names the field",
    428: "If-Match is required",
    429: "Too many attempts; see Retry-After",
    502: "Amazon refused the request; `error` is Amazon's code",
    503: "Amazon, the database or Redis is unavailable; try again after Retry-After",
    504: "Amazon did not answer in time",
}


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error statuses an operation answers with, all in the one error body shape."""
    common = (400, 401, 403, 429, 503)
    return {
        status: ResponseSpec(data_container=ErrorBody, description=_DESCRIPTIONS[status])
        for status in sorted({*common, *statuses})
    }
