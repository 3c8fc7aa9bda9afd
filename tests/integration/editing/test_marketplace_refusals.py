"""A marketplace list the draft refuses says what is wrong with which entry, and the draft stays as it was."""

from __future__ import annotations

from typing import Any

from tests.fixtures import Browser
from tests.helpers import begin_edit, change, create_company

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"


async def refused(admin: Browser, marketplaces: list[str]) -> tuple[int, dict[str, Any]]:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    response = await change(admin, draft["id"], marketplaceIds=marketplaces)
    unchanged = (await admin.get(f"/api/edits/{draft['id']}")).json()
    assert unchanged["revision"] == draft["revision"], "a refused change moved the draft"
    return response.status_code, response.json()


async def test_unknown_marketplace_ids_are_each_named(admin: Browser) -> None:
    status, body = await refused(admin, ["AXXXXXXXXXXX1", US, "AXXXXXXXXXXX2"])

    assert status == 400
    assert body == {
        "error": "bad_input",
        "message": "Unknown marketplace ID: AXXXXXXXXXXX1, AXXXXXXXXXXX2.",
        "fields": {
            "marketplaceIds[0]": "unknown marketplace AXXXXXXXXXXX1",
            "marketplaceIds[2]": "unknown marketplace AXXXXXXXXXXX2",
        },
    }


async def test_a_marketplace_listed_twice_is_named_where_it_repeats(admin: Browser) -> None:
    status, body = await refused(admin, [US, DE, US])

    assert status == 400
    assert body == {
        "error": "bad_input",
        "message": f"Marketplace {US} is listed twice.",
        "fields": {"marketplaceIds[2]": "duplicate"},
    }


async def test_marketplaces_of_regions_without_a_connection_name_each_region_to_connect_first(
    admin: Browser,
) -> None:
    status, body = await refused(admin, [DE, JP])

    assert status == 422
    assert body == {
        "error": "region_not_connected",
        "message": "US-01 has no Selling Partner API connection for region EU, FE: get a token for EU, FE first.",
        "fields": {
            "marketplaceIds[0]": "Germany is in region EU, which US-01 has no connection for",
            "marketplaceIds[1]": "Japan is in region FE, which US-01 has no connection for",
        },
    }
