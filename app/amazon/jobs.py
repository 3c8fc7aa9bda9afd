"""Background jobs of the amazon domain: thin, idempotent, arguments are IDs; the services do the work."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

import msgspec
from arq import Retry

from app.amazon.regions import MARKETPLACES, Region
from app.amazon.spapi import OrdersPage, Partner, with_fresh_token
from app.amazon.tables import AmazonConnection, OrderSync
from app.amazon.tokens import ReauthorizationRequired, TokenUnavailable
from app.audit.service import SYSTEM
from app.lib.errors import AmazonUnavailable, RuleViolation, SpApiDenied
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
        raise retry_later(ctx, None)
    return result.verdict


async def check_all_connections(ctx: dict[str, Any]) -> int:
    """Queue a check of every connected owner and region (deterministic job IDs: no duplicates)."""
    services = _services(ctx)
    rows = await AmazonConnection.select(AmazonConnection.company, AmazonConnection.region).where(
        AmazonConnection.refresh_token.is_not_null()
    )
    for row in rows:
        await services.queue.enqueue(
            "check_connection",
            row["company"],
            row["region"],
            job_id=f"check_connection:{row['company']}:{row['region']}",
        )
    return len(rows)


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
    except (ReauthorizationRequired, RuleViolation, SpApiDenied):
        return []  # recorded on the connection (or nothing to do); retrying cannot help
    except (TokenUnavailable, AmazonUnavailable) as failure:
        raise retry_later(ctx, getattr(failure, "retry_after", None)) from None
    seen = sorted(p.marketplace.id for p in participations if p.participation.is_participating)
    await AmazonConnection.update({AmazonConnection.marketplaces_seen: msgspec.json.encode(seen).decode()}).where(
        (AmazonConnection.company == owner) & (AmazonConnection.region == region)
    )
    return seen


async def import_orders(ctx: dict[str, Any], company_id: int) -> int:
    """Orders created since the last sync, for every marketplace the company sells on (a count, no order model)."""
    services = _services(ctx)
    settings = (await services.amazon_settings.rows([company_id]))[company_id]
    if not settings["enabled"] or not settings["order_import_enabled"]:
        return 0
    marketplaces = msgspec.json.decode(settings["marketplace_ids"] or "[]", type=list[str])
    existing = await OrderSync.select().where(OrderSync.company == company_id)
    since = (
        existing[0]["last_synced_at"]
        if existing and existing[0]["last_synced_at"]
        else services.clock.now() - timedelta(days=30)
    )
    started = services.clock.now()
    owner = await services.tokens.owner_of(company_id)
    total = 0
    problems: list[str] = []
    try:
        for region in sorted({MARKETPLACES[m].region for m in marketplaces if m in MARKETPLACES}):
            ids = [m for m in marketplaces if MARKETPLACES[m].region == region]
            try:
                partner, _ = await _partner(services, owner, region)
                total += await _orders_of_region(services, company_id, region, ids, since, partner)
            except (ReauthorizationRequired, RuleViolation, SpApiDenied) as refused:
                problems.append(f"{region}: {refused.message}")  # other regions still import
    except (TokenUnavailable, AmazonUnavailable) as failure:
        raise retry_later(ctx, getattr(failure, "retry_after", None)) from None
    if problems:
        # The sync time stays where it was, so the failed regions' orders are fetched next time.
        await _record_sync(company_id, None, total, "; ".join(problems)[:1000])
        return total
    await _record_sync(company_id, started, total, None)
    return total


async def _orders_of_region(
    services: Services, company_id: int, region: Region, marketplace_ids: list[str], since: Any, partner: Partner
) -> int:
    """Every page of getOrders for one region; an expired token is refreshed once per call."""
    total, next_token = 0, None
    while True:
        cursor = next_token

        async def token(force: bool) -> str:
            return await services.tokens.access_token(company_id, region, force=force)

        async def page_of(access_token: str, cursor: str | None = cursor) -> OrdersPage:
            return await services.spapi.orders(
                region, access_token, marketplace_ids, since, next_token=cursor, partner=partner
            )

        page = await with_fresh_token(token, page_of)
        total += page.count
        next_token = page.next_token
        if not next_token:
            return total


async def _record_sync(company_id: int, synced_at: Any, count: int, error: str | None) -> None:
    values: dict[Any, Any] = {OrderSync.last_run_orders: count, OrderSync.last_error: error}
    if synced_at is not None:
        values[OrderSync.last_synced_at] = synced_at
        values[OrderSync.orders_imported] = OrderSync.orders_imported + count
    updated = await OrderSync.update(values).where(OrderSync.company == company_id).returning(OrderSync.id)
    if not updated:
        await OrderSync.insert(
            OrderSync(
                company=company_id,
                last_synced_at=synced_at,
                orders_imported=count,
                last_run_orders=count,
                last_error=error,
            )
        )


async def import_all_orders(ctx: dict[str, Any]) -> int:
    """Queue the order import of every company that has it switched on."""
    services = _services(ctx)
    from app.amazon.tables import AmazonSettings

    rows = await AmazonSettings.select(AmazonSettings.company).where(
        (AmazonSettings.enabled == True) & (AmazonSettings.order_import_enabled == True)  # noqa: E712
    )
    for row in rows:
        await services.queue.enqueue("import_orders", row["company"], job_id=f"import_orders:{row['company']}")
    return len(rows)


async def send_reminders(ctx: dict[str, Any]) -> int:
    """Expiry reminders due now (each at most once per ISO week)."""
    run = await _services(ctx).reminders.run()
    return int(run.sent)


async def expire_idle_drafts(ctx: dict[str, Any]) -> int:
    """Warn about tokens in drafts that close soon, then close drafts idle for too long (tokens discarded, audited)."""
    services = _services(ctx)
    for grant in await services.edits.grants_about_to_expire(GRANT_WARNING_BEFORE_DRAFT_CLOSES):
        code, region, closes = grant["company_code"], grant["region"], grant["expires_at"]
        await services.notifications.notify(
            dedupe_key=f"pending-token:{grant['edit_id']}:{region}:{closes.isoformat()}",
            kind="pending_token_expiring",
            title=f"A new {region} token for {code} is waiting for Save",
            body=(
                f"{grant['editor']}'s draft of {code} holds a new Selling Partner API token for {region} that is not "
                f"saved yet. The draft closes at {closes:%H:%M} UTC unless someone works in it, and the token is then "
                f"discarded: open {code}'s settings and click Save."
            ),
            company_id=grant["company_id"],
        )
    return await services.edits.expire_idle()
