"""Edit → Save over HTTP: drafts, field errors, If-Match, concurrent editors, cancel and idle expiry."""

from __future__ import annotations

from datetime import timedelta

from app.amazon.jobs import expire_idle_drafts
from app.amazon.regions import Region
from app.lib.clock import MovableClock
from app.services import Services
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import begin_edit, change, connect, create_company, save, settings_of


async def _sign_in_again(client: Browser, username: str) -> None:
    response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrfToken"]


async def test_begin_edit_creates_a_persisted_draft_and_returns_it_again(admin: Browser) -> None:
    us = await create_company(admin, "US-01")

    first = await admin.post(f"/api/companies/{us['id']}/amazon/edits")
    again = await admin.post(f"/api/companies/{us['id']}/amazon/edits")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["baseVersion"] == 1
    assert first.json()["status"] == "open"
    assert first.json()["changes"] == {}
    fetched = await admin.get(f"/api/edits/{first.json()['id']}")
    assert fetched.json()["values"]["accountOwner"]["code"] == "US-01"


async def test_changes_wait_in_the_draft_until_save(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])

    changed = await change(admin, draft["id"], enabled=True, notificationEmail="ops@example.com")
    before_save = await settings_of(admin, us["id"])
    saved = await save(admin, draft)
    after_save = await settings_of(admin, us["id"])

    assert changed.status_code == 200
    assert changed.json()["changes"] == {"enabled": True, "notificationEmail": "ops@example.com"}
    assert changed.json()["values"]["enabled"] is True
    assert before_save["enabled"]["value"] is False
    assert before_save["notificationEmail"]["value"] is None
    assert saved.status_code == 200
    assert saved.headers["etag"] == '"2"'
    assert after_save["enabled"]["value"] is True
    assert after_save["notificationEmail"]["value"] == "ops@example.com"
    assert after_save["version"] == 2
    assert after_save["updatedBy"] == "Ada Admin"


async def test_setting_a_field_back_to_its_stored_value_is_no_change(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])

    await change(admin, draft["id"], enabled=True, priceSyncEnabled=True)
    back = await change(admin, draft["id"], enabled=False)

    assert back.json()["changes"] == {"priceSyncEnabled": True}


async def test_a_refused_change_leaves_the_draft_as_it_was(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], enabled=True)

    bad_email = await change(admin, draft["id"], notificationEmail="not-an-email", enabled=False)
    bad_rule = await change(admin, draft["id"], unified=True, enabled=False)
    current = (await admin.get(f"/api/edits/{draft['id']}")).json()

    assert bad_email.status_code == 400
    assert list(bad_email.json()["fields"]) == ["notificationEmail"]
    assert bad_rule.status_code == 422
    assert bad_rule.json()["error"] == "unified_without_parent"
    assert current["changes"] == {"enabled": True}


async def test_save_without_if_match_is_428_and_changes_nothing(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], enabled=True)

    missing = await admin.post(f"/api/edits/{draft['id']}/save")
    malformed = await admin.post(f"/api/edits/{draft['id']}/save", headers={"If-Match": "yesterday"})

    assert missing.status_code == 428
    assert missing.json()["fields"] == {"If-Match": "required"}
    assert malformed.status_code == 400
    assert malformed.json()["error"] == "bad_input"
    assert malformed.json()["fields"] == {"If-Match": "not a version"}
    assert (await settings_of(admin, us["id"]))["enabled"]["value"] is False
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["status"] == "open"


async def test_second_editor_gets_409_naming_who_saved_and_keeps_their_draft(
    admin: Browser, browser_factory: BrowserFactory
) -> None:
    bob = await browser_factory("admin", "bob", "Bob Builder")
    us = await create_company(admin, "US-01")
    ada_draft = await begin_edit(admin, us["id"])
    bob_draft = await begin_edit(bob, us["id"])
    await change(admin, ada_draft["id"], enabled=True)
    await change(bob, bob_draft["id"], priceSyncEnabled=True)

    ada_saved = await save(admin, ada_draft)
    bob_saved = await save(bob, bob_draft)

    assert ada_saved.status_code == 200
    assert bob_saved.status_code == 409
    assert "Ada Admin" in bob_saved.json()["message"]
    assert "UTC" in bob_saved.json()["message"]
    assert bob_saved.json()["error"] == "stale_version"
    bob_view = (await bob.get(f"/api/edits/{bob_draft['id']}")).json()
    assert bob_view["status"] == "open"
    assert bob_view["changes"] == {"priceSyncEnabled": True}
    stored = await settings_of(admin, us["id"])
    assert stored["enabled"]["value"] is True
    assert stored["priceSyncEnabled"]["value"] is False


