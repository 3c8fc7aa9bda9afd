"""The order import of one company: per region a window Amazon allows, every page once, each region on its own."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import msgspec

from app.amazon.orders_pages import OrdersPage
from app.amazon.orders_progress import RegionImport, Source, Window, load_progress, record_run, save_progress
from app.amazon.orders_reports import clear_not_authorized, report_not_authorized
from app.amazon.regions import MARKETPLACES, Region
from app.amazon.settings import decode_marketplaces
from app.amazon.spapi import Partner, SpApiRejected, with_fresh_token
from app.amazon.status import CheckResult
from app.amazon.throttle import QuotaWaitTooLong
from app.amazon.tokens import ReauthorizationRequired, TokenUnavailable
from app.lib.errors import AmazonUnavailable, RuleViolation, SpApiDenied
from app.services import Services

MAX_FAILURES_IN_A_ROW = 8  # transient failures of one region before the import waits for its next scheduled run
MAX_BACKOFF_SECONDS = 900.0
IDLE_REGION_REFRESH_SECONDS = 600.0  # while another region pages on, an idle one is asked again this often at most


@dataclass
class RegionRun:
    """What one run did in one region."""

    region: Region
    orders: int = 0
    pages: int = 0
    error: str | None = None
    continue_in: float | None = None  # seconds until this region should be worked on again


@dataclass
class ImportRun:
    orders: int = 0
    regions: list[RegionRun] = field(default_factory=list)

    @property
    def continue_in(self) -> float | None:
        """When to run again: the soonest any region needs (a quota slot, a retry); None when all are done."""
        waits = [run.continue_in for run in self.regions if run.continue_in is not None]
        return min(waits) if waits else None


class OrderImporter:
    """Imports (counts) a company's orders: getOrders for sellers, getPurchaseOrders for vendors."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def run(self, company_id: int, deadline: float) -> ImportRun:
        """Work on every region of the company's marketplaces until done or until `deadline` (time.monotonic())."""
        services = self.services
        settings = (await services.amazon_settings.rows([company_id]))[company_id]
        if not settings["enabled"] or not settings["order_import_enabled"]:
            return ImportRun()
        owner = await services.tokens.owner_of(company_id)
        account_type = (await services.amazon_settings.rows([owner]))[owner]["account_type"]
        marketplaces: dict[Region, list[str]] = {}
        for marketplace in decode_marketplaces(settings["marketplace_ids"]):
            if marketplace in MARKETPLACES:
                marketplaces.setdefault(MARKETPLACES[marketplace].region, []).append(marketplace)
        progress = await load_progress(company_id)
        now = services.clock.now()
        paging = any(progress[r].window is not None for r in marketplaces if r in progress)
        run = ImportRun()
        for region in sorted(marketplaces):
            source: Source = "purchase_orders" if account_type == "vendor" else "orders"
            state = progress.setdefault(region, RegionImport(source=source))
            if state.source != source:  # the account type changed: purchase orders and orders are other streams
                state.drop_window()
                state = progress[region] = RegionImport(source=source, orders_imported=state.orders_imported)
            idle_for = (now - state.last_run_at).total_seconds() if state.last_run_at else float("inf")
            if paging and state.window is None and idle_for < IDLE_REGION_REFRESH_SECONDS:
                continue  # this is a continuation of another region's paging: idle regions wait for the next run
            region_run = RegionRun(region)
            run.regions.append(region_run)
            await _RegionImport(services, company_id, settings["company_code"], owner, region, state, progress).run(
                marketplaces[region], region_run, deadline
            )
            run.orders += region_run.orders
        errors = [f"{r.region}: {r.error}" for r in run.regions if r.error]
        done = not errors and all(progress[region].window is None for region in marketplaces)
        await record_run(company_id, progress, run.orders, errors, services.clock.now() if done else None)
        return run


