"""getOrders (Orders API v0): deterministic orders per seller and marketplace, filtered, paged, NextToken checked."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import msgspec

from app.amazon_sim.catalog import MARKETPLACES
from app.amazon_sim.records import SellerAccount
from app.amazon_sim.spapi_inputs import (
    InvalidInput,
    Query,
    decode_page_token,
    encode_page_token,
    first,
    instant,
    iso,
    listed,
)

MONTH = timedelta(days=30)
DEFAULT_ORDERS_PER_30_DAYS = 90  # one order every eight hours in each marketplace
HISTORY = timedelta(days=90)
SETTLING = timedelta(minutes=2)  # CreatedBefore and LastUpdatedBefore must be at least two minutes before now
LONGEST_UPDATE = timedelta(minutes=30 + 255 * 4)  # an order's last update comes at most this long after its purchase
MAX_PAGE = 100
_STATUSES = ("Shipped", "Unshipped", "Shipped", "Pending", "Shipped", "Canceled")
_PAGING_PARAMETERS = frozenset({"MarketplaceIds", "NextToken"})

# FACTS §7: the current model says NextToken "doesn't affect any filters that you include" (the filters may come
# again, unchanged); the older one, and many integrators, say it is used instead of the other criteria (anything but
# MarketplaceIds beside it is a 400). Both accept MarketplaceIds and NextToken alone.
NextTokenReading = Literal["keeps-filters", "replaces-filters"]


@dataclass
class OrderBook:
    """How the simulated Orders API behaves: how many orders each seller gets, and how it reads NextToken."""

    next_token_reading: NextTokenReading = "keeps-filters"  # noqa: S105 (a behaviour, not a secret)
    orders_per_30_days: dict[str, int] = field(default_factory=dict)  # per marketplace, by selling partner

    def volume(self, selling_partner_id: str) -> int:
        return self.orders_per_30_days.get(selling_partner_id, DEFAULT_ORDERS_PER_30_DAYS)


class _Pascal(msgspec.Struct, rename="pascal", omit_defaults=True):
    pass


class Money(_Pascal):
    currency_code: str
    amount: str


class Order(_Pascal):
    amazon_order_id: str
    purchase_date: str
    last_update_date: str
    order_status: str
    fulfillment_channel: str
    sales_channel: str
    order_total: Money
    number_of_items_shipped: int
    number_of_items_unshipped: int
    payment_method: str
    marketplace_id: str
    shipment_service_level_category: str
    order_type: str
    is_business_order: bool
    is_prime: bool
    is_premium_order: bool
    is_replacement_order: bool
    is_sold_by_ab: bool = msgspec.field(name="IsSoldByAB")


class OrdersList(_Pascal):
    orders: list[Order]
    next_token: str | None = None
    created_before: str | None = None
    last_updated_before: str | None = None


class GetOrdersResponse(msgspec.Struct):
    payload: OrdersList


class OrdersCursor(msgspec.Struct, frozen=True):
    """What a NextToken remembers: whose it is, the request of the first page and where the next page starts."""

    selling_partner_id: str
    marketplace_ids: list[str]
    by: Literal["Created", "LastUpdated"]
    after: datetime
    before: datetime
    statuses: list[str]
    channels: list[str]
    size: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class _Placed:
    """An order before it is written out: enough to filter and sort it."""

    purchased: datetime
    updated: datetime
    marketplace_id: str
    digest: bytes
    order_id: str


def get_orders(seller: SellerAccount, query: Query, now: datetime, book: OrderBook) -> GetOrdersResponse:
    """One page of the seller's orders in the requested marketplaces."""
    marketplace_ids = listed(query, "MarketplaceIds")
    foreign = [mid for mid in marketplace_ids if mid not in seller.marketplace_ids]
    if foreign:
        # Reported for a marketplace the authorization does not cover: a 400 for the whole request (FACTS §7).
        raise InvalidInput(f"Invalid MarketplaceIds for this seller: {', '.join(foreign)}.")
    next_token = first(query, "NextToken")
    if next_token:
        cursor = decode_page_token(next_token, OrdersCursor, "NextToken")
        _check_next_page(seller, query, marketplace_ids, cursor, book.next_token_reading)
    else:
        cursor = _first_page(seller, query, marketplace_ids, now)
    matching = _matching(seller, cursor, now, book.volume(seller.selling_partner_id))
    end = cursor.offset + cursor.size
    more = end < len(matching)
    return GetOrdersResponse(
        OrdersList(
            orders=[_order(placed) for placed in matching[cursor.offset : end]],
            next_token=encode_page_token(msgspec.structs.replace(cursor, offset=end)) if more else None,
            created_before=iso(cursor.before) if cursor.by == "Created" else None,
            last_updated_before=iso(cursor.before) if cursor.by == "LastUpdated" else None,
        )
    )


