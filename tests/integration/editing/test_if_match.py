"""Save's If-Match is checked for what it says: a version other than the current one is a 409 and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, create_company, edit_and_save, settings_of


async def _draft_after_bobs_save(admin: Browser, browser_factory: BrowserFactory) -> tuple[dict[str, Any], int]:
    """US-01 at version 2 (Bob saved), and Ada's draft begun after that, with a change waiting in it."""
    bob = await browser_factory("admin", "bob", "Bob Builder")
    us = await create_company(admin, "US-01")
    await edit_and_save(bob, us["id"], priceSyncEnabled=True)
    draft = await begin_edit(admin, us["id"])
    assert draft["baseVersion"] == 2
    assert (await change(admin, draft["id"], enabled=True)).status_code == 200
    return draft, int(us["id"])


async def _save_with(admin: Browser, draft: dict[str, Any], if_match: str) -> Any:
    return await admin.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": if_match})


@pytest.mark.parametrize(
    ("if_match", "named"),
    [
        ('"1"', 1),  # the version an API caller read before Bob saved: stale
        ('W/"1"', 1),  # the same as a weak tag
        ('"3"', 3),  # a version the settings never had
    ],
)
async def test_save_with_an_if_match_other_than_the_current_version_is_a_409_and_stores_nothing(
    admin: Browser, browser_factory: BrowserFactory, if_match: str, named: int
) -> None:
    draft, company_id = await _draft_after_bobs_save(admin, browser_factory)
    audit_before = (await admin.get(f"/api/companies/{company_id}/audit")).json()["items"]

    refused = await _save_with(admin, draft, if_match)
    stored = await settings_of(admin, company_id)
    audit_after = (await admin.get(f"/api/companies/{company_id}/audit")).json()["items"]
    kept = (await admin.get(f"/api/edits/{draft['id']}")).json()

    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "stale_version"
    assert body["fields"] == {"If-Match": "current version is 2"}
    assert body["message"].startswith("Bob Builder saved these settings at ")
    assert body["message"].endswith(
        f" UTC (version 2), not version {named} as this Save's If-Match says. "
        "Reload to see their changes, then edit again."
    )
    assert stored["version"] == 2
    assert stored["enabled"]["value"] is False
    assert stored["priceSyncEnabled"]["value"] is True
    assert stored["updatedBy"] == "Bob Builder"
    assert audit_after == audit_before
    assert kept["status"] == "open"
    assert kept["changes"] == {"enabled": True}


async def test_save_with_the_current_version_in_if_match_stores_the_draft(
    admin: Browser, browser_factory: BrowserFactory
) -> None:
    draft, company_id = await _draft_after_bobs_save(admin, browser_factory)
    await _save_with(admin, draft, '"1"')  # refused first: the draft stays usable

    saved = await _save_with(admin, draft, '"2"')
    stored = await settings_of(admin, company_id)

    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"3"'
    assert stored["version"] == 3
    assert stored["enabled"]["value"] is True
    assert stored["priceSyncEnabled"]["value"] is True
    assert stored["updatedBy"] == "Ada Admin"
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["status"] == "saved"
