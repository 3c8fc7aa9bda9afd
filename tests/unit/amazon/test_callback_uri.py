"""amazon_callback_uri against real Amazon: only the region's own Central pages, parsed, never a prefix match."""

from __future__ import annotations

import pytest

from app.amazon.endpoints import AmazonEndpoints
from app.amazon.regions import Region
from app.config import load_settings
from app.lib.errors import BadInput

PRODUCTION = AmazonEndpoints(load_settings({"AMAZON_MODE": "production"}))
CENTRAL_NA = "https://sellercentral.amazon.com"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.x?x=1",
            "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.x?x=1",
        ),
        (
            "https://SellerCentral.Amazon.com/apps/authorize/confirm/a",
            "https://sellercentral.amazon.com/apps/authorize/confirm/a",
        ),
        (
            "https://sellercentral.amazon.ca/apps/authorize/confirm/a",
            "https://sellercentral.amazon.ca/apps/authorize/confirm/a",
        ),
        # Amazon sometimes sends a relative URI: it is resolved against the flow's Central site.
        (
            "/apps/authorize/confirm/amzn1.sp.solution.x",
            "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.x",
        ),
    ],
)
def test_amazons_own_callback_pages_are_accepted(uri: str, expected: str) -> None:
    assert PRODUCTION.amazon_callback(uri, Region.NA, "seller", CENTRAL_NA) == expected


@pytest.mark.parametrize(
    "uri",
    [
        "http://sellercentral.amazon.com/apps/authorize/confirm/a",  # not https
        "https://sellercentral.amazon.com.evil.example/apps/authorize/confirm/a",
        "https://evil.example/apps/authorize/confirm/a",
        "https://sellercentral-europe.amazon.com/apps/authorize/confirm/a",  # another region's Central
        "https://vendorcentral.amazon.com/apps/authorize/confirm/a",  # another account type's Central
        "https://sellercentral.amazon.com:8443/apps/authorize/confirm/a",
        "https://user:pw@sellercentral.amazon.com/apps/authorize/confirm/a",
        "https://evil.example@sellercentral.amazon.com/apps/authorize/confirm/a",
        "https://sellercentral.amazon.com/apps/authorize/../../oauth/amazon/callback",
        "https://sellercentral.amazon.com/apps/authorize/%2e%2e/%2e%2e/x",
        "https://sellercentral.amazon.com/apps/authorize/confirm\\..\\..\\x",
        "https://sellercentral.amazon.com/apps/authorize/confirm/a#fragment",
        "https://sellercentral.amazon.com/somewhere/else",
        "https://sellercentral.amazon.com/apps/authorize//confirm",
        "https://sellercentral.amazon.com./apps/authorize/confirm/a",
        "//evil.example/apps/authorize/confirm/a",
        "apps/authorize/confirm/a",
        "javascript:alert(1)",
        "http://[",
        "http://a\uff0fb/",
        "https://sellercentral.amazon.com/apps/authorize/confirm/a\n",
        "",
    ],
)
def test_everything_else_is_refused_with_a_clear_400(uri: str) -> None:
    with pytest.raises(BadInput) as refused:
        PRODUCTION.amazon_callback(uri, Region.NA, "seller", CENTRAL_NA)

    assert refused.value.code == "foreign_callback"
    assert "not Amazon's" in refused.value.message


def test_each_region_accepts_its_own_central_sites_only() -> None:
    eu = "https://sellercentral-europe.amazon.com/apps/authorize/confirm/a"
    jp = "https://sellercentral.amazon.co.jp/apps/authorize/confirm/a"
    vendor_uk = "https://vendorcentral.amazon.co.uk/apps/authorize/confirm/a"

    assert PRODUCTION.amazon_callback(eu, Region.EU, "seller", eu) == eu
    assert PRODUCTION.amazon_callback(jp, Region.FE, "seller", jp) == jp
    assert PRODUCTION.amazon_callback(vendor_uk, Region.EU, "vendor", vendor_uk) == vendor_uk
    with pytest.raises(BadInput):
        PRODUCTION.amazon_callback(jp, Region.EU, "seller", eu)


@pytest.mark.parametrize(
    ("uri", "region"),
    [
        ("https://sellercentral.amazon.co.uk/apps/authorize/confirm/a", Region.EU),
        ("https://sellercentral.amazon.de/apps/authorize/confirm/a", Region.EU),
        ("https://sellercentral.amazon.ie/apps/authorize/confirm/a", Region.EU),
        ("https://sellercentral-japan.amazon.com/apps/authorize/confirm/a", Region.FE),
        ("https://sellercentral.amazon.in/apps/authorize/confirm/a", Region.EU),
    ],
)
def test_the_country_seller_central_sites_amazon_uses_are_accepted_for_their_region(uri: str, region: Region) -> None:
    assert PRODUCTION.amazon_callback(uri, region, "seller", "https://unused.example") == uri
    assert PRODUCTION.callback_site(uri) == (region, "seller")
    with pytest.raises(BadInput):
        PRODUCTION.amazon_callback(uri, Region.NA, "seller", CENTRAL_NA)


def test_in_simulator_mode_a_relative_uri_resolves_under_the_simulated_central_site() -> None:
    simulated = AmazonEndpoints(load_settings({"AMAZON_MODE": "simulator", "AMAZON_SIM_URL": "http://127.0.0.1:9/sim"}))
    central = "http://127.0.0.1:9/sim/central/sellercentral.amazon.com"

    resolved = simulated.amazon_callback("/apps/authorize/callback", Region.NA, "seller", central)

    assert resolved == f"{central}/apps/authorize/callback"
    assert simulated.callback_site(resolved) == (Region.NA, "seller")
    with pytest.raises(BadInput):
        simulated.amazon_callback("/apps/authorize/confirm/x", Region.NA, "seller", central)
