"""Mail through a real SMTP server: a web process of its own sends to an aiosmtpd server on a local port, in the
company's language, without a secret; with the server away the mail waits in the outbox, marked not sent."""

from __future__ import annotations

import contextlib
import email
import email.policy
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from app.amazon_sim import SELLER_APP
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import company_ids, connect, signed_in
from tests.faults.processes import FaultSystem, RedisServer, fault_system, free_port, redis_server, web_server
from tests.helpers import begin_edit

SENDER = "erp-einstellungen@mueller.example"
HOLDER = "inhaberin@mueller.example"
OPS = "ops@us.example.com"
COMPANY = "Müller & Söhne Büromöbel GmbH"


@dataclass
class Received:
    """One message as the SMTP server got it: the envelope and the bytes on the wire."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed: EmailMessage = email.message_from_bytes(self.raw, policy=email.policy.default)
        return parsed

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None, "the mail has no text part"
        return str(body.get_content()).replace("\r\n", "\n")  # lines end in CRLF on the wire


@dataclass
class MailServer:
    """An aiosmtpd server on a local port (its own thread), keeping every message it accepts."""

    port: int
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def to(self, recipient: str) -> list[Received]:
        return [m for m in self.received if recipient in m.rcpt_tos]


@contextlib.contextmanager
def smtp_server(port: int) -> Iterator[MailServer]:
    mail = MailServer(port)
    controller = Controller(mail, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mail
    finally:
        controller.stop()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path / "redis") as server:
        yield server


@pytest.fixture
async def system(amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path) -> FaultSystem:
    """A system of its own (database, Redis), seeded, on the session's (reset) simulator."""
    return await fault_system(redis, tmp_path / "system")


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
async def admin(system: FaultSystem, smtp_port: int, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An admin signed in to `erp-settings serve` with SMTP_HOST/SMTP_PORT pointing at the test's port."""
    env = {**system.env, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "MAIL_FROM": SENDER}
    with web_server(env, tmp_path / "web.log") as base_url:
        client = await signed_in(base_url, "admin", system.logins["admin"])
        yield client
        await client.aclose()


async def _german_company_asks_its_holder(admin: httpx.AsyncClient) -> tuple[httpx.Response, dict[str, Any]]:
    created = await admin.post(
        "/api/companies", json={"code": "DE-02", "name": COMPANY, "parentId": None, "unified": False, "language": "de"}
    )
    assert created.status_code == 201, created.text
    draft = await begin_edit(admin, created.json()["id"])
    sent = await admin.post(f"/api/edits/{draft['id']}/regions/NA/consent-links", json={"email": HOLDER})
    outbox = (await admin.get("/api/outbox")).json()
    return sent, outbox


def _secrets_of(system: FaultSystem, admin: httpx.AsyncClient) -> list[str]:
    """What must never be in a mail: the keys, the app's client secret, passwords, the session and its CSRF token."""
    return [
        *system.env["SECRET_KEYS"].split(","),
        SELLER_APP.client_secret,
        *system.logins.values(),
        *(value for value in admin.cookies.values()),
        admin.headers["X-CSRF-Token"],
        "Atzr|",  # Amazon's refresh tokens,
        "Atza|",  # and access tokens
    ]


async def test_a_german_companys_authorization_link_arrives_by_smtp_in_german_with_its_umlauts_and_no_secret(
    system: FaultSystem, admin: httpx.AsyncClient, smtp_port: int
) -> None:
    with smtp_server(smtp_port) as mail:
        sent, outbox = await _german_company_asks_its_holder(admin)

    assert sent.status_code == 201, sent.text
    assert len(mail.received) == 1
    (received,) = mail.received
    message = received.message
    assert (received.mail_from, received.rcpt_tos) == (SENDER, [HOLDER])
    assert (message["From"], message["To"]) == (SENDER, HOLDER)
    assert message["Subject"] == f"Bitte autorisieren Sie den Amazon-Zugriff für {COMPANY} (Nordamerika)"
    # On the wire every header is plain ASCII (the umlauts RFC 2047-encoded), the text declared as UTF-8.
    headers = received.raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii(), headers
    assert message.get_body(preferencelist=("plain",)).get_content_charset() == "utf-8"  # type: ignore[union-attr]
    text = received.text
    assert text.startswith("Guten Tag,")
    assert COMPANY in text
    assert "Nordamerika (NA)" in text
    assert "Seller Central" in text
    assert f"{system.public_url}/oauth/amazon/consent/" in text
    for secret in _secrets_of(system, admin):
        assert secret not in received.raw.decode("utf-8", "replace")
    # The outbox keeps what was mailed, and when it went out.
    (kept,) = outbox["items"]
    assert outbox["smtpConfigured"] is True
    assert (kept["recipient"], kept["subject"], kept["body"]) == (HOLDER, message["Subject"], text)
    assert kept["sentAt"] is not None


async def test_a_revoked_authorization_is_mailed_once_to_the_owners_address_without_a_token(
    system: FaultSystem, admin: httpx.AsyncClient, amazon: AmazonSimulator, smtp_port: int
) -> None:
    (us,) = await company_ids(admin, "US-01")
    with smtp_server(smtp_port) as mail:
        await connect(admin, amazon, us, "NA", "A1SIMNASELLER1", notificationEmail=OPS)
        await amazon.revoke("A1SIMNASELLER1")
        tests = [await admin.post(f"/api/companies/{us}/amazon/regions/NA/refresh") for _ in range(2)]

    assert [t.json()["verdict"] for t in tests] == ["reauthorization_required"] * 2
    (received,) = mail.to(OPS)  # two tests, one state: one mail
    message = received.message
    assert (received.mail_from, message["From"], message["To"]) == (SENDER, SENDER, OPS)
    assert message["Subject"] == "Amazon refused the authorization of US-01 (NA): re-authorize"
    assert "CA-01, MX-01" in received.text  # the unified members affected
    assert "Get Selling Partner API token for NA" in received.text
    for secret in _secrets_of(system, admin):
        assert secret not in received.raw.decode("utf-8", "replace")


async def test_with_the_smtp_server_away_the_mail_waits_in_the_outbox_marked_not_sent(
    admin: httpx.AsyncClient, smtp_port: int, tmp_path: Path
) -> None:
    # Nothing listens on the port: the relay is down.
    sent, outbox = await _german_company_asks_its_holder(admin)

    assert sent.status_code == 201, sent.text  # the link exists and works; only its mail could not go out
    assert sent.json()["status"] == "waiting"
    (kept,) = outbox["items"]
    assert outbox["smtpConfigured"] is True
    assert (kept["recipient"], kept["sentAt"]) == (HOLDER, None)
    assert COMPANY in kept["subject"]
    assert "/oauth/amazon/consent/" in kept["body"]  # nothing lost: an admin can pass the link on by hand
    log = (tmp_path / "web.log").read_text()
    assert "mail to the mueller.example domain failed: ConnectionRefusedError" in log
    assert HOLDER not in log
