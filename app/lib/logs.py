"""Logging set-up: nothing that reaches a log may carry an OAuth code, a state or a token in a URL."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

# A request target or URL with a query: the access log's "GET /path?query HTTP/1.1", httpx's "GET http://h/p?q".
_WITH_QUERY = re.compile(r"(?P<target>(?:[A-Za-z][A-Za-z0-9+.-]*://[^/\s\"'?#]+)?/[^?\s\"']*)\?(?P<query>[^\s\"'#]*)")
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]+")
# Query parameters whose value is, or may be, a credential: states, codes, tokens, secrets, passwords.
_SECRET_NAME = re.compile(r"state|code|token|secret|password|signature|credential|session|csrf", re.IGNORECASE)
# Such a parameter inside another parameter's value once decoded: /login?next=%2Foauth%2F…%3Famazon_state%3D…
_NESTED_SECRET = re.compile(r"[?&;]?[\w.-]*(?:state|code|token|secret|password)[\w.-]*=", re.IGNORECASE)
REDACTED = "[redacted]"
# Where a request line comes from: the web server's access and error logs, outbound HTTP, the simulator's own lines.
REDACTED_LOGGERS = ("uvicorn.access", "uvicorn.error", "httpx", "app.amazon_sim")


def redact_urls(text: str) -> str:
    """Cut every query out of the URLs in `text`, except on the ERP's own API, whose credentials are cut one by one.

    Only the API's queries (filters, paging) help reading a log; everything else the server answers (the OAuth
    pages, the simulator's consent pages, the page routes with a `next` that carries an encoded amazon_state, every
    call to Amazon) may carry a state, a code or a token.
    """
    return _WITH_QUERY.sub(_redacted_target, text)


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
    """Access logs print request lines and httpx prints URLs; Amazon's redirects carry codes and states: cut them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted_argument(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_urls(record.msg)
        return True


def _redacted_argument(argument: object) -> object:
    if isinstance(argument, str):
        return redact_urls(argument)
    if isinstance(argument, (int, float)) or argument is None:
        return argument
    # httpx logs an httpx.URL, not a str: its text is what the line would print.
    text = str(argument)
    redacted = redact_urls(text)
    return argument if redacted == text else redacted


def redact_request_lines() -> None:
    """Install the redaction on every logger that prints URLs (once; uvicorn's dictConfig keeps logger filters)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactUrlQueries) for f in logger.filters):
            logger.addFilter(RedactUrlQueries())


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact_request_lines()
    # httpcore's debug lines carry raw headers (Location with codes and states, access-token headers).
    logging.getLogger("httpcore").setLevel(logging.WARNING)