def orders_created_between(
    seller: SellerAccount, marketplace_ids: list[str], after: datetime, before: datetime, now: datetime, volume: int
) -> list[str]:
    """The AmazonOrderIds that CreatedAfter/CreatedBefore (no other filter) select, in page order: the truth."""
    cursor = OrdersCursor(seller.selling_partner_id, sorted(set(marketplace_ids)), "Created", after, before, [], [], 1)
    return [placed.order_id for placed in _matching(seller, cursor, now, volume)]


def _first_page(seller: SellerAccount, query: Query, marketplace_ids: list[str], now: datetime) -> OrdersCursor:
    created_after, updated_after = instant(query, "CreatedAfter"), instant(query, "LastUpdatedAfter")
    created_before, updated_before = instant(query, "CreatedBefore"), instant(query, "LastUpdatedBefore")
    if created_after is not None and updated_after is not None:
        raise InvalidInput("CreatedAfter and LastUpdatedAfter cannot both be set.")
    if created_after is not None and updated_before is not None:
        raise InvalidInput("LastUpdatedBefore cannot be set when CreatedAfter is set.")
    if updated_after is not None and created_before is not None:
        raise InvalidInput("CreatedBefore cannot be set when LastUpdatedAfter is set.")
    latest = (now - SETTLING).replace(microsecond=0)  # the default bound, as the answer reports it: whole seconds
    by: Literal["Created", "LastUpdated"]
    if created_after is not None:
        by, after, before = "Created", created_after, created_before or latest
    elif updated_after is not None:
        by, after, before = "LastUpdated", updated_after, updated_before or latest
    else:
        raise InvalidInput("Either CreatedAfter or LastUpdatedAfter is required.")
    if before > now - SETTLING:
        raise InvalidInput(f"{by}Before must be at least two minutes before now.")
    if after > before:
        raise InvalidInput(f"{by}After must be before {by}Before.")
    size = int(first(query, "MaxResultsPerPage") or str(MAX_PAGE))
    if not 1 <= size <= MAX_PAGE:
        raise InvalidInput(f"MaxResultsPerPage must be between 1 and {MAX_PAGE}.")
    statuses, channels = listed(query, "OrderStatuses"), listed(query, "FulfillmentChannels")
    marketplaces = sorted(set(marketplace_ids))
    return OrdersCursor(seller.selling_partner_id, marketplaces, by, after, before, statuses, channels, size)


def _check_next_page(
    seller: SellerAccount, query: Query, marketplace_ids: list[str], cursor: OrdersCursor, reading: NextTokenReading
) -> None:
    """A NextToken belongs to its seller and marketplaces; the other criteria beside it depend on the reading."""
    if cursor.selling_partner_id != seller.selling_partner_id:
        raise InvalidInput("NextToken is not a token from a previous response.")
    if sorted(set(marketplace_ids)) != cursor.marketplace_ids:
        raise InvalidInput("NextToken was returned for other MarketplaceIds.")
    criteria = sorted(name for name in query if name not in _PAGING_PARAMETERS)
    if criteria and reading == "replaces-filters":
        raise InvalidInput(f"NextToken is used instead of the other criteria: do not send {', '.join(criteria)}.")
    kept = _criteria_of(cursor)
    changed = [name for name in criteria if name in _COMPARED and _COMPARED[name](query, name) != kept.get(name)]
    if changed:
        raise InvalidInput(f"NextToken was returned for other filters: {', '.join(changed)} differ.")


