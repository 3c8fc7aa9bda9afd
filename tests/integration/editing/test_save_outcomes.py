"""What a Save stores and how the audit tells it: settings, company, tokens and their first check, word for word."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.amazon.grant_check import GrantTest
from app.amazon.jobs import check_job_id
from app.amazon.regions import Region
from app.lib.clock import MovableClock
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import begin_edit, change, connect, connection, create_company, edit_and_save, save, settings_of
from tests.integration.amazon.flows import get_token
from tests.integration.workers.arq_burst import run_queued_jobs


async def _audit(admin: Browser, company_id: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await admin.get(f"/api/companies/{company_id}/audit")).json()["items"]
    return items


async def test_a_token_from_amazon_is_saved_with_its_access_token_and_first_test_then_checked_and_audited(
    admin: Browser, amazon: AmazonSimulator, services: Services, clock: MovableClock
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1", enabled=True)
    [waiting] = draft["pendingGrants"]

    saved = await save(admin, draft)
    refreshes_before = (await amazon.counters()).get("lwa.refresh_token", 0)
    token = await services.tokens.access_token(us["id"], Region.NA)
    refreshes_after = (await amazon.counters()).get("lwa.refresh_token", 0)
    audit = await _audit(admin, us["id"])
    via_owner = await _audit(admin, ca["id"])

    assert saved.status_code == 200, saved.text
    na = connection(saved.json(), "NA")
    assert na["status"] == "active"
    assert na["sellingPartnerId"] == "A1SIMNASELLER1"
    assert na["tokenFingerprint"] == waiting["tokenFingerprint"]
    # The access token Amazon's redirect gave is kept for its hour: the first SP-API call asks LWA for none.
    assert na["accessTokenExpiresAt"] is not None
    assert token.startswith("Atza|")
    assert refreshes_after == refreshes_before
    # What the try right after the redirect found is the connection's last check from the start.
    assert na["lastCheckedAt"] is not None
    assert na["marketplacesSeen"] == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]
    authorized = [
        {"region": "NA", "sellingPartnerId": "A1SIMNASELLER1", "tokenFingerprint": waiting["tokenFingerprint"]}
    ]
    assert audit[0]["action"] == "settings.saved"
    assert audit[0]["summary"] == "Settings of US-01 saved: enabled, NA token"
    assert audit[0]["details"] == {
        "changes": {"enabled": {"from": False, "to": True}},
        "version": 2,
        "authorized": authorized,
    }
    assert via_owner[0]["action"] == "settings.updated_via_owner"
    assert via_owner[0]["details"] == {"authorized": authorized}

    # The Save asked for a connection check of the new token: the worker runs it.
    clock.offset = timedelta(minutes=5)
    await run_queued_jobs(services)
    checked = connection(await settings_of(admin, us["id"]), "NA")
    results = await services.queue.results([check_job_id(us["id"], "NA")])

    assert {job: result.result for job, result in results.items()} == {check_job_id(us["id"], "NA"): "ok"}
    assert checked["lastCheckedAt"] > na["lastCheckedAt"]


async def test_a_token_amazon_refused_at_the_redirect_is_saved_with_that_refusal_as_its_last_check(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    tested_at = services.clock.now() - timedelta(seconds=30)
    await services.edits.attach_grant(
        draft["id"],
        Region.EU,
        selling_partner_id="A1EU",
        refresh_token="Atzr|eu-token-QW12",
        access_token="Atza|eu-access",
        access_token_expires_at=services.clock.now() + timedelta(hours=1),
        obtained_at=services.clock.now(),
        tested=GrantTest(result="refused", tested_at=tested_at),
    )

    saved = await save(admin, draft, {"confirmGrantVerdict": ["EU"]})
    audit = await _audit(admin, us["id"])

    assert saved.status_code == 200, saved.text
    eu = connection(saved.json(), "EU")
    assert eu["lastErrorCode"] == "wrong_region_or_role"
    assert eu["lastErrorMessage"] == (
        "Amazon refused the new token in EU right after the consent (saved after confirmation)."
    )
    assert eu["lastCheckedAt"] is not None
    assert eu["accessTokenExpiresAt"] is not None
    assert audit[0]["summary"] == "Settings of US-01 saved: EU token"
    assert audit[0]["details"] == {
        "changes": {},
        "version": 2,
        "authorized": [{"region": "EU", "sellingPartnerId": "A1EU", "tokenFingerprint": "…QW12"}],
    }


async def test_a_save_of_a_draft_without_changes_is_audited_as_no_changes(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])

    saved = await save(admin, draft)
    audit = await _audit(admin, us["id"])

    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2
    assert audit[0]["action"] == "settings.saved"
    assert audit[0]["summary"] == "Settings of US-01 saved (no changes)"
    assert audit[0]["details"] == {"changes": {}, "version": 2}


async def test_unifying_a_company_with_own_connections_is_audited_with_what_was_discarded(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    mx = await create_company(admin, "MX-01", parent=us["id"])
    await connect(services, mx["id"], Region.NA, seller="A1MX")
    await connect(services, mx["id"], Region.EU, seller="A1MX")
    draft = await begin_edit(admin, mx["id"])
    await change(admin, draft["id"], unified=True)

    saved = await save(admin, draft)
    audit = await _audit(admin, mx["id"])

    assert saved.status_code == 200, saved.text
    assert audit[0]["summary"] == "Settings of MX-01 saved: unified, own connections discarded"
    assert audit[0]["details"] == {
        "changes": {"unified": {"from": False, "to": True}},
        "version": 2,
        "discardedConnections": ["EU", "NA"],
    }


async def test_a_save_of_the_language_alone_stores_it_and_one_of_settings_alone_leaves_the_company_as_it_was(
    admin: Browser, clock: MovableClock
) -> None:
    us = await create_company(admin, "US-01")
    created = (await admin.get(f"/api/companies/{us['id']}")).json()

    clock.offset = timedelta(minutes=1)
    await edit_and_save(admin, us["id"], enabled=True)
    after_settings = (await admin.get(f"/api/companies/{us['id']}")).json()
    clock.offset = timedelta(minutes=2)
    await edit_and_save(admin, us["id"], language="de")
    after_language = (await admin.get(f"/api/companies/{us['id']}")).json()

    assert after_settings == created
    assert after_language["language"] == "de"
    assert after_language["updatedAt"] > created["updatedAt"]


async def test_a_members_save_keeps_its_own_account_type_which_shows_again_once_it_leaves_the_owners_account(
    admin: Browser,
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await edit_and_save(admin, us["id"], accountType="vendor")

    member = await edit_and_save(admin, ca["id"], enabled=True)
    own_again = await edit_and_save(admin, ca["id"], unified=False)

    assert member["accountType"]["value"] == "vendor"
    assert member["accountType"]["source"]["company"]["code"] == "US-01"
    assert own_again["accountType"]["value"] == "seller"
    assert own_again["accountType"]["source"] == {"kind": "own", "company": {"id": ca["id"], "code": "CA-01"}}


async def test_a_grant_amazon_sent_without_a_refresh_token_is_saved_showing_no_token_fingerprint(
    admin: Browser, services: Services
) -> None:
    """The code exchange keeps a missing refresh token as empty (app/amazon/oauth.py): Save invents none."""
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await services.edits.attach_grant(
        draft["id"],
        Region.NA,
        selling_partner_id="A1NA",
        refresh_token="",
        access_token=None,
        access_token_expires_at=None,
        obtained_at=services.clock.now(),
    )

    saved = await save(admin, draft)

    assert saved.status_code == 200, saved.text
    na = connection(saved.json(), "NA")
    assert na["sellingPartnerId"] == "A1NA"
    assert na["tokenFingerprint"] is None
