"""Logging set-up: one format for web, worker and CLI, each line with its request or job, and never a secret."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any, Literal
from urllib.parse import unquote_plus

from litestar.enums import ScopeType
from litestar.logging.config import LoggingConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

LogFormat = Literal["text", "json"]

# What the line was logged for: the request the web server was answering, the job (and its try) a worker was running.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
JOB_ID: ContextVar[str | None] = ContextVar("job_id", default=None)
JOB_TRY: ContextVar[int | None] = ContextVar("job_try", default=None)
REQUEST_ID_HEADER = "X-Request-ID"
# A request ID a proxy sends on is kept when it is short and plain (it lands in every line of the request).
_GIVEN_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# LWA tokens and client secrets, wherever a message would carry one: Atza|… (access), Atzr|… (refresh),
# amzn1.oa2-cs.… (the app's client secret).
_TOKEN = re.compile(r"Atz[ar]\|[^\s\"',;&]+|amzn1\.oa2-cs\.[^\s\"',;&]+")

# A request target or URL with a query: the access log's "GET /path?query HTTP/1.1", httpx's "GET http://h/p?q".
_WITH_QUERY = re.compile(r"(?P<target>(?:[A-Za-z][A-Za-z0-9+.-]*://[^/\s\"'?#]+)?/[^?\s\"']*)\?(?P<query>[^\s\"'#]*)")
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]+")
# Query parameters whose value is, or may be, a credential: states, codes, tokens, secrets, passwords.
_SECRET_NAME = re.compile(r"state|code|token|secret|password|signature|credential|session|csrf", re.IGNORECASE)
# Such a parameter inside another parameter's value once decoded: /login?next=%2Foauth%2F…%3Famazon_state%3D…
_NESTED_SECRET = re.compile(r"[?&;]?[\w.-]*(?:state|code|token|secret|password)[\w.-]*=", re.IGNORECASE)
REDACTED = "[redacted]"
# The account holder's authorization link carries its token in the path: /oauth/amazon/consent/<token>.
_SECRET_PATH = re.compile(r"(?P<path>/oauth/amazon/consent/)[^/?\s\"'#]+")
# Where a request line comes from: the web server's access and error logs, outbound HTTP, the simulator's own lines.
REDACTED_LOGGERS = ("uvicorn.access", "uvicorn.error", "httpx", "app.amazon_sim")


def redact(text: str) -> str:
    """`text` without URL queries that may carry credentials (see `redact_urls`) and without any LWA token."""
    return _TOKEN.sub(REDACTED, redact_urls(text))


def redact_urls(text: str) -> str:
    """Cut every query out of the URLs in `text`, except on the ERP's own API, whose credentials are cut one by one.

    Only the API's queries (filters, paging) help reading a log; everything else the server answers (the OAuth
    pages, the simulator's consent pages, the page routes with a `next` that carries an encoded amazon_state, every
    call to Amazon) may carry a state, a code or a token. So may one path: the e-mailed authorization link's.
    """
    return _SECRET_PATH.sub(rf"\g<path>{REDACTED}", _WITH_QUERY.sub(_redacted_target, text))


def _redacted_target(match: re.Match[str]) -> str:
    target = match["target"]
    path = _ORIGIN.sub("", target)
    if not path.startswith("/api/"):
        return f"{target}?{REDACTED}"
    return f"{target}?{'&'.join(_redacted_parameter(p) for p in match['query'].split('&'))}"


def _redacted_parameter(parameter: str) -> str:
    name, separator, value = parameter.partition("=")
    decoded = value
    for _ in range(3):  # a value may be encoded more than once (a `next` inside a `next`)
        decoded = unquote_plus(decoded)
    if _SECRET_NAME.search(unquote_plus(name)) or _NESTED_SECRET.search(decoded):
        return f"{name}{separator}{REDACTED}"
    return parameter


class RedactUrlQueries(logging.Filter):
    """Access logs print request lines and httpx prints URLs; Amazon's redirects carry codes and states: cut them.

    Tokens are cut too, wherever a message would carry one; so are the lines of a traceback (an exception's text).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted_argument(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted_argument(v) for k, v in record.args.items()}
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted once here and redacted; formatters print exc_text when there is no exc_info left.
            record.exc_text = redact(record.exc_text or logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def _redacted_argument(argument: object) -> object:
    if isinstance(argument, str):
        return redact(argument)
    if isinstance(argument, (int, float)) or argument is None:
        return argument
    # httpx logs an httpx.URL, not a str: its text is what the line would print.
    text = str(argument)
    redacted = redact(text)
    return argument if redacted == text else redacted


def redact_request_lines() -> None:
    """Install the redaction on every logger that prints URLs (once; uvicorn's dictConfig keeps logger filters)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactUrlQueries) for f in logger.filters):
            logger.addFilter(RedactUrlQueries())


class LogContext(logging.Filter):
    """Puts the request ID, or the job ID and try, on each record logged while a request or a job runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (request_id := REQUEST_ID.get()) is not None:
            record.request_id = request_id
        if (job_id := JOB_ID.get()) is not None:
            record.job_id = job_id
            if (job_try := JOB_TRY.get()) is not None:
                record.job_try = job_try
        return True


class TextFormatter(logging.Formatter):
    """The readable format: `time LEVEL logger [request …|job … try …]: message`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = []
        if (request_id := getattr(record, "request_id", None)) is not None:
            parts.append(f"request {request_id}")
        if (job_id := getattr(record, "job_id", None)) is not None:
            parts.append(f"job {job_id}" + (f" try {record.job_try}" if hasattr(record, "job_try") else ""))
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)


def _json_formatter() -> dict[str, Any]:
    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        # The fields of every line; request_id, job_id and job_try follow when the line has them.
        "fmt": "%(levelname)s %(name)s %(message)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",  # ISO 8601 in UTC, to the microsecond
        "json_ensure_ascii": False,
    }


def logging_config(level: str, log_format: LogFormat = "text") -> LoggingConfig:
    """Litestar's logging configuration for every process: one handler on the root logger, which every other
    logger (uvicorn's, Litestar's, arq's, httpx's, ours) propagates to; context and redaction on the handler."""
    config = LoggingConfig(
        formatters={"text": {"()": TextFormatter}, "json": _json_formatter()},
        filters={"context": {"()": LogContext}, "redact": {"()": RedactUrlQueries}},
        handlers={
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": log_format,
                "filters": ["context", "redact"],
            }
        },
        root={"handlers": ["console"], "level": level},
        loggers={
            # Propagated to the root's handler, nothing of their own: one format.
            **{name: {"handlers": [], "propagate": True} for name in ("litestar", "uvicorn", "uvicorn.access", "arq")},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # httpcore's debug lines carry raw headers (Location with codes and states, access-token headers).
            "httpcore": {"level": "WARNING", "handlers": [], "propagate": True},
        },
        disable_existing_loggers=False,
        log_exceptions="debug",
    )
    # Litestar adds a queue handler whose listener thread (Python 3.11) outlives each configuration; unused here.
    config.handlers.pop("queue_listener", None)
    return config


def configure_logging(level: str, log_format: LogFormat = "text") -> LoggingConfig:
    """Configure this process's logging (web server, worker or command); returns the configuration for Litestar."""
    config = logging_config(level, log_format)
    config.configure()
    redact_request_lines()
    return config


class RequestIds:
    """ASGI wrapper: every HTTP request gets an ID (a plain one its proxy sent, or a new one) for its log lines and
    the X-Request-ID header of its answer, whatever answers it (a route, a 404, an error)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = _given_request_id(scope) or uuid.uuid4().hex
        header = (REQUEST_ID_HEADER.lower().encode(), request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


def _given_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _GIVEN_REQUEST_ID.fullmatch(text) else None
    return None
