"""Pages of getOrders and getPurchaseOrders as the order import reads them: order IDs and times, the next page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from app.lib.errors import AmazonUnavailable


class OrderStamp(msgspec.Struct, frozen=True):
    """One order (or purchase order) as the import counts it: its ID and when it was placed."""

    order_id: str
    placed_at: datetime


class OrdersPage(msgspec.Struct, frozen=True):
    """One page: how many orders, the token of the next page (None: the last), and the bound Amazon used."""

    count: int
    next_token: str | None
    orders: tuple[OrderStamp, ...] = ()
    # getOrders reports the CreatedBefore (or LastUpdatedBefore) it applied: the next window starts exactly there.
    reported_end: datetime | None = None


class _Order(msgspec.Struct, rename="pascal"):
    amazon_order_id: str
    purchase_date: datetime


class _OrdersList(msgspec.Struct, rename="pascal"):
    orders: list[_Order] = []
    next_token: str | None = None
    created_before: datetime | None = None
    last_updated_before: datetime | None = None


class _GetOrders(msgspec.Struct):
    payload: _OrdersList = msgspec.field(default_factory=_OrdersList)


class _OrderDetails(msgspec.Struct, rename="camel"):
    purchase_order_date: datetime


class _PurchaseOrder(msgspec.Struct, rename="camel"):
    purchase_order_number: str
    order_details: _OrderDetails | None = None


class _Pagination(msgspec.Struct, rename="camel"):
    next_token: str | None = None


class _PurchaseOrderList(msgspec.Struct, rename="camel"):
    orders: list[_PurchaseOrder] = []
    pagination: _Pagination | None = None


class _GetPurchaseOrders(msgspec.Struct):
    payload: _PurchaseOrderList = msgspec.field(default_factory=_PurchaseOrderList)


def orders_page(body: dict[str, Any]) -> OrdersPage:
    """A getOrders answer as a page."""
    payload = _decode(body, _GetOrders).payload
    orders = tuple(OrderStamp(o.amazon_order_id, _utc(o.purchase_date)) for o in payload.orders)
    reported = payload.created_before or payload.last_updated_before
    return OrdersPage(len(orders), payload.next_token or None, orders, _utc(reported) if reported else None)


def purchase_orders_page(body: dict[str, Any], window_start: datetime) -> OrdersPage:
    """A getPurchaseOrders answer as a page; an order without details counts as placed at the window's start."""
    payload = _decode(body, _GetPurchaseOrders).payload
    orders = tuple(
        OrderStamp(
            o.purchase_order_number,
            _utc(o.order_details.purchase_order_date) if o.order_details is not None else window_start,
        )
        for o in payload.orders
    )
    next_token = payload.pagination.next_token if payload.pagination is not None else None
    return OrdersPage(len(orders), next_token or None, orders)


def _decode(body: dict[str, Any], shape: type[Any]) -> Any:
    try:
        return msgspec.convert(body, shape, strict=False)
    except msgspec.ValidationError:
        raise AmazonUnavailable("SP-API sent an unexpected answer.", code="amazon_malformed") from None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
