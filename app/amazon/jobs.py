"""Background jobs of the amazon domain: thin, idempotent, arguments are IDs; the services do the work."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from arq import Retry

from app.amazon.orders_import import OrderImporter
from app.amazon.regions import Region
from app.amazon.spapi import Partner, SpApiRejected, with_fresh_token
from app.amazon.status import CheckResult
from app.amazon.tables import AmazonConnection
from app.amazon.tokens import ReauthorizationRequired, TokenUnavailable
from app.audit.service import SYSTEM
from app.lib.errors import AmazonUnavailable, RuleViolation, SpApiDenied
from app.lib.i18n import phrase
from app.lib.queue import Enqueued
from app.services import Services

log = logging.getLogger(__name__)
MAX_DELAY_SECONDS = 900.0


def retry_later(ctx: dict[str, Any], retry_after: float | None) -> Retry:
    """Exponential backoff with jitter by attempt, never sooner than Amazon's Retry-After."""
    attempt = int(ctx.get("job_try", 1))
    delay = min(MAX_DELAY_SECONDS, 2.0**attempt) * random.uniform(0.5, 1.5)  # noqa: S311 (jitter)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return Retry(defer=delay)


# A try of import_orders ends itself after this long, just inside its job timeout (app/worker.py), and the next try
# resumes at the first unsaved page. The longest job timeout also sets how long a killed worker's job waits before
# another worker takes it (that timeout plus 10 s): short slices let every killed job come back within two minutes,
# and a slice still waits for a slot of getOrders' quota (about 66 s apart past the burst) at least once.
IMPORT_SLICE_SECONDS = 80.0

# The cron runs every 10 minutes: a warning half an hour ahead reaches people at least twice before the draft closes.
GRANT_WARNING_BEFORE_DRAFT_CLOSES = timedelta(minutes=30)


def _services(ctx: dict[str, Any]) -> Services:
    services: Services = ctx["services"]
    return services


async def check_connection(ctx: dict[str, Any], company_id: int, region: str) -> str:
    """The connection test as a job (after Save, by the command, every 6 hours)."""
    try:
        result = await _services(ctx).checker.check(company_id, Region(region), SYSTEM)
    except RuleViolation as nothing_to_check:  # not connected (any more): nothing to retry
        return nothing_to_check.code
    if result.verdict == "amazon_unavailable" and int(ctx.get("job_try", 1)) < 4:
        asked = result.next_test_at  # Amazon's Retry-After, when it sent one: the next try comes no sooner
        raise retry_later(ctx, (asked - _services(ctx).clock.now()).total_seconds() if asked else None)
    return result.verdict


async def bulk_test_chunk(ctx: dict[str, Any], run_id: int, chunk: int) -> int:
    """One chunk of a bulk connection test (app.amazon.bulk); returns how many connections it tested."""
    return await _services(ctx).bulk_tests.run_chunk(run_id, chunk)


def check_job_id(owner_id: int, region: str) -> str:
    """One check per owner and region at a time: a check asked for while one is queued or running joins it."""
    return f"check_connection:{owner_id}:{region}"


@dataclass(frozen=True)
class QueuedCheck:
    """A connection check asked for, and what asking did."""

    company_code: str
    region: str
    job_id: str
    outcome: Enqueued


async def queue_connection_checks(services: Services) -> list[QueuedCheck]:
    """Ask for a check of every connected owner and region, in the order of company code and region."""
    rows = (
        await AmazonConnection.select(
            AmazonConnection.company, AmazonConnection.company.code.as_alias("code"), AmazonConnection.region
        )
        .where(AmazonConnection.refresh_token.is_not_null())
        .order_by(AmazonConnection.company.code, AmazonConnection.region)
    )
    checks = []
    for row in rows:
        job_id = check_job_id(row["company"], row["region"])
        outcome = await services.queue.enqueue("check_connection", row["company"], row["region"], job_id=job_id)
        checks.append(QueuedCheck(row["code"], row["region"], job_id, outcome))
    return checks


def outcome_counts(outcomes: list[Enqueued]) -> dict[str, int]:
    """How many jobs were queued, already queued and already running (every outcome named, zeros included)."""
    return {outcome.value: outcomes.count(outcome) for outcome in Enqueued}


