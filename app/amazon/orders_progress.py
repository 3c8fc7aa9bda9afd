"""Where the order import of a company stands per region, kept in OrderSync and saved after every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import msgspec

from app.amazon.orders_pages import OrdersPage
from app.amazon.regions import Region
from app.amazon.tables import OrderSync

Source = Literal["orders", "purchase_orders"]
Outcome = Literal[
    "imported",  # the window was fetched to its last page
    "in_progress",  # a window is being fetched; the next page comes when the quota allows
    "nothing_new",  # Amazon's 2-minute rule leaves nothing to ask yet
    "not_authorized",  # the authorization covers none of the configured marketplaces
    "rejected",  # Amazon answered 400: the window is dropped and asked again, changed, on the next run
    "failed",  # not connected, refused, or transient failures (retried a few times)
]

SETTLING = timedelta(minutes=2)  # getOrders: CreatedBefore at least two minutes before now (FACTS §7)
CLOCK_MARGIN = timedelta(seconds=30)  # our clock may run ahead of Amazon's
FIRST_IMPORT = timedelta(days=30)
PURCHASE_ORDER_RANGE = timedelta(days=7)  # getPurchaseOrders: at most 7 days per request ...
PURCHASE_ORDER_HISTORY = timedelta(days=179)  # ... within the past 6 months (a day short, for the clocks)


class Window(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The orders created from `start` to `end` (both included, as Amazon counts), and how far paging got."""

    start: datetime
    end: datetime
    marketplace_ids: list[str]
    next_token: str | None = None
    pages: int = 0
    orders: int = 0
    # Orders placed at `start` that the previous window counted (both windows include that second).
    counted_at_start: list[str] = []
    # Orders placed at the end of what is asked: the next window starts there and must not count them again.
    seen_at_end: list[str] = []

    def asked_until(self, source: Source) -> datetime:
        """The end of what one request asks: the window, or for purchase orders at most 7 days of it."""
        return self.end if source == "orders" else min(self.end, self.start + PURCHASE_ORDER_RANGE)

    def after_page(self, page: OrdersPage, source: Source) -> tuple[Window, int]:
        """The window once `page` is counted, and how many of its orders are new."""
        end = page.reported_end if self.pages == 0 and page.reported_end is not None else self.end
        window = msgspec.structs.replace(self, end=end)
        boundary = window.asked_until(source)
        new = [order for order in page.orders if order.order_id not in self.counted_at_start]
        at_end = [order.order_id for order in page.orders if order.placed_at >= boundary]
        return msgspec.structs.replace(
            window,
            next_token=page.next_token,
            pages=self.pages + 1,
            orders=self.orders + len(new),
            seen_at_end=self.seen_at_end + at_end,
        ), len(new)


class RegionImport(msgspec.Struct, kw_only=True, rename="camel"):
    """The order import of one company in one region: the window in flight and what the last run did."""

    source: Source = "orders"
    imported_since: datetime | None = None  # the start of the first window: orders from here on are imported
    next_start: datetime | None = None  # where the next window starts: the end Amazon reported for the last one
    counted_at_next_start: list[str] = []
    window: Window | None = None
    orders_imported: int = 0
    outcome: Outcome | None = None
    last_run_at: datetime | None = None
    last_window_orders: int = 0
    last_window_pages: int = 0
    last_error_code: str | None = None
    last_error: str | None = None
    failures: int = 0  # transient failures in a row
    not_authorized: list[str] = []  # configured marketplaces the authorization does not cover

    def start_window(self, now: datetime, marketplace_ids: list[str]) -> Window | None:
        """The next window, up to what Amazon allows now; None while that leaves nothing to ask."""
        start = self.next_start or (now - FIRST_IMPORT).replace(microsecond=0)
        if self.source == "purchase_orders":
            start = max(start, (now - PURCHASE_ORDER_HISTORY).replace(microsecond=0))
        end = (now - SETTLING - CLOCK_MARGIN).replace(microsecond=0)
        if end <= start:
            return None
        self.imported_since = self.imported_since or start
        return Window(
            start=start, end=end, marketplace_ids=marketplace_ids, counted_at_start=self.counted_at_next_start
        )

    def page_counted(self, window: Window) -> None:
        """Move on after a page: to its next page, the next 7 days of purchase orders, or the end of the window."""
        if window.next_token is not None:
            self.window, self.outcome = window, "in_progress"
            return
        asked_until = window.asked_until(self.source)
        if asked_until < window.end:
            self.outcome = "in_progress"
            self.window = Window(
                start=asked_until,
                end=window.end,
                marketplace_ids=window.marketplace_ids,
                pages=window.pages,
                orders=window.orders,
                counted_at_start=window.seen_at_end,
            )
            return
        self.window, self.next_start, self.counted_at_next_start = None, window.end, window.seen_at_end
        self.last_window_orders, self.last_window_pages = window.orders, window.pages
        self.outcome, self.last_error_code, self.last_error = "imported", None, None

    def drop_window(self) -> None:
        """Forget the window in flight and its count: the next run asks again from its start."""
        if self.window is not None:
            self.orders_imported -= self.window.orders
        self.window = None

    def record(self, outcome: Outcome, code: str | None = None, error: str | None = None) -> None:
        self.outcome, self.last_error_code, self.last_error = outcome, code, error


_regions_decoder = msgspec.json.Decoder(dict[Region, RegionImport])


async def load_progress(company_id: int) -> dict[Region, RegionImport]:
    """The company's per-region progress (created empty on first use)."""
    rows = await OrderSync.select(OrderSync.regions).where(OrderSync.company == company_id)
    if not rows:
        await OrderSync.insert(OrderSync(company=company_id)).on_conflict(action="DO NOTHING")
        return {}
    return _regions_decoder.decode(rows[0]["regions"] or "{}")


async def save_progress(company_id: int, regions: dict[Region, RegionImport]) -> None:
    """One UPDATE: after every page, so nothing counted is counted again after a crash."""
    await OrderSync.update({OrderSync.regions: msgspec.json.encode(regions).decode()}).where(
        OrderSync.company == company_id
    )


async def record_run(
    company_id: int, regions: dict[Region, RegionImport], run_orders: int, errors: list[str], synced_at: datetime | None
) -> None:
    """The company's summary of a run: its orders, every region's errors, and `synced_at` when all of it is done."""
    values: dict[Any, Any] = {
        OrderSync.regions: msgspec.json.encode(regions).decode(),
        OrderSync.orders_imported: sum(state.orders_imported for state in regions.values()),
        OrderSync.last_run_orders: run_orders,
        OrderSync.last_error: "; ".join(errors)[:1000] or None,
    }
    if synced_at is not None:
        values[OrderSync.last_synced_at] = synced_at.astimezone(UTC)
    await OrderSync.update(values).where(OrderSync.company == company_id)
