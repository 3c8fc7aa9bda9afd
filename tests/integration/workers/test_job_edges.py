"""Jobs meet companies that are not (or no longer) connected, and vendors: a result, not a crash or a retry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.amazon.jobs import check_connection, import_orders, sync_marketplace_participations
from app.lib.clock import MovableClock
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token
from tests.integration.workers.order_import_support import (
    GET_ORDERS,
    US,
    assert_every_page_once,
    calls,
    first_window,
    frozen_at,
    moment,
    pages_for,
    progress,
    truth,
)


async def test_jobs_for_a_company_without_connection_end_quietly(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    ctx = {"services": services, "job_try": 1}

    assert await check_connection(ctx, us["id"], "NA") == "not_connected"
    assert await sync_marketplace_participations(ctx, us["id"], "EU") == []


async def test_vendors_have_no_marketplace_participations_to_sync(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    owner = await create_company(admin, "VEN-01")
    draft = await get_token(admin, amazon, owner["id"], "NA", "V1SIMNAVENDOR1", accountType="vendor")
    await save(admin, draft)

    assert await sync_marketplace_participations({"services": services, "job_try": 1}, owner["id"], "NA") == []


async def test_a_region_without_connection_does_not_stop_the_others_importing(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    us = await create_company(admin, "US-01")
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    await admin.patch(
        f"/api/edits/{draft['id']}",
        json={"enabled": True, "orderImportEnabled": True, "marketplaceIds": ["ATVPDKIKX0DER"]},
    )
    await save(admin, draft)
    # The EU marketplace arrives later with a token that is then revoked at Amazon: EU fails, NA still imports.
    draft = await get_token(admin, amazon, us["id"], "EU", "A1SIMEUSELLER1")
    await admin.patch(f"/api/edits/{draft['id']}", json={"marketplaceIds": ["ATVPDKIKX0DER", "A1PA6795UKMFR9"]})
    await save(admin, draft)
    await amazon.revoke("A1SIMEUSELLER1")
    ran_at = datetime.now(UTC)
    frozen_at(monkeypatch, clock)(ran_at)
    since, until = first_window(ran_at)
    expected = truth("A1SIMNASELLER1", [US], since, until)

    count = await import_orders({"services": services, "job_try": 1}, us["id"])

    sync = await progress(us["id"])
    na, eu = sync["regions"]["NA"], sync["regions"]["EU"]
    assert count == sync["last_run_orders"] == sync["orders_imported"] == expected
    assert (na["outcome"], na["ordersImported"], moment(na["importedSince"]), moment(na["nextStart"])) == (
        "imported",
        expected,
        since,
        until,
    )
    assert_every_page_once(await calls(amazon, GET_ORDERS), pages=pages_for(expected))  # NA's: EU never got that far
    assert (eu["outcome"], eu["ordersImported"], eu["window"]) == ("failed", 0, None)
    assert sync["last_synced_at"] is None  # EU failed: the next run fetches from the same point
    assert sync["last_error"].startswith("EU: ")
