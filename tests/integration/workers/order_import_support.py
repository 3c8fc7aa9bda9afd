"""What the order-import tests share: a connected company, an import on a real arq worker, progress, the truth."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from arq.jobs import Job
from arq.worker import Worker

from app.amazon import throttle
from app.amazon.tables import OrderSync
from app.amazon_sim.catalog import Region
from app.amazon_sim.fake_orders import DEFAULT_ORDERS_PER_30_DAYS, MAX_PAGE, orders_created_between
from app.amazon_sim.records import SellerAccount
from app.lib.clock import MovableClock
from app.lib.queue import deserialize
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token
from tests.integration.workers.arq_burst import run_queued_jobs

US, CA, MX, DE, JP, AU = (
    "ATVPDKIKX0DER",
    "A2EUQ1WTGCTBG2",
    "A1AM78C64UM0Y8",
    "A1PA6795UKMFR9",
    "A1VC38T7YXB528",
    "A39IBJ37TRP1C6",
)
GET_ORDERS, PURCHASE_ORDERS = "/orders/v0/orders", "/vendor/orders/v1/purchaseOrders"
BULK_SELLER = "A1SIMBULKSELLER"
SPEED = 120.0  # Amazon's usage plans 120 times faster at both ends: getOrders 2 pages/s past its burst of 20
# A first import asks the last 30 days, up to 2 minutes before now (Amazon's rule) and 30 s more for clocks that differ.
FIRST_IMPORT = timedelta(days=30)
SETTLED = timedelta(minutes=2, seconds=30)
_job_numbers = itertools.count()


@dataclass(frozen=True)
class ImportJob:
    """An import_orders job that ran: the worker's tallies and what its last try returned (the orders it counted)."""

    worker: Worker
    result: object


def speed_up_quotas(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's shared throttle uses Amazon's quotas times SPEED, as the simulator will (see worker_process)."""
    for operation, quota in list(throttle.QUOTAS.items()):
        monkeypatch.setitem(throttle.QUOTAS, operation, throttle.Quota(quota.rate * SPEED, quota.burst))


async def connected_company(
    admin: Browser, amazon: AmazonSimulator, services: Services, region: str, seller: str, marketplaces: list[str]
) -> int:
    """A company connected in `region` as `seller`, importing orders of `marketplaces`; the checks after Save ran."""
    account_type = "vendor" if seller.startswith("V") else "seller"
    company = await create_company(admin, f"CO-{seller[-6:]}")
    draft = await get_token(admin, amazon, company["id"], region, seller, accountType=account_type)
    changes = {"enabled": True, "orderImportEnabled": True, "marketplaceIds": marketplaces}
    assert (await admin.patch(f"/api/edits/{draft['id']}", json=changes)).status_code == 200
    assert (await save(admin, draft)).status_code == 200
    await run_queued_jobs(services)  # the connection check queued by Save: not beside the import
    return int(company["id"])


async def run_import(services: Services, company_id: int) -> ImportJob:
    """One import_orders job on a real arq worker, with its retries, until the queue is empty."""
    job_id = f"import_orders:{company_id}:{next(_job_numbers)}"
    await services.queue.enqueue("import_orders", company_id, job_id=job_id)
    worker = await run_queued_jobs(services)
    return ImportJob(worker, await job_result(services, job_id))


async def job_result(services: Services, job_id: str) -> object:
    """What the job's last try returned, as arq keeps it (None when it has not finished)."""
    info = await Job(job_id, services.queue.pool, _deserializer=deserialize).result_info()
    return info.result if info is not None else None


async def progress(company_id: int) -> dict[str, Any]:
    row = await OrderSync.select().where(OrderSync.company == company_id).first()
    assert row is not None
    row["regions"] = msgspec.json.decode(row["regions"])
    return row


async def calls(amazon: AmazonSimulator, path: str) -> list[dict[str, Any]]:
    return [r for r in await amazon.requests(1000) if r["path"].endswith(path)]


def moment(text: str | datetime) -> datetime:
    return (datetime.fromisoformat(text) if isinstance(text, str) else text).astimezone(UTC)


def first_window(at: datetime) -> tuple[datetime, datetime]:
    """What a first import at `at` must ask: from 30 days before to SETTLED before, in whole seconds."""
    return (at - FIRST_IMPORT).replace(microsecond=0), (at - SETTLED).replace(microsecond=0)


def pages_for(orders: int) -> int:
    """How many getOrders pages the simulator serves for that many orders: MAX_PAGE a page, one page for none."""
    return max(1, math.ceil(orders / MAX_PAGE))


def truth(
    seller: str,
    marketplaces: list[str],
    since: str | datetime,
    until: str | datetime,
    volume: int = DEFAULT_ORDERS_PER_30_DAYS,
) -> int:
    """How many orders Amazon holds between the two instants (both included): what the import must have counted."""
    account = SellerAccount(seller, seller, "seller", Region.NA, tuple(marketplaces))
    far_later = datetime.now(UTC) + timedelta(days=1)
    return len(orders_created_between(account, marketplaces, moment(since), moment(until), far_later, volume))


def assert_every_page_once(requests: list[dict[str, Any]], pages: int) -> None:
    """One first page, then each NextToken asked once, with nothing but MarketplaceIds beside it."""
    tokens = [r["query"]["NextToken"][0] for r in requests if "NextToken" in r["query"]]
    assert len(requests) == pages, [r["status"] for r in requests]
    assert len(requests) - len(tokens) == 1
    assert len(set(tokens)) == len(tokens)
    assert all(set(r["query"]) == {"MarketplaceIds", "NextToken"} for r in requests if "NextToken" in r["query"])
    assert {r["status"] for r in requests} == {200}


def frozen_at(monkeypatch: pytest.MonkeyPatch, clock: MovableClock) -> Callable[[datetime], None]:
    """Stops the app's clock at a chosen instant (the simulator keeps its own, moved through its admin API)."""

    def stop(at: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)

    return stop
