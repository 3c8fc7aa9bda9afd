"""The simulated orders: as many as a seller's volume says, the same on every call, paged by NextToken as Amazon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.amazon_sim.catalog import Region
from app.amazon_sim.fake_orders import OrderBook, get_orders, orders_created_between
from app.amazon_sim.records import SellerAccount
from app.amazon_sim.spapi_inputs import InvalidInput

US = "ATVPDKIKX0DER"
BUSY = SellerAccount("A1SIMBULKSELLER", "Busy", "seller", Region.NA, (US,))
NOW = datetime(2026, 12, 1, 12, 0, 7, tzinfo=UTC)
THIRTY_DAYS = timedelta(days=30)


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("start_days_ago", [30, 45, 59.7])
def test_a_volume_of_5000_in_30_days_is_5000_orders_in_any_30_days(start_days_ago: float) -> None:
    start = (NOW - timedelta(days=start_days_ago)).replace(microsecond=0)

    ids = orders_created_between(BUSY, [US], start, start + THIRTY_DAYS - timedelta(seconds=1), NOW, 5000)

    assert len(ids) == 5000
    assert len(set(ids)) == 5000


def test_the_same_query_gives_the_same_orders_and_pages_cover_them_once() -> None:
    book = OrderBook(orders_per_30_days={BUSY.selling_partner_id: 5000})
    query = {"MarketplaceIds": [US], "CreatedAfter": [_at(NOW - timedelta(days=2))]}

    first, again = get_orders(BUSY, query, NOW, book), get_orders(BUSY, query, NOW, book)
    pages = [first]
    while pages[-1].payload.next_token:
        pages.append(get_orders(BUSY, {"MarketplaceIds": [US], "NextToken": [pages[-1].payload.next_token]}, NOW, book))

    ids = [order.amazon_order_id for page in pages for order in page.payload.orders]
    truth = orders_created_between(BUSY, [US], NOW - timedelta(days=2), NOW - timedelta(minutes=2), NOW, 5000)
    assert first == again
    assert ids == truth
    assert [len(page.payload.orders) for page in pages[:-1]] == [100] * (len(pages) - 1)
    assert first.payload.created_before == _at(NOW - timedelta(minutes=2))


def test_a_next_token_beside_other_criteria_is_refused_when_it_replaces_them() -> None:
    book = OrderBook(next_token_reading="replaces-filters")
    query = {"MarketplaceIds": [US], "CreatedAfter": [_at(NOW - timedelta(days=4))], "MaxResultsPerPage": ["2"]}
    token = get_orders(BUSY, query, NOW, book).payload.next_token
    assert token is not None

    with pytest.raises(InvalidInput, match="instead of the other criteria: do not send CreatedAfter"):
        get_orders(
            BUSY, {"MarketplaceIds": [US], "NextToken": [token], "CreatedAfter": query["CreatedAfter"]}, NOW, book
        )
    alone = get_orders(BUSY, {"MarketplaceIds": [US], "NextToken": [token]}, NOW, book)

    assert len(alone.payload.orders) == 2