async def test_another_users_open_draft_is_shown_but_does_not_lock(
    admin: Browser, browser_factory: BrowserFactory
) -> None:
    bob = await browser_factory("admin", "bob", "Bob Builder")
    us = await create_company(admin, "US-01")
    await begin_edit(bob, us["id"])

    mine = await begin_edit(admin, us["id"])
    page = await settings_of(admin, us["id"])

    assert [e["user"] for e in mine["otherEditors"]] == ["Bob Builder"]
    assert {(e["user"], e["mine"]) for e in page["openEdits"]} == {("Bob Builder", False), ("Ada Admin", True)}


async def test_a_draft_belongs_to_its_editor(admin: Browser, browser_factory: BrowserFactory) -> None:
    bob = await browser_factory("admin", "bob", "Bob Builder")
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])

    assert (await bob.get(f"/api/edits/{draft['id']}")).status_code == 404
    assert (await change(bob, draft["id"], enabled=True)).status_code == 404
    assert (await save(bob, draft)).status_code == 404
    assert (await bob.delete(f"/api/edits/{draft['id']}")).status_code == 404


async def test_cancel_discards_the_draft(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], enabled=True)

    cancelled = await admin.delete(f"/api/edits/{draft['id']}")
    later_change = await change(admin, draft["id"], enabled=True)
    later_save = await save(admin, draft)
    fresh = await begin_edit(admin, us["id"])

    assert cancelled.status_code == 204
    assert later_change.status_code == 410
    assert later_change.json()["error"] == "draft_cancelled"
    assert later_save.status_code == 410
    assert later_save.json()["error"] == "draft_cancelled"
    assert (await settings_of(admin, us["id"]))["enabled"]["value"] is False
    assert fresh["id"] != draft["id"]
    assert fresh["changes"] == {}


async def test_saved_draft_is_closed(admin: Browser) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], enabled=True)
    await save(admin, draft)

    again = await save(admin, draft)

    assert again.status_code == 410
    assert again.json()["error"] == "draft_saved"


async def test_idle_draft_expires_and_a_new_edit_starts_fresh(
    admin: Browser, clock: MovableClock, browser_factory: BrowserFactory, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], enabled=True)
    await connect(services, us["id"], Region.NA)
    await services.edits.attach_grant(
        draft["id"],
        Region.NA,
        selling_partner_id="A1US",
        refresh_token="Atzr|new",
        access_token=None,
        access_token_expires_at=None,
        obtained_at=clock.now(),
    )

    clock.advance(timedelta(hours=2, minutes=1))
    expired = await services.edits.expire_idle()
    admin_again = await browser_factory("admin", "ada2", "Ada Again")
    audit = (await admin_again.get(f"/api/companies/{us['id']}/audit")).json()["items"]
    # Two hours idle end Ada's session (30 minutes) as well: her page is told to sign in first, then the draft is gone.
    signed_out = await change(admin, draft["id"], enabled=False)
    await _sign_in_again(admin, "ada")
    gone = await change(admin, draft["id"], enabled=False)

    assert expired == 1
    assert signed_out.status_code == 401
    assert signed_out.json()["error"] == "session_expired"
    assert signed_out.json()["message"] == "Your session expired: sign in again."
    assert gone.status_code == 410
    assert gone.json()["error"] == "draft_expired"
    assert gone.json()["message"].startswith("This draft was expired at ")
    assert gone.json()["message"].endswith(" UTC; begin a new edit.")
    assert any(e["action"] == "token.discarded" and "expired" in e["summary"] for e in audit)
    assert (await settings_of(admin_again, us["id"]))["enabled"]["value"] is False


async def test_activity_keeps_a_draft_alive(admin: Browser, clock: MovableClock) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])

    for _ in range(5):
        clock.advance(timedelta(minutes=25))
        response = await change(admin, draft["id"], enabled=True)
        assert response.status_code == 200

    assert (await save(admin, draft)).status_code == 200


async def test_a_token_waiting_in_a_draft_that_closes_soon_is_announced_once(
    admin: Browser, clock: MovableClock, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await services.edits.attach_grant(
        draft["id"],
        Region.NA,
        selling_partner_id="A1US",
        refresh_token="Atzr|waiting",
        access_token=None,
        access_token_expires_at=None,
        obtained_at=clock.now(),
    )
    ctx = {"services": services, "job_try": 1}

    await expire_idle_drafts(ctx)
    early = (await services.notifications.page(None, 0, unread_only=False, limit=10, offset=0)).items
    clock.advance(timedelta(hours=1, minutes=40))
    await expire_idle_drafts(ctx)
    await expire_idle_drafts(ctx)
    notes = (await services.notifications.page(None, 0, unread_only=False, limit=10, offset=0)).items

    assert early == []
    assert [n.title for n in notes] == ["A new NA token for US-01 is waiting for Save"]
    assert "Ada Admin's draft" in notes[0].body
    assert "Atzr" not in notes[0].body
    assert (await services.edits.grants_about_to_expire(timedelta(minutes=30)))[0]["region"] == "NA"
