"""Saving account-scope settings on an owner shows at once on every unified member, members of members too."""

from __future__ import annotations

from app.amazon.regions import Region
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import begin_edit, change, connect, connection, create_company, save, settings_of


async def _group(admin: Browser) -> dict[str, int]:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    ca2 = await create_company(admin, "CA-02", parent=ca["id"], unified=True)
    uk = await create_company(admin, "UK-01", parent=us["id"])
    return {"US-01": us["id"], "CA-01": ca["id"], "CA-02": ca2["id"], "UK-01": uk["id"]}


async def test_account_type_saved_on_owner_shows_on_members_of_members(admin: Browser) -> None:
    ids = await _group(admin)
    draft = await begin_edit(admin, ids["US-01"])
    await change(admin, draft["id"], accountType="vendor")

    assert (await save(admin, draft)).status_code == 200

    for code in ("CA-01", "CA-02"):
        body = await settings_of(admin, ids[code])
        assert body["accountType"]["value"] == "vendor"
        assert body["accountType"]["source"]["company"]["code"] == "US-01"
    assert (await settings_of(admin, ids["UK-01"]))["accountType"]["value"] == "seller"


async def test_members_get_an_audit_event_via_the_owner(admin: Browser) -> None:
    ids = await _group(admin)
    draft = await begin_edit(admin, ids["US-01"])
    await change(admin, draft["id"], accountType="vendor")
    await save(admin, draft)

    for code in ("CA-01", "CA-02"):
        events = (await admin.get(f"/api/companies/{ids[code]}/audit")).json()["items"]
        via = [e for e in events if e["action"] == "settings.updated_via_owner"]
        assert len(via) == 1
        assert via[0]["via"] == {"id": ids["US-01"], "code": "US-01"}
        assert via[0]["summary"] == "Amazon account settings updated via US-01"
        assert via[0]["actor"] == "Ada Admin"
        assert via[0]["details"]["changes"] == {"accountType": {"from": "seller", "to": "vendor"}}
    uk_events = (await admin.get(f"/api/companies/{ids['UK-01']}/audit")).json()["items"]
    assert not [e for e in uk_events if e["action"] == "settings.updated_via_owner"]


async def test_company_scope_changes_on_owner_do_not_touch_members(admin: Browser) -> None:
    ids = await _group(admin)
    draft = await begin_edit(admin, ids["US-01"])
    await change(admin, draft["id"], enabled=True)
    await save(admin, draft)

    ca = await settings_of(admin, ids["CA-01"])
    events = (await admin.get(f"/api/companies/{ids['CA-01']}/audit")).json()["items"]

    assert ca["enabled"]["value"] is False
    assert ca["version"] == 1
    assert not [e for e in events if e["action"] == "settings.updated_via_owner"]


async def test_a_token_saved_on_the_owner_is_inherited_by_every_member(admin: Browser, services: Services) -> None:
    ids = await _group(admin)
    draft = await begin_edit(admin, ids["US-01"])
    await services.edits.attach_grant(
        draft["id"],
        Region.NA,
        selling_partner_id="A1US",
        refresh_token="Atzr|granted-token-9Z8Y",
        access_token="Atza|x",
        access_token_expires_at=services.clock.now(),
        obtained_at=services.clock.now(),
    )
    pending = (await admin.get(f"/api/edits/{draft['id']}")).json()
    before = await settings_of(admin, ids["CA-02"])

    saved = await save(admin, draft)

    assert [g["region"] for g in pending["pendingGrants"]] == ["NA"]
    assert pending["pendingGrants"][0]["tokenFingerprint"] == "…9Z8Y"
    assert connection(before, "NA")["status"] == "not_connected"
    assert saved.status_code == 200
    for code in ("US-01", "CA-01", "CA-02"):
        na = connection(await settings_of(admin, ids[code]), "NA")
        assert na["status"] == "active"
        assert na["sellingPartnerId"] == "A1US"
        assert na["tokenFingerprint"] == "…9Z8Y"
        assert na["daysLeft"] == 365
    events = (await admin.get(f"/api/companies/{ids['CA-02']}/audit")).json()["items"]
    assert events[0]["details"]["authorized"][0]["region"] == "NA"
    assert "Atzr" not in str(events)


async def test_a_grant_for_a_different_seller_needs_explicit_confirmation(admin: Browser, services: Services) -> None:
    ids = await _group(admin)
    await connect(services, ids["US-01"], Region.NA, seller="A1OLD")
    draft = await begin_edit(admin, ids["US-01"])
    grant = await services.edits.attach_grant(
        draft["id"],
        Region.NA,
        selling_partner_id="A2NEW",
        refresh_token="Atzr|other-seller",
        access_token=None,
        access_token_expires_at=None,
        obtained_at=services.clock.now(),
    )

    unconfirmed = await save(admin, draft)
    kept = connection(await settings_of(admin, ids["US-01"]), "NA")
    confirmed = await save(admin, draft, {"confirmSellerChange": ["NA"]})

    assert grant.seller_changed is True
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["error"] == "seller_change_unconfirmed"
    assert kept["sellingPartnerId"] == "A1OLD"
    assert confirmed.status_code == 200
    assert connection(confirmed.json(), "NA")["sellingPartnerId"] == "A2NEW"


async def test_marketplaces_become_allowed_by_a_token_waiting_in_the_same_draft(
    admin: Browser, services: Services
) -> None:
    ids = await _group(admin)
    draft = await begin_edit(admin, ids["US-01"])
    before = await change(admin, draft["id"], marketplaceIds=["A1PA6795UKMFR9"])
    await services.edits.attach_grant(
        draft["id"],
        Region.EU,
        selling_partner_id="A1EU",
        refresh_token="Atzr|eu",
        access_token=None,
        access_token_expires_at=None,
        obtained_at=services.clock.now(),
    )
    after = await change(admin, draft["id"], marketplaceIds=["A1PA6795UKMFR9"])

    assert before.status_code == 422
    assert after.status_code == 200
    assert (await save(admin, draft)).status_code == 200
    assert (await settings_of(admin, ids["US-01"]))["marketplaceIds"]["value"] == ["A1PA6795UKMFR9"]
