"""The new token tried once at Amazon's redirect: the verdict in the draft, in plain words, and Save's confirmation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.amazon.tables import AmazonConnection
from tests.amazon_browser import local
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import begin_edit, change, connection, create_company, save, settings_of
from tests.integration.amazon.flows import confirm_at_amazon, get_token, start, through_login_uri

US, BR = "ATVPDKIKX0DER", "A2Q3Y263D00KWC"


async def _token(
    admin: Browser, amazon: AmazonSimulator, company_id: int, region: str, seller: str, **draft_changes: Any
) -> tuple[httpx.Response, dict[str, Any]]:
    """Get a token up to Amazon's redirect: our callback page and the draft with the token waiting in it."""
    draft = await begin_edit(admin, company_id)
    if draft_changes:
        assert (await change(admin, draft["id"], **draft_changes)).status_code == 200
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], region), seller)
    page = await admin.get(local(await through_login_uri(admin, back)))
    assert page.status_code == 200, page.text
    return page, (await admin.get(f"/api/edits/{draft['id']}")).json()


def _verdict(draft: dict[str, Any], region: str) -> dict[str, Any]:
    grant = next(g for g in draft["pendingGrants"] if g["region"] == region)
    verdict: dict[str, Any] = grant["verdict"]
    return verdict


async def test_the_right_account_is_confirmed_in_the_draft_with_its_marketplaces_and_saves_at_once(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")

    page, draft = await _token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    verdict = _verdict(draft, "NA")
    saved = await save(admin, draft)

    assert verdict["kind"] == "ok"
    assert verdict["message"] == "Amazon answered for US-01 in NA: Mexico, Canada, United States."
    assert verdict["needsConfirmation"] is False
    assert verdict["testedAt"]
    assert "Amazon answered for US-01 in NA" in page.text
    assert saved.status_code == 200
    assert connection(saved.json(), "NA")["status"] == "active"


async def test_a_login_to_the_wrong_region_is_caught_before_save_which_then_needs_a_confirmation(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")

    page, draft = await _token(admin, amazon, us["id"], "NA", "A1SIMEUSELLER1")  # an EU account, logged in for NA
    verdict = _verdict(draft, "NA")
    refused = await save(admin, draft)
    not_stored = connection(await settings_of(admin, us["id"]), "NA")
    confirmed = await save(admin, draft, {"confirmGrantVerdict": ["NA"]})

    assert verdict["kind"] == "wrong_region_or_role"
    assert verdict["message"] == (
        "Amazon refused this token in NA: the account you logged in to is probably in another region, or the app "
        "lacks the role. Get the token again, logging in to Seller Central for NA."
    )
    assert verdict["needsConfirmation"] is True
    assert "Amazon refused this token in NA" in page.text
    assert "Save asks you to confirm it." in page.text
    assert refused.status_code == 422
    assert refused.json()["error"] == "grant_verdict_unconfirmed"
    assert "NA" in refused.json()["message"]
    assert "Amazon refused this token in NA" in refused.json()["message"]
    assert refused.json()["fields"] == {"confirmGrantVerdict": "confirm NA"}
    assert not_stored["status"] == "not_connected"
    assert confirmed.status_code == 200
    assert connection(confirmed.json(), "NA")["sellingPartnerId"] == "A1SIMEUSELLER1"


async def test_a_vendor_login_to_the_wrong_region_names_vendor_central(admin: Browser, amazon: AmazonSimulator) -> None:
    vendor = await create_company(admin, "VEN-01")

    _, draft = await _token(admin, amazon, vendor["id"], "NA", "V1SIMEUVENDOR1", accountType="vendor")
    _, right = await _token(admin, amazon, vendor["id"], "NA", "V1SIMNAVENDOR1")

    assert _verdict(draft, "NA")["kind"] == "wrong_region_or_role"
    assert "logging in to Vendor Central for NA" in _verdict(draft, "NA")["message"]
    assert _verdict(right, "NA")["message"] == "Amazon answered for VEN-01 in NA."
    assert (await save(admin, right)).status_code == 200


async def test_an_account_that_lists_none_of_the_companys_marketplaces_there_needs_a_confirmation(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    _, draft = await _token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")  # sells in the US, Canada and Mexico

    brazil_only = (await change(admin, draft["id"], marketplaceIds=[BR])).json()
    refused = await save(admin, draft)
    with_the_us = (await change(admin, draft["id"], marketplaceIds=[BR, US])).json()

    verdict = _verdict(brazil_only, "NA")
    assert verdict["kind"] == "marketplaces_not_listed"
    assert verdict["message"].startswith("Amazon lists none of Brazil for this account: wrong account?")
    assert verdict["needsConfirmation"] is True
    assert refused.status_code == 422
    assert refused.json()["error"] == "grant_verdict_unconfirmed"
    assert "Amazon lists none of Brazil" in refused.json()["message"]
    assert _verdict(with_the_us, "NA")["kind"] == "ok"
    assert (await save(admin, with_the_us)).status_code == 200


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("error", {"status": 503, "count": 3}),
        ("malformed", {"count": 3}),
        ("throttle", {"count": 3}),
    ],
)
async def test_when_amazon_cannot_answer_the_token_still_arrives_and_saves_untested(
    admin: Browser, amazon: AmazonSimulator, kind: str, options: dict[str, Any]
) -> None:
    us = await create_company(admin, "US-01")
    await amazon.fault("sp-api", kind, operation="getMarketplaceParticipations", **options)

    page, draft = await _token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    verdict = _verdict(draft, "NA")
    saved = await save(admin, draft)

    assert "Save to store it" in page.text
    assert verdict["kind"] == "untested"
    assert verdict["message"].startswith("This token could not be tested now")
    assert verdict["message"].endswith("Save stores it untested.")
    assert verdict["needsConfirmation"] is False
    assert saved.status_code == 200
    assert connection(saved.json(), "NA")["status"] == "active"


async def test_with_the_sellers_quota_used_up_the_token_is_not_tested_and_amazon_is_not_asked(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    await save(admin, await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))
    while (await admin.post(f"/api/companies/{us['id']}/amazon/regions/NA/refresh")).json()["verdict"] == "ok":
        pass
    calls = (await amazon.counters())["sp-api.getMarketplaceParticipations"]

    _, draft = await _token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")

    assert _verdict(draft, "NA")["kind"] == "untested"
    assert (await amazon.counters())["sp-api.getMarketplaceParticipations"] == calls
    assert not [r for r in await amazon.requests(limit=1000) if r["status"] == 429]
    assert (await save(admin, draft)).status_code == 200


async def test_verdicts_speak_plain_words_never_codes(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")

    page, draft = await _token(admin, amazon, us["id"], "NA", "A1SIMEUSELLER1")
    message = _verdict(draft, "NA")["message"]

    for raw in ("wrong_region_or_role", "Access to requested resource is denied", "403", "Unauthorized"):
        assert raw not in message
        assert raw not in page.text
    assert await AmazonConnection.count() == 0
