"""No log line of the ERP or the simulator holds a state, a code or a token, also when it is percent-encoded."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from app.amazon_sim.seed import SELLER_APP
from app.config import PROJECT_ROOT
from app.lib.logs import RedactUrlQueries, redact_urls
from tests.amazon_browser import read_form
from tests.server_process import (
    cli,
    running_server,
    server_environment,
    stopping_redis,
    wait_until_answering,
)

PASSWORD = "a long password for the log test"
SELLER = "A1SIMNASELLER1"
CENTRAL = "/_sim/amazon/central/sellercentral.amazon.com/apps"


def _query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _confirm_at_amazon(amazon: httpx.Client, page: httpx.Response) -> str:
    """Log in as the seller, tick "I authorize" and confirm; returns where Amazon sends the browser back."""
    assert page.status_code == 200, page.text[:500]
    form = read_form(page.text)
    account_field = next(iter(form.choices), "selling_partner_id")
    answer = amazon.post(
        urljoin(str(page.url), form.action or ""), data={**form.fields, account_field: SELLER, **form.checkboxes}
    )
    assert answer.status_code in (302, 303), answer.text[:500]
    return answer.headers["location"]


@contextlib.contextmanager
def _arranged(env: dict[str, str]) -> Iterator[None]:
    """The database of a server about to start: migrated, the simulator apps' credentials, an admin."""
    cli(env, "migrate")
    cli(env, "seed-demo")
    cli(env, "create-user", "logs", "--role", "admin", "--password", PASSWORD)
    yield


def test_the_servers_log_of_a_consent_and_a_renewal_holds_no_state_code_or_token(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    env = server_environment(tmp_path, unused_tcp_port)
    secrets: dict[str, str] = {}

    with (
        stopping_redis(env),
        _arranged(env),
        running_server(env, tmp_path / "server.log", migrate=False) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as erp,
        httpx.Client(base_url=server.base_url, timeout=30) as amazon,
        httpx.Client(base_url=server.base_url, timeout=30) as stranger,
    ):
        signed_in = erp.post("/api/auth/login", json={"username": "logs", "password": PASSWORD})
        secrets["csrf token"] = erp.headers["X-CSRF-Token"] = signed_in.json()["csrfToken"]
        company = erp.post("/api/companies", json={"code": "LOG-01", "name": "Logs", "parentId": None}).json()
        draft = erp.post(f"/api/companies/{company['id']}/amazon/edits").json()

        # Get Selling Partner API token: Amazon's consent page, and its redirect back with a code.
        consent_url = erp.post(f"/api/edits/{draft['id']}/regions/NA/authorize").json()["consentUrl"]
        secrets["state"] = _query(consent_url)["state"]
        back = _confirm_at_amazon(amazon, amazon.get(_local(consent_url)))
        secrets["code"] = _query(back)["spapi_oauth_code"]
        assert erp.get(_local(back)).status_code == 200
        saved = erp.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": f'"{draft["baseVersion"]}"'})
        assert saved.status_code == 200, saved.text

        # Renewal from Seller Central: the Log-in URI (through sign-in for a stranger), then consent again.
        login_uri = amazon.get(
            f"{CENTRAL}/manage/reauthorize",
            params={"application_id": SELLER_APP.application_id, "selling_partner_id": SELLER},
        ).headers["location"]
        secrets["amazon_state"] = _query(login_uri)["amazon_state"]
        sign_in = stranger.get(_local(login_uri))
        assert sign_in.status_code in (302, 303), sign_in.text[:300]
        assert stranger.get(sign_in.headers["location"]).status_code == 200  # /login?next=…amazon_state%3D…
        question = erp.get(_local(login_uri))
        form = read_form(question.text)
        onward = erp.post(form.action or "", data=form.fields)
        assert onward.status_code in (302, 303), onward.text[:300]
        secrets["renewal state"] = _query(onward.headers["location"])["state"]
        back = _confirm_at_amazon(amazon, amazon.get(_local(onward.headers["location"])))
        secrets["renewal code"] = _query(back)["spapi_oauth_code"]
        assert erp.get(_local(back)).status_code == 200

    log = server.log_text()
    leaked = {name: value for name, value in secrets.items() if value in log}
    assert leaked == {}, f"in the server's log: {sorted(leaked)}"
    # The requests were logged (the access log was on), with their paths and without their queries.
    for line in (
        f"GET {CENTRAL}/authorize/consent?[redacted]",
        "GET /oauth/amazon/callback?[redacted]",
        f"GET {CENTRAL}/manage/reauthorize?[redacted]",
        "GET /oauth/amazon/login?[redacted]",
        "GET /login?[redacted]",
        f"GET {CENTRAL}/authorize/callback?[redacted]",
    ):
        assert line in log, line


def test_the_standalone_simulators_log_holds_no_state(tmp_path: Path, unused_tcp_port: int) -> None:
    log = tmp_path / "simulator.log"
    base = f"http://127.0.0.1:{unused_tcp_port}"
    state = "st4te-of-the-standalone-simulator"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (this project's own simulator, fixed arguments)
            [sys.executable, "-m", "app.amazon_sim", "--port", str(unused_tcp_port)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"{base}/_admin/clock", process, log)
        page = httpx.get(
            f"{base}/central/sellercentral.amazon.com/apps/authorize/consent",
            params={"application_id": SELLER_APP.application_id, "state": state, "version": "beta"},
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)

    assert page.status_code == 200
    assert "sellercentral.amazon.com/apps/authorize/consent" in log.read_text()
    assert state not in log.read_text()


def test_queries_are_kept_only_on_the_api_and_there_without_credentials() -> None:
    assert redact_urls("/api/companies?q=acme&limit=50") == "/api/companies?q=acme&limit=50"
    assert redact_urls("/api/x?next=%252Foauth%253Fstate%253DS3CR3T&q=a") == "/api/x?next=[redacted]&q=a"
    assert redact_urls("/api/x?amazon_state=S3CR3T") == "/api/x?amazon_state=[redacted]"
    assert redact_urls("/login?next=%2Foauth%2Famazon%2Flogin%3Famazon_state%3DS3CR3T") == "/login?[redacted]"
    assert redact_urls('GET https://sellercentral.amazon.com/apps/authorize/consent?state=S3CR3T "200"') == (
        'GET https://sellercentral.amazon.com/apps/authorize/consent?[redacted] "200"'
    )


def test_a_url_object_in_a_log_call_is_redacted_too() -> None:
    # httpx logs `HTTP Request: %s %s "%s %d %s"` with an httpx.URL, not a str.
    url = httpx.URL("http://127.0.0.1:8000/oauth/amazon/callback?state=S3CR3T&spapi_oauth_code=C0DE")
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, 'HTTP Request: %s %s "%s %d %s"', None, None)
    record.args = ("GET", url, "HTTP/1.1", 200, "OK")

    RedactUrlQueries().filter(record)

    assert (
        record.getMessage()
        == 'HTTP Request: GET http://127.0.0.1:8000/oauth/amazon/callback?[redacted] "HTTP/1.1 200 OK"'
    )
