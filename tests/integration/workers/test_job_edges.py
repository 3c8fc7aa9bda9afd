"""Jobs meet companies that are not (or no longer) connected, and vendors: a result, not a crash or a retry."""

from __future__ import annotations

from app.amazon.jobs import check_connection, import_orders, sync_marketplace_participations
from app.amazon.tables import OrderSync
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token


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
    admin: Browser, amazon: AmazonSimulator, services: Services
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

    count = await import_orders({"services": services, "job_try": 1}, us["id"])

    sync = await OrderSync.select().first()
    assert count > 0
    assert sync is not None
    assert sync["last_run_orders"] == count
    assert sync["last_synced_at"] is None  # EU failed: the next run fetches from the same point
    assert sync["last_error"].startswith("EU:")
