"""The right Seller Central on the first consent: the country a company without a marketplace in the region picks."""

from __future__ import annotations

import pytest

from app.amazon.regions import MARKETPLACES, AccountType
from app.amazon.tables import OAuthFlow
from app.services import Services
from tests.amazon_browser import local
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import begin_edit, connection, create_company, save
from tests.integration.amazon.flows import confirm_at_amazon

AU, JP, DE = "A39IBJ37TRP1C6", "A1VC38T7YXB528", "A1PA6795UKMFR9"


async def test_an_australian_seller_without_a_marketplace_yet_is_sent_to_australias_seller_central(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    company = await create_company(admin, "AU-01")
    draft = await begin_edit(admin, company["id"])

    started = await admin.post(f"/api/edits/{draft['id']}/regions/FE/authorize", json={"marketplaceId": AU})
    consent_url = started.json()["consentUrl"]
    consent_page = await amazon.http.get(consent_url)
    back = await confirm_at_amazon(amazon, consent_url, "A1SIMAUSELLER1")
    await admin.get(local(back))
    waiting = (await admin.get(f"/api/edits/{draft['id']}")).json()
    saved = await save(admin, draft)

    assert started.status_code == 200, started.text
    assert "/central/sellercentral.amazon.com.au/apps/authorize/consent?" in consent_url
    assert consent_page.status_code == 200
    assert "sellercentral.amazon.com.au" in consent_page.text
    assert waiting["pendingGrants"][0]["verdict"]["message"] == "Amazon answered for AU-01 in FE: Australia."
    assert saved.status_code == 200
    assert connection(saved.json(), "FE")["sellingPartnerId"] == "A1SIMAUSELLER1"


async def test_without_a_choice_the_configured_marketplace_decides_and_a_choice_overrides_it(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    company = await create_company(admin, "JP-01")
    draft = await begin_edit(admin, company["id"])
    plain = await admin.post(f"/api/edits/{draft['id']}/regions/FE/authorize")
    back = await confirm_at_amazon(amazon, plain.json()["consentUrl"], "A1SIMAUSELLER1")
    await admin.get(local(back))
    assert (await admin.patch(f"/api/edits/{draft['id']}", json={"marketplaceIds": [AU]})).status_code == 200

    configured = await admin.post(f"/api/edits/{draft['id']}/regions/FE/authorize")
    chosen = await admin.post(f"/api/edits/{draft['id']}/regions/FE/authorize", json={"marketplaceId": JP})

    assert "/central/sellercentral.amazon.co.jp/" in plain.json()["consentUrl"]  # the region's main site
    assert "/central/sellercentral.amazon.com.au/" in configured.json()["consentUrl"]
    assert "/central/sellercentral.amazon.co.jp/" in chosen.json()["consentUrl"]


@pytest.mark.parametrize(
    ("body", "status", "error", "words"),
    [
        ({"marketplaceId": DE}, 422, "marketplace_not_in_region", "Germany (A1PA6795UKMFR9) is in region EU, not FE"),
        (
            {"marketplaceId": "A0NOSUCHMARKET"},
            422,
            "unknown_marketplace",
            "A0NOSUCHMARKET is not an Amazon marketplace",
        ),
        ({"marketplaceId": "au"}, 400, "bad_input", "marketplaceId"),
        ({"country": "AU"}, 400, "bad_input", "country"),
    ],
)
async def test_a_marketplace_not_of_the_region_is_refused_naming_it_and_nothing_starts(
    admin: Browser, body: dict[str, str], status: int, error: str, words: str
) -> None:
    company = await create_company(admin, "AU-01")
    draft = await begin_edit(admin, company["id"])

    response = await admin.post(f"/api/edits/{draft['id']}/regions/FE/authorize", json=body)

    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert words in response.json()["message"] + str(response.json()["fields"])
    if status == 422:
        assert "Australia (A39IBJ37TRP1C6)" in response.json()["message"]  # what to choose instead
        assert list(response.json()["fields"]) == ["marketplaceId"]
    assert await OAuthFlow.count() == 0


@pytest.mark.parametrize("account_type", ["seller", "vendor"])
async def test_the_simulator_offers_the_consent_at_every_central_site_a_country_choice_can_lead_to(
    services: Services, amazon: AmazonSimulator, account_type: AccountType
) -> None:
    creds = await services.app_credentials.required(account_type, services.config.amazon_environment)
    refused = {}
    for marketplace in MARKETPLACES.values():
        central = services.endpoints.central(marketplace.region, account_type, [marketplace.id])
        url = services.endpoints.consent_url(
            central,
            application_id=creds["application_id"],
            state="state-of-a-test",
            redirect_uri=creds["redirect_uri"],
            draft_app=False,
        )
        page = await amazon.http.get(url)
        if page.status_code != 200 or "Confirm" not in page.text:
            refused[marketplace.name] = (central, page.status_code)

    assert refused == {}
