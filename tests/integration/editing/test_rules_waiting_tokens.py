"""Tokens waiting in a draft, as the draft rules judge them: what they allow, what they refuse, what Save asks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.amazon.regions import Region
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import change, connect, connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token

US, CA, MX = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"
DE, BR = "A1PA6795UKMFR9", "A2Q3Y263D00KWC"
REFUSED = (
    "Amazon refused this token in {region}: the account you logged in to is probably in another region, or the app "
    "lacks the role. Get the token again, logging in to Seller Central for {region}."
)


def _verdict(draft: dict[str, Any], region: str) -> dict[str, Any]:
    verdict: dict[str, Any] = next(g for g in draft["pendingGrants"] if g["region"] == region)["verdict"]
    return verdict


async def test_a_waiting_tokens_verdict_is_judged_against_the_marketplaces_the_draft_would_store(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    before = services.clock.now()
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    after = services.clock.now()

    brazil_only = (await change(admin, draft["id"], marketplaceIds=[BR])).json()

    seen = sorted([US, CA, MX])  # the account sells in all three
    tested = dict(_verdict(draft, "NA"))
    tested_at = datetime.fromisoformat(tested.pop("testedAt"))
    assert before <= tested_at <= after
    assert tested == {
        "kind": "ok",
        "message": "Amazon answered for US-01 in NA: Mexico, Canada, United States.",
        "needsConfirmation": False,
        "marketplacesSeen": seen,
    }
    rejudged = dict(_verdict(brazil_only, "NA"))
    assert datetime.fromisoformat(rejudged.pop("testedAt")) == tested_at
    assert rejudged == {
        "kind": "marketplaces_not_listed",
        "message": "Amazon lists none of Brazil for this account: wrong account? Get the token again, logging in to "
        "the Seller Central account that sells there.",
        "needsConfirmation": True,
        "marketplacesSeen": seen,
    }


async def test_save_names_every_region_whose_new_token_needs_a_confirmation_until_each_is_confirmed(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    await get_token(admin, amazon, us["id"], "NA", "A1SIMEUSELLER1")  # an EU account, logged in for NA
    draft = await get_token(admin, amazon, us["id"], "EU", "A1SIMNASELLER1")  # and the other way round

    both = await save(admin, draft, {"revision": draft["revision"]})
    one = await save(admin, draft, {"revision": draft["revision"], "confirmGrantVerdict": ["EU"]})
    not_stored = await settings_of(admin, us["id"])
    all_confirmed = await save(admin, draft, {"revision": draft["revision"], "confirmGrantVerdict": ["EU", "NA"]})

    assert both.status_code == 422
    assert both.json() == {
        "error": "grant_verdict_unconfirmed",
        "message": "Save needs a confirmation for the new token for EU, NA. "
        f"EU: {REFUSED.format(region='EU')} NA: {REFUSED.format(region='NA')} To save it anyway, confirm EU, NA.",
        "fields": {"confirmGrantVerdict": "confirm EU, NA"},
    }
    assert one.status_code == 422
    assert one.json() == {
        "error": "grant_verdict_unconfirmed",
        "message": f"Save needs a confirmation for the new token for NA. NA: {REFUSED.format(region='NA')} To save "
        "it anyway, confirm NA.",
        "fields": {"confirmGrantVerdict": "confirm NA"},
    }
    assert {c["region"]: c["status"] for c in not_stored["connections"]} == {
        "NA": "not_connected",
        "EU": "not_connected",
        "FE": "not_connected",
    }
    assert all_confirmed.status_code == 200, all_confirmed.text
    assert connection(all_confirmed.json(), "NA")["sellingPartnerId"] == "A1SIMEUSELLER1"
    assert connection(all_confirmed.json(), "EU")["sellingPartnerId"] == "A1SIMNASELLER1"


async def test_a_draft_holding_new_tokens_cannot_make_the_company_unified(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    uk = await create_company(admin, "UK-01", parent=us["id"])
    await get_token(admin, amazon, uk["id"], "NA", "A1SIMNASELLER1")
    draft = await get_token(admin, amazon, uk["id"], "EU", "A1SIMEUSELLER1")

    refused = await change(admin, draft["id"], unified=True)

    assert refused.status_code == 422
    assert refused.json() == {
        "error": "grant_on_member",
        "message": "This draft holds a new token for EU, NA; a unified company cannot keep tokens of its own. Cancel "
        "the draft to discard the token, or keep UK-01 not unified.",
        "fields": {"unified": "the draft holds a token of this company's own"},
    }


async def test_a_new_token_in_the_draft_adds_its_region_to_the_stored_connections(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1SIMNASELLER1")
    draft = await get_token(admin, amazon, us["id"], "EU", "A1SIMEUSELLER1")

    changed = await change(admin, draft["id"], marketplaceIds=[US, DE])
    saved = await save(admin, draft)

    assert changed.status_code == 200, changed.text
    assert changed.json()["values"]["marketplaceIds"] == [US, DE]
    assert saved.status_code == 200, saved.text
    assert saved.json()["marketplaceIds"]["value"] == [US, DE]
