"""getPurchaseOrders (Vendor Orders API v1): deterministic purchase orders every twelve hours, filtered and paged."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import msgspec

from app.amazon_sim.catalog import MARKETPLACES
from app.amazon_sim.records import SellerAccount
from app.amazon_sim.spapi_inputs import InvalidInput, Query, decode_page_token, encode_page_token, first, instant, iso

ORDER_INTERVAL = timedelta(hours=12)
HISTORY = timedelta(days=30)
MAX_PAGE = 100
# "The date range must not exceed 7 days and is available to pull data from the past 6 months" (vendorOrders.json);
# six months counted short, so that whatever the simulator accepts Amazon accepts too.
MAX_RANGE = timedelta(days=7)
AVAILABLE_FOR = timedelta(days=180)
_STATES = ("New", "Acknowledged", "Closed")
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class _Camel(msgspec.Struct, rename="camel", omit_defaults=True):
    pass


class Party(_Camel):
    party_id: str


class ItemQuantity(_Camel):
    amount: int
    unit_of_measure: str
    unit_size: int


class Money(_Camel):
    currency_code: str
    amount: str


class OrderItem(_Camel):
    item_sequence_number: str
    amazon_product_identifier: str
    vendor_product_identifier: str
    ordered_quantity: ItemQuantity
    is_back_order_allowed: bool
    net_cost: Money


class OrderDetails(_Camel):
    purchase_order_date: str
    purchase_order_changed_date: str
    purchase_order_state_changed_date: str
    purchase_order_type: str
    payment_method: str
    buying_party: Party
    selling_party: Party
    ship_to_party: Party
    bill_to_party: Party
    ship_window: str
    items: list[OrderItem]


class PurchaseOrder(_Camel):
    purchase_order_number: str
    purchase_order_state: str
    order_details: OrderDetails | None = None


class Pagination(_Camel):
    next_token: str


class OrderList(_Camel):
    orders: list[PurchaseOrder]
    pagination: Pagination | None = None


class GetPurchaseOrdersResponse(msgspec.Struct):
    payload: OrderList


class PurchaseOrdersCursor(msgspec.Struct, frozen=True):
    """What a nextToken remembers: the filters of the first page and where the next page starts."""

    created_after: datetime | None
    created_before: datetime | None
    changed_after: datetime | None
    changed_before: datetime | None
    state: str | None
    descending: bool
    details: bool
    size: int
    offset: int = 0


def get_purchase_orders(vendor: SellerAccount, query: Query, now: datetime) -> GetPurchaseOrdersResponse:
    """One page of the vendor's purchase orders."""
    token = first(query, "nextToken")
    cursor = decode_page_token(token, PurchaseOrdersCursor, "nextToken") if token else _first_page(query, now)
    matching = [
        (created, changed, order)
        for created, changed, order in (_purchase_order(vendor, moment, now) for moment in _grid(now))
        if _between(created, cursor.created_after, cursor.created_before)
        and _between(changed, cursor.changed_after, cursor.changed_before)
        and cursor.state in (None, order.purchase_order_state)
    ]
    matching.sort(key=lambda entry: entry[0], reverse=cursor.descending)
    end = cursor.offset + cursor.size
    orders = [
        order if cursor.details else PurchaseOrder(order.purchase_order_number, order.purchase_order_state)
        for _, _, order in matching[cursor.offset : end]
    ]
    next_page = (
        Pagination(encode_page_token(msgspec.structs.replace(cursor, offset=end))) if end < len(matching) else None
    )
    return GetPurchaseOrdersResponse(OrderList(orders, next_page))


def purchase_orders_created_between(
    vendor: SellerAccount, after: datetime, before: datetime, now: datetime
) -> list[str]:
    """The purchase order numbers that createdAfter/createdBefore select, oldest first: the truth for tests."""
    created = sorted(moment for moment in _grid(now) if after <= moment <= before)
    return [_purchase_order(vendor, moment, now)[2].purchase_order_number for moment in created]


def _first_page(query: Query, now: datetime) -> PurchaseOrdersCursor:
    cursor = PurchaseOrdersCursor(
        created_after=instant(query, "createdAfter"),
        created_before=instant(query, "createdBefore"),
        changed_after=instant(query, "changedAfter"),
        changed_before=instant(query, "changedBefore"),
        state=first(query, "purchaseOrderState"),
        descending=first(query, "sortOrder") != "ASC",
        details=first(query, "includeDetails") != "false",
        size=int(first(query, "limit") or MAX_PAGE),
    )
    for name, after, before in (
        ("created", cursor.created_after, cursor.created_before),
        ("changed", cursor.changed_after, cursor.changed_before),
    ):
        if after is not None and before is not None and after > before:
            raise InvalidInput(f"{name}After must be before {name}Before.")
        if after is not None and after < now - AVAILABLE_FOR:
            raise InvalidInput(f"{name}After must be within the past 6 months.")
        if after is not None and (before or now) - after > MAX_RANGE:
            raise InvalidInput(f"The date range from {name}After to {name}Before must not exceed 7 days.")
    return cursor


def _between(moment: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or moment >= after) and (before is None or moment <= before)


def _grid(now: datetime) -> list[datetime]:
    """Creation times: every twelve hours (aligned to the epoch) over the last 30 days."""
    step = int(ORDER_INTERVAL.total_seconds())
    latest = int(now.timestamp()) // step * step
    return [datetime.fromtimestamp(latest - i * step, UTC) for i in range(int(HISTORY / ORDER_INTERVAL))]


def _purchase_order(
    vendor: SellerAccount, created: datetime, now: datetime
) -> tuple[datetime, datetime, PurchaseOrder]:
    """The purchase order created at `created`: it depends only on the vendor and that time."""
    digest = hashlib.sha256(f"{vendor.selling_partner_id}|{created.isoformat()}".encode()).digest()
    number = "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:8])
    state = _STATES[digest[8] % len(_STATES)]
    changed = min(created + timedelta(hours=1 + digest[9] % 24), max(created, now))
    marketplace = MARKETPLACES[vendor.marketplace_ids[0]]
    ship_from = created + timedelta(days=2)
    items = [
        OrderItem(
            item_sequence_number=str(index + 1),
            amazon_product_identifier="B0"
            + "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[10 + index * 4 :][:8]),
            vendor_product_identifier=f"ACME-{digest[12 + index] * 37 % 10000:04d}",
            ordered_quantity=ItemQuantity(amount=1 + digest[20 + index] % 24, unit_of_measure="Eaches", unit_size=1),
            is_back_order_allowed=False,
            net_cost=Money(marketplace.currency, f"{5 + digest[24 + index] % 95}.{digest[28 + index] % 100:02d}"),
        )
        for index in range(1 + digest[31] % 3)
    ]
    details = OrderDetails(
        purchase_order_date=iso(created),
        purchase_order_changed_date=iso(changed),
        purchase_order_state_changed_date=iso(changed if state != "New" else created),
        purchase_order_type="RegularOrder",
        payment_method="Invoice",
        buying_party=Party(f"AMAZON-{marketplace.country_code}"),
        selling_party=Party(vendor.selling_partner_id[:6]),
        ship_to_party=Party(f"{marketplace.country_code}FC{digest[30] % 9 + 1}"),
        bill_to_party=Party(f"AMAZON-{marketplace.country_code}-AP"),
        ship_window=f"{iso(ship_from)}--{iso(ship_from + timedelta(days=5))}",
        items=items,
    )
    return created, changed, PurchaseOrder(number, state, details)
