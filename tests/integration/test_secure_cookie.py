"""Cookies are Secure and HSTS is sent when the app is reached over HTTPS (its PUBLIC_URL), never on plain http.

Real server processes: the app served by uvicorn over a real TLS connection (a throw-away self-signed certificate),
`erp-settings serve` behind a TLS proxy (X-Forwarded-Proto and -For from TRUSTED_PROXIES), and `make run`'s plain
http.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.accounts.auth import SESSION_COOKIE
from app.amazon.consent_link_pages import BROWSER_COOKIE
from app.config import PROJECT_ROOT
from tests.server_process import (
    START_TIMEOUT_SECONDS,
    cli,
    running_server,
    server_environment,
    stopping_redis,
)

HSTS = "max-age=31536000; includeSubDomains"
PROXIED_HOST = "erp.example.test"


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and its key (PEM files), valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _trusting(cert: Path) -> ssl.SSLContext:
    """A client's TLS settings that trust the throw-away certificate (and verify the host name against it)."""
    return ssl.create_default_context(cafile=str(cert))


@contextlib.contextmanager
def _tls_server(env: dict[str, str], log: Path, cert: Path, key: Path) -> Iterator[str]:
    """The app (`create_app`, as `erp-settings serve` runs it) served by uvicorn over TLS; its https base URL."""
    cli(env, "migrate")
    base_url = f"https://127.0.0.1:{env['PORT']}"
    command = [
        *(sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"),
        *("--host", "127.0.0.1", "--port", env["PORT"], "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)),
    ]
    with stopping_redis(env), log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while True:
                assert process.poll() is None, f"the server exited while starting:\n{log.read_text()[-3000:]}"
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base_url}/health", verify=_trusting(cert), timeout=1, trust_env=False).is_success:
                        break
                assert time.monotonic() < deadline, "the TLS server did not answer /health in time"
                time.sleep(0.1)
            yield base_url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _cookie(response: httpx.Response, name: str) -> dict[str, Any]:
    """The attributes of the cookie `name` as the response sets it (flags as True), value included."""
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        if name in parsed:
            morsel = parsed[name]
            flags = {
                attribute.lower(): True
                for attribute in re.findall(r";\s*(Secure|HttpOnly)\b", header, flags=re.IGNORECASE)
            }
            return {"value": morsel.value, "path": morsel["path"], "samesite": morsel["samesite"].lower(), **flags}
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def _logins(env: dict[str, str]) -> dict[str, str]:
    cli(env, "seed-demo")
    text = (Path(env["VAR_DIR"]) / "demo-logins.txt").read_text()
    return dict(line.split(" ", 1) for line in text.splitlines())


async def _sign_in(browser: httpx.AsyncClient, password: str, **headers: str) -> httpx.Response:
    signed_in = await browser.post("/api/auth/login", json={"username": "admin", "password": password}, headers=headers)
    assert signed_in.status_code == 200, signed_in.text
    browser.headers["X-CSRF-Token"] = signed_in.json()["csrfToken"]
    return signed_in


async def _holders_cookie(browser: httpx.AsyncClient, origin: str, **headers: str) -> httpx.Response:
    """An admin sends US-01's authorization link; the holder (no ERP account) presses its button: the answer that
    sets the holder's browser cookie."""
    companies = (await browser.get("/api/companies", params={"q": "US-01"}, headers=headers)).json()["items"]
    us = next(c["id"] for c in companies if c["code"] == "US-01")
    draft = (await browser.post(f"/api/companies/{us}/amazon/edits", headers=headers)).json()
    sent = await browser.post(
        f"/api/edits/{draft['id']}/regions/NA/consent-links", json={"email": "holder@example.com"}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    mail = (await browser.get("/api/outbox", headers=headers)).json()["items"][0]["body"]
    token = re.search(r"/oauth/amazon/consent/([A-Za-z0-9_-]{43})", mail)
    assert token is not None, mail
    pressed = await browser.post(
        "/oauth/amazon/consent",
        data={"token": token[1]},
        headers={**headers, "Origin": origin, "Sec-Fetch-Site": "same-origin"},
    )
    assert pressed.status_code == 303, pressed.text
    return pressed


async def test_over_a_real_tls_connection_the_session_cookie_is_secure_and_hsts_is_sent(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    cert, key = _self_signed_certificate(tmp_path)
    env = server_environment(tmp_path, unused_tcp_port, PUBLIC_URL=f"https://127.0.0.1:{unused_tcp_port}")
    with _tls_server(env, tmp_path / "server.log", cert, key) as base_url:
        password = _logins(env)["admin"]
        async with httpx.AsyncClient(base_url=base_url, verify=_trusting(cert), trust_env=False, timeout=30) as browser:
            health = await browser.get("/health")
            signed_in = await _sign_in(browser, password)
            me = await browser.get("/api/auth/me")
            holder = await _holders_cookie(browser, base_url)

    assert health.headers["strict-transport-security"] == HSTS
    assert _cookie(signed_in, SESSION_COOKIE) | {"value": "…"} == {
        "value": "…",
        "path": "/",
        "samesite": "lax",
        "secure": True,
        "httponly": True,
    }
    assert signed_in.headers["strict-transport-security"] == HSTS
    assert me.status_code == 200  # the browser sends the Secure cookie back over TLS
    holders = _cookie(holder, BROWSER_COOKIE)
    assert (holders["path"], holders.get("secure"), holders.get("httponly")) == ("/oauth/amazon", True, True)


async def test_behind_a_trusted_tls_proxy_the_session_cookie_is_secure_and_hsts_is_sent(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    env = server_environment(
        tmp_path, unused_tcp_port, PUBLIC_URL=f"https://{PROXIED_HOST}", TRUSTED_PROXIES="127.0.0.1"
    )
    # What the proxy adds to every request it forwards from a browser at https://erp.example.test.
    proxied = {"Host": PROXIED_HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    password = _logins(_migrated_before(env))
    with running_server(env, tmp_path / "server.log", migrate=False) as server:
        async with httpx.AsyncClient(base_url=server.base_url, trust_env=False, timeout=30) as browser:
            page = await browser.get("/login", headers=proxied)
            signed_in = await _sign_in(browser, password["admin"], Origin=f"https://{PROXIED_HOST}", **proxied)
            # The browser sends its Secure cookie to the proxy over https; the proxy passes it on.
            browser.headers["Cookie"] = f"{SESSION_COOKIE}={_cookie(signed_in, SESSION_COOKIE)['value']}"
            me = await browser.get("/api/auth/me", headers=proxied)
            holder = await _holders_cookie(browser, f"https://{PROXIED_HOST}", **proxied)

    assert page.headers["strict-transport-security"] == HSTS
    assert signed_in.headers["strict-transport-security"] == HSTS
    cookie = _cookie(signed_in, SESSION_COOKIE)
    assert (cookie["secure"], cookie.get("httponly"), cookie["samesite"], cookie["path"]) == (True, True, "lax", "/")
    assert me.status_code == 200
    assert _cookie(holder, BROWSER_COOKIE).get("secure") is True


def _migrated_before(env: dict[str, str]) -> dict[str, str]:
    cli(env, "migrate")
    return env


async def test_on_plain_http_the_session_cookie_is_not_secure_and_no_hsts_is_sent(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    env = server_environment(tmp_path, unused_tcp_port)  # make run's PUBLIC_URL: http://127.0.0.1:PORT
    password = _logins(_migrated_before(env))
    with running_server(env, tmp_path / "server.log", migrate=False) as server:
        async with httpx.AsyncClient(base_url=server.base_url, trust_env=False, timeout=30) as browser:
            page = await browser.get("/login")
            signed_in = await _sign_in(browser, password["admin"])
            me = await browser.get("/api/auth/me")
            holder = await _holders_cookie(browser, server.base_url)

    assert "strict-transport-security" not in page.headers
    assert "strict-transport-security" not in signed_in.headers
    cookie = _cookie(signed_in, SESSION_COOKIE)
    # A Secure cookie would never come back over http: signing in would not work at all.
    assert "secure" not in cookie
    assert (cookie.get("httponly"), cookie["samesite"], cookie["path"]) == (True, "lax", "/")
    assert me.status_code == 200
    assert "secure" not in _cookie(holder, BROWSER_COOKIE)
