"""getOrders (Orders API v0): deterministic orders every eight hours per marketplace, filtered and paged."""

from __future__ import annotations

import hashlib
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

ORDER_INTERVAL = timedelta(hours=8)
HISTORY = timedelta(days=90)
SETTLING = timedelta(minutes=2)  # Amazon serves orders up to two minutes before now
MAX_PAGE = 100
_STATUSES = ("Shipped", "Unshipped", "Shipped", "Pending", "Shipped", "Canceled")


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
    """What a NextToken remembers: the filters of the first page and where the next page starts."""

    by: Literal["Created", "LastUpdated"]
    after: datetime
    before: datetime
    statuses: list[str]
    channels: list[str]
    size: int
    offset: int = 0


def get_orders(seller: SellerAccount, query: Query, now: datetime) -> GetOrdersResponse:
    """One page of the seller's orders in the requested marketplaces."""
    marketplace_ids = listed(query, "MarketplaceIds")
    foreign = [mid for mid in marketplace_ids if mid not in seller.marketplace_ids]
    if foreign:
        raise InvalidInput(f"Invalid MarketplaceIds for this seller: {', '.join(foreign)}.")
    next_token = first(query, "NextToken")
    cursor = decode_page_token(next_token, OrdersCursor, "NextToken") if next_token else _first_page(query, now)
    placed = [(mid, purchased) for mid in marketplace_ids for purchased in _grid(now)]
    matching = [
        order
        for purchased, updated, order in (_order(seller, mid, purchased, now) for mid, purchased in placed)
        if cursor.after <= (purchased if cursor.by == "Created" else updated) <= cursor.before
        and (not cursor.statuses or order.order_status in cursor.statuses)
        and (not cursor.channels or order.fulfillment_channel in cursor.channels)
    ]
    matching.sort(key=lambda order: (order.purchase_date, order.amazon_order_id))
    end = cursor.offset + cursor.size
    more = end < len(matching)
    return GetOrdersResponse(
        OrdersList(
            orders=matching[cursor.offset : end],
            next_token=encode_page_token(msgspec.structs.replace(cursor, offset=end)) if more else None,
            created_before=iso(cursor.before) if cursor.by == "Created" else None,
            last_updated_before=iso(cursor.before) if cursor.by == "LastUpdated" else None,
        )
    )


def _first_page(query: Query, now: datetime) -> OrdersCursor:
    created_after, updated_after = instant(query, "CreatedAfter"), instant(query, "LastUpdatedAfter")
    created_before, updated_before = instant(query, "CreatedBefore"), instant(query, "LastUpdatedBefore")
    if created_after is not None and updated_after is not None:
        raise InvalidInput("CreatedAfter and LastUpdatedAfter cannot both be set.")
    if created_after is not None and updated_before is not None:
        raise InvalidInput("LastUpdatedBefore cannot be set when CreatedAfter is set.")
    if updated_after is not None and created_before is not None:
        raise InvalidInput("CreatedBefore cannot be set when LastUpdatedAfter is set.")
    by: Literal["Created", "LastUpdated"]
    if created_after is not None:
        by, after, before = "Created", created_after, created_before or now - SETTLING
    elif updated_after is not None:
        by, after, before = "LastUpdated", updated_after, updated_before or now - SETTLING
    else:
        raise InvalidInput("Either CreatedAfter or LastUpdatedAfter is required.")
    if before > now - SETTLING:
        raise InvalidInput(f"{by}Before must be at least two minutes before now.")
    if after > before:
        raise InvalidInput(f"{by}After must be before {by}Before.")
    size_text = first(query, "MaxResultsPerPage") or str(MAX_PAGE)
    size = int(size_text)
    if not 1 <= size <= MAX_PAGE:
        raise InvalidInput(f"MaxResultsPerPage must be between 1 and {MAX_PAGE}.")
    return OrdersCursor(by, after, before, listed(query, "OrderStatuses"), listed(query, "FulfillmentChannels"), size)


def _grid(now: datetime) -> list[datetime]:
    """Purchase times: every eight hours (aligned to the epoch) over the last 90 days."""
    step = int(ORDER_INTERVAL.total_seconds())
    latest = int((now - SETTLING).timestamp()) // step * step
    count = int(HISTORY / ORDER_INTERVAL)
    return [datetime.fromtimestamp(latest - i * step, UTC) for i in range(count)]


def _order(
    seller: SellerAccount, marketplace_id: str, purchased: datetime, now: datetime
) -> tuple[datetime, datetime, Order]:
    """The order placed at `purchased`, with its purchase and update times; it depends on seller, marketplace, time."""
    digest = hashlib.sha256(f"{seller.selling_partner_id}|{marketplace_id}|{purchased.isoformat()}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    status = _STATUSES[digest[8] % len(_STATUSES)]
    items = 1 + digest[9] % 3
    shipped = items if status == "Shipped" else 0
    updated = min(purchased + timedelta(minutes=30 + digest[10] * 4), max(purchased, now - SETTLING))
    marketplace = MARKETPLACES[marketplace_id]
    return (
        purchased,
        updated,
        Order(
            amazon_order_id=f"{100 + number % 900}-{number // 1000 % 10**7:07d}-{number // 10**10 % 10**7:07d}",
            purchase_date=iso(purchased),
            last_update_date=iso(updated),
            order_status=status,
            fulfillment_channel="AFN" if digest[11] % 2 else "MFN",
            sales_channel=marketplace.name,
            order_total=Money(marketplace.currency, f"{5 + int.from_bytes(digest[12:14], 'big') % 20000 / 100:.2f}"),
            number_of_items_shipped=shipped,
            number_of_items_unshipped=0 if status == "Canceled" else items - shipped,
            payment_method="Other",
            marketplace_id=marketplace_id,
            shipment_service_level_category="Standard",
            order_type="StandardOrder",
            is_business_order=digest[14] % 5 == 0,
            is_prime=digest[15] % 3 == 0,
            is_premium_order=False,
            is_replacement_order=False,
            is_sold_by_ab=False,
        ),
    )