class _RegionImport:
    """One region of one company's import: a window, its pages, and the outcome recorded whatever happens."""

    def __init__(
        self,
        services: Services,
        company_id: int,
        company_code: str,
        owner_id: int,
        region: Region,
        state: RegionImport,
        progress: dict[Region, RegionImport],
    ) -> None:
        self.services = services
        self.company_id = company_id
        self.company_code = company_code
        self.owner_id = owner_id
        self.region = region
        self.state = state
        self.progress = progress

    async def run(self, marketplace_ids: list[str], result: RegionRun, deadline: float) -> None:
        state = self.state
        state.last_run_at = self.services.clock.now()
        try:
            partner = await self._partner()
            if state.window is None:
                state.window = await self._start_window(marketplace_ids, partner)
                if state.window is None:
                    return
                await save_progress(self.company_id, self.progress)
            await self._page_through(partner, result, deadline)
        except QuotaWaitTooLong as later:  # not a failure: the quota's next slot is after this run's deadline
            state.record("in_progress")
            result.continue_in = later.retry_after
        except SpApiRejected as refused:
            # A 400 is never retried as it was: the window is dropped and the next run asks again, afresh.
            state.drop_window()
            state.record("rejected", refused.amazon_code, refused.message)
            result.error = refused.message
        except SpApiDenied as denied:
            # Refused even with a fresh token: the wrong region or role. The connection's status says so at once.
            state.record("failed", denied.code, denied.message)
            result.error = denied.message
            await self.services.health.learned_for(
                self.owner_id, self.region, CheckResult.WRONG_REGION_OR_ROLE, "wrong_region_or_role", denied.message
            )
        except (ReauthorizationRequired, RuleViolation) as refused:
            # Not connected, re-authorization required (the token provider told people), wrong region or role:
            # retrying cannot help, so only the next scheduled run tries again.
            state.record("failed", refused.code, refused.message)
            result.error = refused.message
        except (TokenUnavailable, AmazonUnavailable) as failure:
            state.failures += 1
            state.record("failed", failure.code, failure.message)
            result.error = failure.message
            if state.failures < MAX_FAILURES_IN_A_ROW:
                result.continue_in = _backoff(state.failures, getattr(failure, "retry_after", None))
        finally:
            await save_progress(self.company_id, self.progress)

    async def _partner(self) -> Partner:
        rows = (await self.services.connections.rows_for_owners([self.owner_id]))[self.owner_id]
        row = rows.get(self.region)
        if row is None or not row.get("refresh_token"):
            raise RuleViolation(f"No Selling Partner API connection for {self.region}.", code="not_connected")
        account_type = (await self.services.amazon_settings.rows([self.owner_id]))[self.owner_id]["account_type"]
        creds = await self.services.app_credentials.required(account_type, self.services.config.amazon_environment)
        return Partner(app_id=creds["application_id"], selling_partner_id=row["selling_partner_id"])

    async def _token(self, force: bool) -> str:
        return await self.services.tokens.access_token(self.company_id, self.region, force=force)

    async def _start_window(self, configured: list[str], partner: Partner) -> Window | None:
        """A new window for the marketplaces the authorization serves; None (recorded) when there is nothing to ask."""
        state, services = self.state, self.services
        window = state.start_window(services.clock.now(), configured)
        if window is None:
            state.record("nothing_new")
            return None
        if state.source == "purchase_orders":
            return window  # vendor purchase orders are not asked per marketplace
        # Only what the participations call lists: one marketplace outside the authorization is a 400 for all.
        participations = await with_fresh_token(
            self._token, lambda token: services.spapi.marketplace_participations(self.region, token, partner)
        )
        served = {p.marketplace.id for p in participations if p.participation.is_participating}
        authorized = [m for m in configured if m in served]
        state.not_authorized = [m for m in configured if m not in served]
        if state.not_authorized:
            await report_not_authorized(services, self.company_id, self.owner_id, self.region, state.not_authorized)
        else:
            await clear_not_authorized(self.owner_id, self.region, self.company_code)
        if not authorized:
            message = "The authorization covers none of the configured marketplaces: nothing to import."
            state.record("not_authorized", "marketplace_not_authorized", message)
            return None
        return msgspec.structs.replace(window, marketplace_ids=authorized)

    async def _page_through(self, partner: Partner, result: RegionRun, deadline: float) -> None:
        """Every page of the window, each saved before the next is asked; waits for the quota up to `deadline`."""
        state = self.state
        while state.window is not None:
            window = state.window

            async def next_page(token: str, window: Window = window) -> OrdersPage:
                return await self._page(token, window, partner, deadline)

            page = await with_fresh_token(self._token, next_page)
            counted, new = window.after_page(page, state.source)
            state.orders_imported += new
            state.failures = 0
            state.page_counted(counted)
            result.orders += new
            result.pages += 1
            await save_progress(self.company_id, self.progress)

    async def _page(self, token: str, window: Window, partner: Partner, deadline: float) -> OrdersPage:
        spapi, max_wait = self.services.spapi, max(0.0, deadline - time.monotonic())
        if self.state.source == "purchase_orders":
            until = window.asked_until("purchase_orders")
            return await spapi.purchase_orders_page(
                self.region, token, window.start, until, window.next_token, partner, max_wait=max_wait
            )
        return await spapi.orders(
            self.region,
            token,
            window.marketplace_ids,
            window.start,
            window.next_token,
            partner,
            created_before=window.end,
            max_wait=max_wait,
        )


def _backoff(failures: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter by failures in a row, never sooner than Amazon's Retry-After."""
    delay = min(MAX_BACKOFF_SECONDS, 2.0**failures) * random.uniform(0.5, 1.5)  # noqa: S311 (jitter)
    return max(delay, retry_after) if retry_after is not None else delay
