"""The log format: text or JSON lines, the request or job of each line, and no token whatever the line quotes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from app.lib.logs import JOB_ID, JOB_TRY, REQUEST_ID, logging_config

ACCESS = "Atza|IwEBIExampleAccessToken-with_chars"
REFRESH = "Atzr|IwEBIExampleRefreshToken"
CLIENT_SECRET = "amzn1.oa2-cs.v1.0123456789abcdef"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """The process's logging configured as the app does, writing to a buffer; put back as it was afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield io.StringIO()
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def _configure(output: io.StringIO, log_format: str) -> None:
    config = logging_config("INFO", log_format)  # type: ignore[arg-type]
    config.handlers["console"]["stream"] = output
    config.configure()


def test_text_lines_name_the_request_and_json_lines_the_job_and_try(output: io.StringIO) -> None:
    _configure(output, "text")
    token = REQUEST_ID.set("req-123456")
    logging.getLogger("app.test").info("answered %s", "/api/companies")
    REQUEST_ID.reset(token)
    logging.getLogger("app.test").info("no request")
    first, second = output.getvalue().splitlines()
    assert first.endswith("INFO app.test [request req-123456]: answered /api/companies")
    assert second.endswith("INFO app.test: no request")

    output.seek(0)
    output.truncate()
    _configure(output, "json")
    job, attempt = JOB_ID.set("check_connection:1:NA"), JOB_TRY.set(2)
    logging.getLogger("app.worker").warning("stopped")
    JOB_ID.reset(job)
    JOB_TRY.reset(attempt)
    line = json.loads(output.getvalue())
    assert line["level"] == "WARNING"
    assert line["logger"] == "app.worker"
    assert line["message"] == "stopped"
    assert (line["job_id"], line["job_try"]) == ("check_connection:1:NA", 2)
    assert "request_id" not in line
    assert line["time"].endswith("+00:00")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_token_or_client_secret_reaches_a_line_in_a_message_an_argument_or_a_traceback(
    output: io.StringIO, log_format: str
) -> None:
    _configure(output, log_format)
    log = logging.getLogger("app.test")
    log.info(f"refreshed with {REFRESH}")
    log.info("header x-amz-access-token: %s, secret=%s", ACCESS, CLIENT_SECRET)
    log.info("form %(form)s", {"form": f"refresh_token={REFRESH}&client_secret={CLIENT_SECRET}"})
    try:
        raise ValueError(f"bad answer for {ACCESS}")
    except ValueError:
        log.exception("failed")
    text = output.getvalue()
    for secret in (ACCESS, REFRESH, CLIENT_SECRET, "IwEBI"):
        assert secret not in text
    assert text.count("[redacted]") >= 5
    assert "ValueError: bad answer for [redacted]" in text