def _criteria_of(cursor: OrdersCursor) -> dict[str, object]:
    """The filters of the first page, as a later page may repeat them."""
    return {
        f"{cursor.by}After": cursor.after,
        f"{cursor.by}Before": cursor.before,
        "OrderStatuses": sorted(cursor.statuses),
        "FulfillmentChannels": sorted(cursor.channels),
        "MaxResultsPerPage": cursor.size,
    }


def _as_size(query: Query, name: str) -> object:
    return int(first(query, name) or str(MAX_PAGE))


def _as_set(query: Query, name: str) -> object:
    return sorted(listed(query, name))


_COMPARED: dict[str, Callable[[Query, str], object]] = {
    "CreatedAfter": instant,
    "CreatedBefore": instant,
    "LastUpdatedAfter": instant,
    "LastUpdatedBefore": instant,
    "OrderStatuses": _as_set,
    "FulfillmentChannels": _as_set,
    "MaxResultsPerPage": _as_size,
}


def _matching(seller: SellerAccount, cursor: OrdersCursor, now: datetime, volume: int) -> list[_Placed]:
    """Every order the cursor's filters select, in the order pages serve them."""
    earliest = cursor.after - (LONGEST_UPDATE if cursor.by == "LastUpdated" else timedelta(0))
    low, high = max(earliest, now - HISTORY), min(cursor.before, now)
    matching = []
    for marketplace_id in cursor.marketplace_ids:
        for purchased in _purchase_times(low, high, volume):
            placed = _place(seller, marketplace_id, purchased, now)
            moment = placed.purchased if cursor.by == "Created" else placed.updated
            if (
                cursor.after <= moment <= cursor.before
                and (not cursor.statuses or _status(placed.digest) in cursor.statuses)
                and (not cursor.channels or _channel(placed.digest) in cursor.channels)
            ):
                matching.append(placed)
    matching.sort(key=lambda placed: (placed.purchased, placed.order_id))
    return matching


def _purchase_times(low: datetime, high: datetime, volume: int) -> list[datetime]:
    """Purchase times between `low` and `high`: `volume` per 30 days, on whole seconds aligned to the epoch."""
    if high < low:
        return []
    step = MONTH.total_seconds() / volume
    ks = range(math.floor(low.timestamp() / step), math.ceil(high.timestamp() / step) + 1)
    moments = (datetime.fromtimestamp(math.floor(k * step), UTC) for k in ks)
    return [moment for moment in moments if low <= moment <= high]


def _place(seller: SellerAccount, marketplace_id: str, purchased: datetime, now: datetime) -> _Placed:
    digest = hashlib.sha256(f"{seller.selling_partner_id}|{marketplace_id}|{purchased.isoformat()}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    order_id = f"{100 + number % 900}-{number // 1000 % 10**7:07d}-{number // 10**10 % 10**7:07d}"
    updated = min(purchased + timedelta(minutes=30 + digest[10] * 4), max(purchased, now))
    return _Placed(purchased, updated, marketplace_id, digest, order_id)


def _status(digest: bytes) -> str:
    return _STATUSES[digest[8] % len(_STATUSES)]


def _channel(digest: bytes) -> str:
    return "AFN" if digest[11] % 2 else "MFN"


def _order(placed: _Placed) -> Order:
    """The order as getOrders writes it; it depends only on seller, marketplace and purchase time."""
    digest, status = placed.digest, _status(placed.digest)
    items = 1 + digest[9] % 3
    shipped = items if status == "Shipped" else 0
    marketplace = MARKETPLACES[placed.marketplace_id]
    return Order(
        amazon_order_id=placed.order_id,
        purchase_date=iso(placed.purchased),
        last_update_date=iso(placed.updated),
        order_status=status,
        fulfillment_channel=_channel(digest),
        sales_channel=marketplace.name,
        order_total=Money(marketplace.currency, f"{5 + int.from_bytes(digest[12:14], 'big') % 20000 / 100:.2f}"),
        number_of_items_shipped=shipped,
        number_of_items_unshipped=0 if status == "Canceled" else items - shipped,
        payment_method="Other",
        marketplace_id=placed.marketplace_id,
        shipment_service_level_category="Standard",
        order_type="StandardOrder",
        is_business_order=digest[14] % 5 == 0,
        is_prime=digest[15] % 3 == 0,
        is_premium_order=False,
        is_replacement_order=False,
        is_sold_by_ab=False,
    )
