"""A mail SMTP refused is not lost: it waits in the outbox and goes out once, at its next try, after the relay is
back, however many workers try at once; after the last try it is given up and stays "not sent"."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from app.amazon import jobs
from app.audit.notifications import RESEND_TRIES, Mailer, resend_delay
from app.audit.tables import OutboxMessage
from app.lib.clock import MovableClock
from app.services import Services
from tests.faults.processes import free_port
from tests.integration.test_smtp_mail import smtp_server

SENDER = "erp@example.com"


async def test_a_mail_the_relay_refused_goes_out_once_at_its_next_try_after_the_relay_is_back(
    services: Services, clock: MovableClock
) -> None:
    port = free_port()
    mailer = Mailer(clock, "127.0.0.1", port, SENDER)
    await mailer.send("ops@example.de", "Die Amazon-Autorisierung läuft ab", "Zum Erneuern: …")
    [waiting] = await OutboxMessage.select()
    assert (waiting["sent_at"], waiting["attempts"]) == (None, 1)

    with smtp_server(port) as relay:
        early = await mailer.resend_due()
        clock.advance(resend_delay(1))
        # Three workers' crons at the same minute: one of them sends it.
        runs = await asyncio.gather(*(mailer.resend_due() for _ in range(3)))
        later = await mailer.resend_due()

    assert (early.sent, early.failed) == (0, 0)  # not due yet: the relay is not asked
    assert sum(run.sent for run in runs) == 1
    assert later.sent == 0
    [mail] = relay.received
    assert mail.rcpt_tos == ["ops@example.de"]
    assert mail.message["Subject"] == "Die Amazon-Autorisierung läuft ab"
    [sent] = await OutboxMessage.select()
    assert sent["sent_at"] is not None
    assert sent["next_attempt_at"] is None


async def test_the_tries_back_off_and_the_last_one_gives_up_leaving_it_unsent(
    services: Services, clock: MovableClock
) -> None:
    mailer = Mailer(clock, "127.0.0.1", free_port(), SENDER)  # nothing listens there: every try fails
    await mailer.send("ops@example.com", "Subject", "Body")
    waits: list[timedelta] = []
    outcomes: list[Any] = []
    for _ in range(RESEND_TRIES + 2):
        [row] = await OutboxMessage.select()
        if row["next_attempt_at"] is None:
            break
        waits.append(row["next_attempt_at"] - clock.now())
        clock.advance(row["next_attempt_at"] - clock.now() + timedelta(seconds=1))
        outcomes.append(await mailer.resend_due())

    [row] = await OutboxMessage.select()
    assert row["attempts"] == RESEND_TRIES
    assert (row["sent_at"], row["next_attempt_at"]) == (None, None)
    assert [(o.failed, o.given_up) for o in outcomes] == [(1, 0)] * (RESEND_TRIES - 2) + [(0, 1)]
    assert round(waits[0].total_seconds() / 60) == 5
    assert round(waits[1].total_seconds() / 60) == 10
    assert max(waits) <= timedelta(days=1, seconds=1)


async def test_without_smtp_the_outbox_is_the_delivery_and_nothing_is_retried(
    services: Services, clock: MovableClock
) -> None:
    await services.notifications.mailer.send("ops@example.com", "Subject", "Body")
    clock.advance(timedelta(days=2))

    result = await jobs.resend_mail({"services": services})

    assert result == {"sent": 0, "failed": 0, "givenUp": 0}
    [row] = await OutboxMessage.select()
    assert (row["sent_at"], row["next_attempt_at"], row["attempts"]) == (None, None, 0)
