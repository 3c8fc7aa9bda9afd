"""What a draft shows as Save would store it, and the warnings a placement change brings, read whole."""

from __future__ import annotations

from app.amazon.regions import Region
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import begin_edit, change, connect, connection, create_company, edit_and_save, save, settings_of

US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"


async def test_a_new_draft_shows_every_stored_setting_until_it_changes_one(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA)
    await connect(services, us["id"], Region.EU)
    await edit_and_save(
        admin,
        us["id"],
        enabled=True,
        accountType="vendor",
        marketplaceIds=[US, DE],
        orderImportEnabled=True,
        inventorySyncEnabled=True,
        priceSyncEnabled=True,
        notificationEmail="orders@us-01.example",
        language="de",
    )

    draft = await begin_edit(admin, us["id"])

    assert draft["changes"] == {}
    assert draft["values"] == {
        "parentId": None,
        "unified": False,
        "accountOwner": {"id": us["id"], "code": "US-01"},
        "enabled": True,
        "accountType": "vendor",
        "marketplaceIds": [US, DE],
        "orderImportEnabled": True,
        "inventorySyncEnabled": True,
        "priceSyncEnabled": True,
        "notificationEmail": "orders@us-01.example",
        "language": "de",
    }
    assert draft["warnings"] == []


async def test_a_unified_member_shows_its_owners_account_and_a_company_that_is_not_unified_its_own(
    admin: Browser,
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    await edit_and_save(admin, us["id"], accountType="vendor")

    member = (await begin_edit(admin, ca["id"]))["values"]
    own = (await begin_edit(admin, uk["id"]))["values"]

    assert (member["accountOwner"], member["accountType"]) == ({"id": us["id"], "code": "US-01"}, "vendor")
    assert (own["accountOwner"], own["accountType"]) == ({"id": uk["id"], "code": "UK-01"}, "seller")


async def test_changing_a_connected_company_that_stays_on_its_own_account_warns_of_nothing_and_keeps_it(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    uk = await create_company(admin, "UK-01", parent=us["id"])
    await connect(services, uk["id"], Region.EU, seller="A1UK")
    draft = await begin_edit(admin, uk["id"])

    changed = await change(admin, draft["id"], enabled=True)
    saved = await save(admin, draft)

    assert changed.status_code == 200, changed.text
    assert changed.json()["warnings"] == []
    assert saved.status_code == 200, saved.text
    assert connection(await settings_of(admin, uk["id"]), "EU")["sellingPartnerId"] == "A1UK"
    assert await services.connections.connected_regions(uk["id"]) == {Region.EU}


async def test_a_member_leaving_its_owners_account_is_warned_of_each_region_its_marketplaces_lose(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA)
    await connect(services, us["id"], Region.EU)
    await edit_and_save(admin, ca["id"], marketplaceIds=[US, DE])
    draft = await begin_edit(admin, ca["id"])

    changed = await change(admin, draft["id"], unified=False)

    assert changed.status_code == 200, changed.text
    assert changed.json()["warnings"] == [
        {
            "code": "marketplaces_without_connection",
            "message": "CA-01 has no connection for EU, NA: CA-01's marketplaces there will not sync until it has one.",
        },
        {
            "code": "will_be_not_connected",
            "message": "CA-01 will use an Amazon account of its own and stays not connected until it gets its own "
            "token.",
        },
    ]
