"""Save's refusals read whole, as the page shows them: the If-Match it cannot read, a stale version, a seller change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from app.amazon.regions import Region
from app.services import Services
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, connect, connection, create_company, edit_and_save, save, settings_of


def _at(settings: dict[str, Any]) -> str:
    """The settings' last save as Save's conflict message writes it."""
    return f"{datetime.fromisoformat(settings['updatedAt']):%Y-%m-%d %H:%M:%S}"


async def _open_draft(admin: Browser) -> tuple[dict[str, Any], int]:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    assert (await change(admin, draft["id"], enabled=True)).status_code == 200
    return draft, int(us["id"])


async def test_save_without_an_if_match_header_is_a_428_that_says_which_header_and_version_it_needs(
    admin: Browser,
) -> None:
    draft, company_id = await _open_draft(admin)

    for headers in ({}, {"If-Match": "  "}):
        refused = await admin.post(f"/api/edits/{draft['id']}/save", headers=headers)

        assert refused.status_code == 428
        assert refused.json() == {
            "error": "precondition_required",
            "message": "Save needs an If-Match header with the settings version the draft started from.",
            "fields": {"If-Match": "required"},
        }
    assert (await settings_of(admin, company_id))["version"] == 1


@pytest.mark.parametrize(
    ("if_match", "shown"),
    [
        ("yesterday", "'yesterday'"),
        ("X1", "'X1'"),  # only quotes and a weak tag's W/ are taken off, nothing else
        ('"1234567890"', "'\"1234567890\"'"),  # ten digits: no version has as many
        ("v" * 60, repr("v" * 40)),  # a long header is quoted by its first 40 characters only
    ],
)
async def test_an_if_match_that_is_not_a_version_is_a_400_quoting_what_was_sent(
    admin: Browser, if_match: str, shown: str
) -> None:
    draft, company_id = await _open_draft(admin)

    refused = await admin.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": if_match})

    assert refused.status_code == 400
    assert refused.json() == {
        "error": "bad_input",
        "message": f'If-Match must be a settings version such as "3", not {shown}.',
        "fields": {"If-Match": "not a version"},
    }
    assert (await settings_of(admin, company_id))["version"] == 1
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["status"] == "open"


async def test_a_nine_digit_if_match_is_read_as_a_version_and_answered_with_the_current_one(admin: Browser) -> None:
    """Nobody saved yet: the conflict names "someone" and the version the settings were created with."""
    draft, company_id = await _open_draft(admin)
    stored = await settings_of(admin, company_id)

    refused = await admin.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": '"123456789"'})

    assert refused.status_code == 409
    assert refused.json() == {
        "error": "stale_version",
        "message": f"someone saved these settings at {_at(stored)} UTC (version 1), not version 123456789 as this "
        "Save's If-Match says. Reload to see their changes, then edit again.",
        "fields": {"If-Match": "current version is 1"},
    }
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["status"] == "open"


async def test_a_draft_begun_before_another_admins_save_is_a_409_naming_them_when_and_where_the_draft_started(
    admin: Browser, browser_factory: BrowserFactory
) -> None:
    bob = await browser_factory("admin", "bob", "Bob Builder")
    draft, company_id = await _open_draft(admin)
    await edit_and_save(bob, company_id, priceSyncEnabled=True)
    stored = await settings_of(admin, company_id)

    refused = await admin.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": '"2"'})

    assert refused.status_code == 409
    assert refused.json() == {
        "error": "stale_version",
        "message": f"Bob Builder saved these settings at {_at(stored)} UTC (version 2) after your draft started from "
        "version 1. Reload to see their changes, then edit again.",
        "fields": {"If-Match": "current version is 2"},
    }
    after = await settings_of(admin, company_id)
    assert (after["version"], after["enabled"]["value"], after["updatedBy"]) == (2, False, "Bob Builder")


async def test_tokens_of_other_sellers_are_refused_until_each_region_is_confirmed_naming_those_left(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1OLDNA")
    await connect(services, us["id"], Region.EU, seller="A1OLDEU")
    draft = await begin_edit(admin, us["id"])
    for region, seller in ((Region.NA, "A2NEWNA"), (Region.EU, "A2NEWEU")):
        await services.edits.attach_grant(
            draft["id"],
            region,
            selling_partner_id=seller,
            refresh_token=f"Atzr|{seller}",
            access_token=None,
            access_token_expires_at=None,
            obtained_at=services.clock.now(),
        )

    neither = await save(admin, draft)
    only_na = await save(admin, draft, {"confirmSellerChange": ["NA"]})
    kept = await settings_of(admin, us["id"])
    both = await save(admin, draft, {"confirmSellerChange": ["NA", "EU"]})

    assert neither.status_code == 422
    assert neither.json() == {
        "error": "seller_change_unconfirmed",
        "message": "The new token for EU, NA belongs to a different seller than the stored one. "
        "Confirm the seller change to save it.",
        "fields": {"confirmSellerChange": "confirm EU, NA"},
    }
    assert only_na.status_code == 422
    assert only_na.json() == {
        "error": "seller_change_unconfirmed",
        "message": "The new token for EU belongs to a different seller than the stored one. "
        "Confirm the seller change to save it.",
        "fields": {"confirmSellerChange": "confirm EU"},
    }
    assert (connection(kept, "NA")["sellingPartnerId"], connection(kept, "EU")["sellingPartnerId"]) == (
        "A1OLDNA",
        "A1OLDEU",
    )
    assert kept["version"] == 1
    assert both.status_code == 200, both.text
    assert (connection(both.json(), "NA")["sellingPartnerId"], connection(both.json(), "EU")["sellingPartnerId"]) == (
        "A2NEWNA",
        "A2NEWEU",
    )
