"""Logging set-up: nothing that reaches a log may carry an OAuth code, a state or a token in a URL."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"(/oauth/[^?\s\"]*)\?[^\s\"]*")


class RedactOAuthQueries(logging.Filter):
    """Access logs print request lines; Amazon's redirects carry codes and states in the query: cut them out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(_QUERY.sub(r"\1?[redacted]", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub(r"\1?[redacted]", record.msg)
        return True


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("uvicorn.access", "uvicorn.error", "httpx"):
        logging.getLogger(name).addFilter(RedactOAuthQueries())
    # httpcore's debug lines carry raw headers (Location with codes and states, access-token headers).
    logging.getLogger("httpcore").setLevel(logging.WARNING)
