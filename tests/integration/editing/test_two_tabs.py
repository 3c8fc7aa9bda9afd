"""Two tabs of one user share the user's one draft: each change and Save carries the draft revision the tab saw."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.amazon_browser import local
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import begin_edit, connection, create_company, settings_of
from tests.integration.amazon.flows import confirm_at_amazon, start

CHANGED_ELSEWHERE = "This draft was changed in another tab or window: reload to see the changes."


async def patch(tab: Browser, draft: dict[str, Any], revision: int, **fields: Any) -> Any:
    return await tab.patch(f"/api/edits/{draft['id']}", json={"revision": revision, **fields})


async def save_on(tab: Browser, draft: dict[str, Any], revision: object, **body: Any) -> Any:
    return await tab.post(
        f"/api/edits/{draft['id']}/save",
        headers={"If-Match": f'"{draft["baseVersion"]}"'},
        json={"revision": revision, **body},
    )


async def read(tab: Browser, draft: dict[str, Any]) -> dict[str, Any]:
    response = await tab.get(f"/api/edits/{draft['id']}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def two_tabs_on_one_draft(admin: Browser, code: str = "US-01") -> tuple[dict[str, Any], dict[str, Any], int]:
    """Tab A and tab B of one user both click Edit on one company: they get the same draft, at revision 1."""
    company = await create_company(admin, code)
    tab_a = await begin_edit(admin, company["id"])
    tab_b = await begin_edit(admin, company["id"])
    assert tab_a["id"] == tab_b["id"]
    return tab_a, tab_b, company["id"]


async def test_every_draft_read_and_change_returns_the_revision_to_send_next(admin: Browser) -> None:
    tab_a, _, _ = await two_tabs_on_one_draft(admin)

    first = await patch(admin, tab_a, 1, enabled=True)
    second = await patch(admin, tab_a, first.json()["revision"], priceSyncEnabled=True)

    assert tab_a["revision"] == 1
    assert first.status_code == 200, first.text
    assert first.json()["revision"] == 2
    assert second.status_code == 200, second.text
    assert second.json()["revision"] == 3
    assert (await read(admin, tab_a))["revision"] == 3


async def test_a_change_on_a_revision_another_tab_changed_since_is_409_and_changes_nothing(admin: Browser) -> None:
    tab_a, tab_b, company_id = await two_tabs_on_one_draft(admin)

    ticked_in_b = await patch(admin, tab_b, tab_b["revision"], priceSyncEnabled=True)
    from_a = await patch(admin, tab_a, tab_a["revision"], enabled=True)
    draft = await read(admin, tab_a)

    assert ticked_in_b.status_code == 200, ticked_in_b.text
    assert from_a.status_code == 409
    assert from_a.json()["error"] == "draft_changed_elsewhere"
    assert from_a.json()["message"] == CHANGED_ELSEWHERE
    assert draft["changes"] == {"priceSyncEnabled": True}
    assert draft["values"]["enabled"] is False
    assert draft["revision"] == ticked_in_b.json()["revision"]
    assert (await settings_of(admin, company_id))["priceSyncEnabled"]["value"] is False


async def test_after_reading_the_draft_again_the_tab_changes_it_on_top_of_the_other_tabs_change(
    admin: Browser,
) -> None:
    tab_a, tab_b, _ = await two_tabs_on_one_draft(admin)
    await patch(admin, tab_b, tab_b["revision"], priceSyncEnabled=True)
    refused = await patch(admin, tab_a, tab_a["revision"], enabled=True)

    reloaded = await read(admin, tab_a)
    accepted = await patch(admin, tab_a, reloaded["revision"], enabled=True)

    assert refused.status_code == 409
    assert reloaded["values"]["priceSyncEnabled"] is True
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["changes"] == {"enabled": True, "priceSyncEnabled": True}


async def test_a_save_on_a_stale_revision_is_409_and_stores_nothing_the_tab_did_not_show(admin: Browser) -> None:
    tab_a, tab_b, company_id = await two_tabs_on_one_draft(admin)
    shown_in_a = await patch(admin, tab_a, tab_a["revision"], enabled=True)
    await patch(admin, tab_b, shown_in_a.json()["revision"], priceSyncEnabled=True)

    stale_save = await save_on(admin, tab_a, shown_in_a.json()["revision"])
    after_refusal = await settings_of(admin, company_id)
    reloaded = await read(admin, tab_a)
    saved = await save_on(admin, tab_a, reloaded["revision"])
    after_save = await settings_of(admin, company_id)

    assert stale_save.status_code == 409
    assert stale_save.json()["error"] == "draft_changed_elsewhere"
    assert stale_save.json()["message"] == CHANGED_ELSEWHERE
    assert after_refusal["version"] == 1
    assert after_refusal["enabled"]["value"] is False
    assert after_refusal["priceSyncEnabled"]["value"] is False
    assert reloaded["status"] == "open"
    assert saved.status_code == 200, saved.text
    assert after_save["enabled"]["value"] is True
    assert after_save["priceSyncEnabled"]["value"] is True


async def test_a_refused_or_empty_change_leaves_the_revision_so_the_other_tab_is_not_stopped(admin: Browser) -> None:
    tab_a, tab_b, _ = await two_tabs_on_one_draft(admin)

    refused = await patch(admin, tab_b, 1, unified=True)
    same_again = await patch(admin, tab_b, 1, enabled=False)
    from_a = await patch(admin, tab_a, 1, enabled=True)

    assert refused.status_code == 422
    assert same_again.status_code == 200
    assert same_again.json()["revision"] == 1
    assert from_a.status_code == 200, from_a.text
    assert from_a.json()["changes"] == {"enabled": True}


async def test_two_changes_sent_at_once_on_one_revision_store_only_one(admin: Browser) -> None:
    tab_a, tab_b, _ = await two_tabs_on_one_draft(admin)

    answers = await asyncio.gather(
        patch(admin, tab_a, 1, enabled=True),
        patch(admin, tab_b, 1, priceSyncEnabled=True),
    )
    draft = await read(admin, tab_a)

    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200)
    assert draft["changes"] == winner.json()["changes"]
    assert len(draft["changes"]) == 1
    assert draft["revision"] == 2


async def test_a_tab_whose_draft_was_saved_elsewhere_is_told_so_on_its_next_change_and_save(admin: Browser) -> None:
    tab_a, tab_b, company_id = await two_tabs_on_one_draft(admin)
    await patch(admin, tab_a, 1, enabled=True)
    saved_in_a = await save_on(admin, tab_a, 2)

    change_in_b = await patch(admin, tab_b, 1, priceSyncEnabled=True)
    save_in_b = await save_on(admin, tab_b, 1)

    assert saved_in_a.status_code == 200, saved_in_a.text
    for answer in (change_in_b, save_in_b):
        assert answer.status_code == 410
        assert answer.json()["error"] == "draft_saved"
        assert "saved" in answer.json()["message"]
    stored = await settings_of(admin, company_id)
    assert stored["version"] == 2
    assert stored["priceSyncEnabled"]["value"] is False


async def test_a_tab_whose_draft_was_discarded_elsewhere_is_told_so(admin: Browser) -> None:
    tab_a, tab_b, _ = await two_tabs_on_one_draft(admin)
    assert (await admin.delete(f"/api/edits/{tab_a['id']}")).status_code == 204

    change_in_b = await patch(admin, tab_b, 1, priceSyncEnabled=True)

    assert change_in_b.status_code == 410
    assert change_in_b.json()["error"] == "draft_cancelled"


async def test_a_token_from_the_popup_moves_the_revision_and_the_tab_learns_it_when_it_reads_the_draft(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    tab_a, _, company_id = await two_tabs_on_one_draft(admin)
    consent_url = await start(admin, tab_a["id"], "NA")
    after_start = await read(admin, tab_a)
    back = await confirm_at_amazon(amazon, consent_url, "A1SIMNASELLER1")
    assert (await admin.get(local(back))).status_code == 200

    before_reading = await save_on(admin, tab_a, tab_a["revision"])
    reread = await read(admin, tab_a)
    saved = await save_on(admin, tab_a, reread["revision"])

    assert after_start["revision"] == tab_a["revision"]
    assert before_reading.status_code == 409
    assert before_reading.json()["error"] == "draft_changed_elsewhere"
    assert reread["revision"] == tab_a["revision"] + 1
    assert [g["sellingPartnerId"] for g in reread["pendingGrants"]] == ["A1SIMNASELLER1"]
    assert saved.status_code == 200, saved.text
    assert connection(await settings_of(admin, company_id), "NA")["sellingPartnerId"] == "A1SIMNASELLER1"


async def test_a_change_or_save_without_a_revision_is_made_on_the_latest_one(admin: Browser) -> None:
    tab_a, tab_b, company_id = await two_tabs_on_one_draft(admin)
    await patch(admin, tab_b, 1, priceSyncEnabled=True)

    unchecked = await admin.patch(f"/api/edits/{tab_a['id']}", json={"enabled": True})
    saved = await admin.post(f"/api/edits/{tab_a['id']}/save", headers={"If-Match": f'"{tab_a["baseVersion"]}"'})

    assert unchecked.status_code == 200, unchecked.text
    assert unchecked.json()["changes"] == {"enabled": True, "priceSyncEnabled": True}
    assert saved.status_code == 200, saved.text
    assert (await settings_of(admin, company_id))["enabled"]["value"] is True


async def test_a_revision_that_is_not_one_is_a_400_naming_it(admin: Browser) -> None:
    tab_a, _, _ = await two_tabs_on_one_draft(admin)

    for revision in (0, "two", 10**12):
        change = await admin.patch(f"/api/edits/{tab_a['id']}", json={"revision": revision, "enabled": True})
        saving = await save_on(admin, tab_a, revision)
        for answer in (change, saving):
            assert answer.status_code == 400, (revision, answer.text)
            assert "revision" in str(answer.json()["fields"])
    assert (await read(admin, tab_a))["changes"] == {}