async def check_all_connections(ctx: dict[str, Any]) -> dict[str, int]:
    """Ask for a check of every connected owner and region (the 6-hourly cron); returns the outcomes counted."""
    counts = outcome_counts([check.outcome for check in await queue_connection_checks(_services(ctx))])
    log.info("connection checks asked for: %s", ", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
    return counts


async def _partner(services: Services, owner_id: int, region: Region) -> tuple[Partner, str]:
    rows = (await services.connections.rows_for_owners([owner_id]))[owner_id]
    if region not in rows or not rows[region].get("refresh_token"):
        raise RuleViolation(f"No Selling Partner API connection for {region}.", code="not_connected")
    settings = (await services.amazon_settings.rows([owner_id]))[owner_id]
    creds = await services.app_credentials.required(settings["account_type"], services.config.amazon_environment)
    return Partner(app_id=creds["application_id"], selling_partner_id=rows[region]["selling_partner_id"]), settings[
        "account_type"
    ]


async def sync_marketplace_participations(ctx: dict[str, Any], company_id: int, region: str) -> list[str]:
    """Which marketplaces Amazon says the account participates in (sellers), stored on the connection."""
    services = _services(ctx)
    owner = await services.tokens.owner_of(company_id)
    zone = Region(region)
    try:
        partner, account_type = await _partner(services, owner, zone)
        if account_type != "seller":
            return []  # marketplace participations are a seller API
        participations = await with_fresh_token(
            lambda force: services.tokens.access_token(company_id, zone, force=force),
            lambda token: services.spapi.marketplace_participations(zone, token, partner),
        )
    except SpApiDenied as denied:  # refused with a fresh token: wrong region or role, which people must be told
        await services.health.learned_for(
            owner, zone, CheckResult.WRONG_REGION_OR_ROLE, "wrong_region_or_role", denied.message
        )
        return []
    except (ReauthorizationRequired, RuleViolation, SpApiRejected):
        return []  # recorded on the connection (or nothing to do); retrying cannot help, nor can a 400 be retried
    except (TokenUnavailable, AmazonUnavailable) as failure:
        raise retry_later(ctx, getattr(failure, "retry_after", None)) from None
    seen = sorted(p.marketplace.id for p in participations if p.participation.is_participating)
    await AmazonConnection.update({AmazonConnection.marketplaces_seen: msgspec.json.encode(seen).decode()}).where(
        (AmazonConnection.company == owner) & (AmazonConnection.region == region)
    )
    return seen


async def import_orders(ctx: dict[str, Any], company_id: int) -> int:
    """Orders of every marketplace the company sells on, since the last window (a count per region, no order model).

    One try works for at most IMPORT_SLICE_SECONDS, waiting for the shared quota in between; then, or after a
    transient failure, it hands the worker back with a Retry and the next try resumes at the first unsaved page.
    """
    run = await OrderImporter(_services(ctx)).run(company_id, deadline=time.monotonic() + IMPORT_SLICE_SECONDS)
    if run.continue_in is not None:
        raise Retry(defer=run.continue_in)
    return run.orders


async def import_all_orders(ctx: dict[str, Any]) -> dict[str, int]:
    """Ask for the order import of every company that has it switched on; returns the outcomes counted."""
    services = _services(ctx)
    from app.amazon.tables import AmazonSettings

    rows = await AmazonSettings.select(AmazonSettings.company).where(
        (AmazonSettings.enabled == True) & (AmazonSettings.order_import_enabled == True)  # noqa: E712
    )
    # An import queued, running or waiting for its next slice is joined; one that finished runs again.
    outcomes = [
        await services.queue.enqueue("import_orders", row["company"], job_id=f"import_orders:{row['company']}")
        for row in rows
    ]
    return outcome_counts(outcomes)


async def send_reminders(ctx: dict[str, Any]) -> int:
    """Expiry reminders due now (each at most once per ISO week)."""
    run = await _services(ctx).reminders.run()
    return int(run.sent)


async def resend_mail(ctx: dict[str, Any]) -> dict[str, int]:
    """Mails SMTP refused earlier whose next try is due: sent now, failed again, or given up after the last try."""
    run = await _services(ctx).notifications.mailer.resend_due()
    return {"sent": run.sent, "failed": run.failed, "givenUp": run.given_up}


async def expire_idle_drafts(ctx: dict[str, Any]) -> int:
    """Warn about tokens in drafts that close soon, then close drafts idle for too long (tokens discarded, audited)."""
    services = _services(ctx)
    for grant in await services.edits.grants_about_to_expire(GRANT_WARNING_BEFORE_DRAFT_CLOSES):
        code, region, closes = grant["company_code"], grant["region"], grant["expires_at"]
        await services.notifications.notify(
            dedupe_key=f"pending-token:{grant['edit_id']}:{region}:{closes.isoformat()}",
            kind="pending_token_expiring",
            title=[phrase("A new {region} token for {code} is waiting for Save", region=region, code=code)],
            body=[
                phrase(
                    "{editor}'s draft of {code} holds a new Selling Partner API token for {region} that is not saved "
                    "yet. The draft closes at {time} UTC unless someone works in it, and the token is then discarded: "
                    "open {code}'s settings and click Save.",
                    editor=grant["editor"],
                    code=code,
                    region=region,
                    time=closes.strftime("%H:%M"),
                )
            ],
            company_id=grant["company_id"],
        )
    return await services.edits.expire_idle()
