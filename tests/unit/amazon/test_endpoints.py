"""Which Amazon host each call goes to: Amazon's own in production (FACTS §1), the simulator's paths in simulator mode.

The expected hosts are written out here from FACTS.md, not read from the regions catalogue, so a host swapped there
fails a test.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.amazon.endpoints import AmazonEndpoints
from app.amazon.regions import MARKETPLACES, AccountType, Region
from app.config import load_settings

PRODUCTION = AmazonEndpoints(load_settings({"AMAZON_MODE": "production"}))
SANDBOX = AmazonEndpoints(load_settings({"AMAZON_MODE": "production", "AMAZON_ENVIRONMENT": "sandbox"}))
SIMULATOR_URL = "http://127.0.0.1:9/_sim/amazon"
SIMULATED = AmazonEndpoints(load_settings({"AMAZON_MODE": "simulator", "AMAZON_SIM_URL": SIMULATOR_URL}))

# FACTS §1, "Consent hosts": each marketplace's Seller Central and Vendor Central.
SELLER_CENTRAL = {
    "ATVPDKIKX0DER": "sellercentral.amazon.com",  # US
    "A2EUQ1WTGCTBG2": "sellercentral.amazon.ca",
    "A1AM78C64UM0Y8": "sellercentral.amazon.com.mx",
    "A2Q3Y263D00KWC": "sellercentral.amazon.com.br",
    "A1F83G8C2ARO7P": "sellercentral-europe.amazon.com",  # UK
    "A1PA6795UKMFR9": "sellercentral-europe.amazon.com",  # DE
    "A13V1IB3VIYZZH": "sellercentral-europe.amazon.com",  # FR
    "APJ6JRA9NG5V4": "sellercentral-europe.amazon.com",  # IT
    "A1RKKUPIHCS9HS": "sellercentral-europe.amazon.com",  # ES
    "A28R8C7NBKEWEA": "sellercentral-europe.amazon.com",  # IE
    "A1805IZSGTT6HS": "sellercentral.amazon.nl",
    "A2NODRKZP88ZB9": "sellercentral.amazon.se",
    "A1C3SOZRARQ6R3": "sellercentral.amazon.pl",
    "A33AVAJ2PDY3EV": "sellercentral.amazon.com.tr",
    "A2VIGQ35RCS4UG": "sellercentral.amazon.ae",
    "A21TJRUUN4KGV": "sellercentral.amazon.in",
    "AMEN7PMS3EDWL": "sellercentral.amazon.com.be",
    "ARBP9OOSHTCHU": "sellercentral.amazon.eg",
    "A17E79C6D8DWNP": "sellercentral.amazon.sa",
    "AE08WJ6YKNBMC": "sellercentral.amazon.co.za",
    "A19VAU5U5O7RUS": "sellercentral.amazon.sg",
    "A39IBJ37TRP1C6": "sellercentral.amazon.com.au",
    "A1VC38T7YXB528": "sellercentral.amazon.co.jp",
}
VENDOR_CENTRAL = {
    "ATVPDKIKX0DER": "vendorcentral.amazon.com",
    "A2EUQ1WTGCTBG2": "vendorcentral.amazon.ca",
    "A1AM78C64UM0Y8": "vendorcentral.amazon.com.mx",
    "A2Q3Y263D00KWC": "vendorcentral.amazon.com.br",
    "A1F83G8C2ARO7P": "vendorcentral.amazon.co.uk",
    "A1PA6795UKMFR9": "vendorcentral.amazon.de",
    "A13V1IB3VIYZZH": "vendorcentral.amazon.fr",
    "APJ6JRA9NG5V4": "vendorcentral.amazon.it",
    "A1RKKUPIHCS9HS": "vendorcentral.amazon.es",
    "A1805IZSGTT6HS": "vendorcentral.amazon.nl",
    "A2NODRKZP88ZB9": "vendorcentral.amazon.se",
    "A1C3SOZRARQ6R3": "vendorcentral.amazon.pl",
    "A33AVAJ2PDY3EV": "vendorcentral.amazon.com.tr",
    "A21TJRUUN4KGV": "vendorcentral.amazon.in",
    "ARBP9OOSHTCHU": "vendorcentral.amazon.me",  # EG
    "A2VIGQ35RCS4UG": "vendorcentral.amazon.me",  # AE
    "A17E79C6D8DWNP": "vendorcentral.amazon.me",  # SA
    "A19VAU5U5O7RUS": "vendorcentral.amazon.com.sg",
    "A39IBJ37TRP1C6": "vendorcentral.amazon.com.au",
    "A1VC38T7YXB528": "vendorcentral.amazon.co.jp",
}
# A marketplace without a Vendor Central of its own is sent to its region's main one (IE, BE, ZA: the UK's).
VENDOR_FALLBACK = dict.fromkeys(["A28R8C7NBKEWEA", "AMEN7PMS3EDWL", "AE08WJ6YKNBMC"], "vendorcentral.amazon.co.uk")
REGION_OF = {
    **dict.fromkeys(["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"], Region.NA),
    **dict.fromkeys(["A19VAU5U5O7RUS", "A39IBJ37TRP1C6", "A1VC38T7YXB528"], Region.FE),
}


AMAZON_HOST = re.compile(
    r"[a-z-]+(\.[a-z-]+)?\.amazon\.(com|ca|com\.mx|com\.br|co\.uk|de|fr|it|es|nl|se|pl|com\.tr|"
    r"in|me|ae|sa|eg|co\.za|com\.be|sg|com\.sg|com\.au|co\.jp)"
)


def _region(marketplace_id: str) -> Region:
    return REGION_OF.get(marketplace_id, Region.EU)


def test_lwa_is_amazons_one_token_endpoint_for_every_region() -> None:
    # FACTS §1: "One token endpoint serves all regions" (the sandbox too).
    assert PRODUCTION.lwa_token_url == "https://api.amazon.com/auth/o2/token"
    assert SANDBOX.lwa_token_url == "https://api.amazon.com/auth/o2/token"


@pytest.mark.parametrize(
    ("region", "host"),
    [
        (Region.NA, "https://sellingpartnerapi-na.amazon.com"),
        (Region.EU, "https://sellingpartnerapi-eu.amazon.com"),
        (Region.FE, "https://sellingpartnerapi-fe.amazon.com"),
    ],
)
def test_sp_api_calls_go_to_the_regions_own_host_and_its_sandbox(region: Region, host: str) -> None:
    assert PRODUCTION.sp_api(region) == host
    assert SANDBOX.sp_api(region) == host.replace("https://", "https://sandbox.")


def test_the_catalogue_covers_exactly_the_marketplaces_facts_lists() -> None:
    assert set(MARKETPLACES) == set(SELLER_CENTRAL)
    assert {m.id: m.region for m in MARKETPLACES.values()} == {m: _region(m) for m in SELLER_CENTRAL}


@pytest.mark.parametrize("marketplace_id", sorted(SELLER_CENTRAL))
@pytest.mark.parametrize("account_type", ["seller", "vendor"])
def test_the_consent_opens_on_the_marketplaces_own_central_site(marketplace_id: str, account_type: AccountType) -> None:
    expected = (SELLER_CENTRAL if account_type == "seller" else {**VENDOR_CENTRAL, **VENDOR_FALLBACK})[marketplace_id]

    central = PRODUCTION.central(_region(marketplace_id), account_type, [marketplace_id])

    assert central == f"https://{expected}"
    # The same site in sandbox: the consent is Amazon's real one, only SP-API calls change host.
    assert SANDBOX.central(_region(marketplace_id), account_type, [marketplace_id]) == central


@pytest.mark.parametrize(
    ("region", "seller", "vendor"),
    [
        (Region.NA, "sellercentral.amazon.com", "vendorcentral.amazon.com"),
        (Region.EU, "sellercentral-europe.amazon.com", "vendorcentral.amazon.co.uk"),
        (Region.FE, "sellercentral.amazon.co.jp", "vendorcentral.amazon.co.jp"),
    ],
)
def test_without_a_marketplace_of_the_region_the_regions_main_site_is_used(
    region: Region, seller: str, vendor: str
) -> None:
    elsewhere = ["A1PA6795UKMFR9"] if region != Region.EU else ["ATVPDKIKX0DER"]  # only another region's

    assert PRODUCTION.central(region, "seller", []) == f"https://{seller}"
    assert PRODUCTION.central(region, "vendor", elsewhere) == f"https://{vendor}"


def test_the_first_configured_marketplace_of_the_region_chooses_the_site() -> None:
    configured = ["A1PA6795UKMFR9", "A1VC38T7YXB528", "A39IBJ37TRP1C6"]  # DE, JP, AU

    assert PRODUCTION.central(Region.FE, "seller", configured) == "https://sellercentral.amazon.co.jp"
    assert PRODUCTION.central(Region.EU, "vendor", configured) == "https://vendorcentral.amazon.de"


def test_the_consent_url_is_amazons_documented_one() -> None:
    url = PRODUCTION.consent_url(
        "https://sellercentral.amazon.com",
        application_id="amzn1.sp.solution.abc",
        state="s t&ate",
        redirect_uri="https://erp.example.com/oauth/amazon/callback",
        draft_app=True,
    )
    parts = urlsplit(url)

    assert (parts.scheme, parts.netloc, parts.path) == ("https", "sellercentral.amazon.com", "/apps/authorize/consent")
    assert parse_qs(parts.query) == {
        "application_id": ["amzn1.sp.solution.abc"],
        "state": ["s t&ate"],
        "redirect_uri": ["https://erp.example.com/oauth/amazon/callback"],
        "version": ["beta"],
    }
    published = PRODUCTION.consent_url(
        "https://sellercentral.amazon.com", application_id="a", state="s", redirect_uri="r", draft_app=False
    )
    assert "version" not in parse_qs(urlsplit(published).query)


def test_in_simulator_mode_every_url_points_at_the_simulator_by_amazons_host_name() -> None:
    assert SIMULATED.lwa_token_url == f"{SIMULATOR_URL}/auth/o2/token"
    assert SIMULATED.sp_api(Region.EU) == f"{SIMULATOR_URL}/sp/sellingpartnerapi-eu.amazon.com"
    assert SIMULATED.central(Region.FE, "seller", ["A39IBJ37TRP1C6"]) == (
        f"{SIMULATOR_URL}/central/sellercentral.amazon.com.au"
    )


def test_in_production_no_url_points_at_the_simulator() -> None:
    urls = [PRODUCTION.lwa_token_url, *(PRODUCTION.sp_api(r) for r in Region)]
    urls += [PRODUCTION.central(_region(m), t, [m]) for m in SELLER_CENTRAL for t in ("seller", "vendor")]

    assert {urlsplit(u).scheme for u in urls} == {"https"}
    assert [u for u in urls if not AMAZON_HOST.fullmatch(urlsplit(u).netloc)] == []
    assert [u for u in urls if urlsplit(u).path not in ("", "/auth/o2/token")] == []
