"""The regions catalogue: marketplaces, SP-API hosts and consent hosts (Amazon's published facts)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Literal

import msgspec

from app.lib.errors import RuleViolation


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"


REGIONS: tuple[Region, ...] = (Region.NA, Region.EU, Region.FE)
AccountType = Literal["seller", "vendor"]


class Marketplace(msgspec.Struct, frozen=True, rename="camel"):
    id: str
    region: Region
    country_code: str
    name: str
    seller_central: str
    vendor_central: str | None


def _mp(mid: str, region: Region, cc: str, name: str, seller: str, vendor: str | None) -> Marketplace:
    return Marketplace(mid, region, cc, name, f"https://{seller}", f"https://{vendor}" if vendor else None)


_EU_SC = "sellercentral-europe.amazon.com"
MARKETPLACES: dict[str, Marketplace] = {
    m.id: m
    for m in (
        _mp("A2EUQ1WTGCTBG2", Region.NA, "CA", "Canada", "sellercentral.amazon.ca", "vendorcentral.amazon.ca"),
        _mp("ATVPDKIKX0DER", Region.NA, "US", "United States", "sellercentral.amazon.com", "vendorcentral.amazon.com"),
        _mp("A1AM78C64UM0Y8", Region.NA, "MX", "Mexico", "sellercentral.amazon.com.mx", "vendorcentral.amazon.com.mx"),
        _mp("A2Q3Y263D00KWC", Region.NA, "BR", "Brazil", "sellercentral.amazon.com.br", "vendorcentral.amazon.com.br"),
        _mp("A28R8C7NBKEWEA", Region.EU, "IE", "Ireland", _EU_SC, None),
        _mp("A1RKKUPIHCS9HS", Region.EU, "ES", "Spain", _EU_SC, "vendorcentral.amazon.es"),
        _mp("A1F83G8C2ARO7P", Region.EU, "GB", "United Kingdom", _EU_SC, "vendorcentral.amazon.co.uk"),
        _mp("A13V1IB3VIYZZH", Region.EU, "FR", "France", _EU_SC, "vendorcentral.amazon.fr"),
        _mp("AMEN7PMS3EDWL", Region.EU, "BE", "Belgium", "sellercentral.amazon.com.be", None),
        _mp("A1805IZSGTT6HS", Region.EU, "NL", "Netherlands", "sellercentral.amazon.nl", "vendorcentral.amazon.nl"),
        _mp("A1PA6795UKMFR9", Region.EU, "DE", "Germany", _EU_SC, "vendorcentral.amazon.de"),
        _mp("APJ6JRA9NG5V4", Region.EU, "IT", "Italy", _EU_SC, "vendorcentral.amazon.it"),
        _mp("A2NODRKZP88ZB9", Region.EU, "SE", "Sweden", "sellercentral.amazon.se", "vendorcentral.amazon.se"),
        _mp("AE08WJ6YKNBMC", Region.EU, "ZA", "South Africa", "sellercentral.amazon.co.za", None),
        _mp("A1C3SOZRARQ6R3", Region.EU, "PL", "Poland", "sellercentral.amazon.pl", "vendorcentral.amazon.pl"),
        _mp("ARBP9OOSHTCHU", Region.EU, "EG", "Egypt", "sellercentral.amazon.eg", "vendorcentral.amazon.me"),
        _mp("A33AVAJ2PDY3EV", Region.EU, "TR", "Turkey", "sellercentral.amazon.com.tr", "vendorcentral.amazon.com.tr"),
        _mp("A17E79C6D8DWNP", Region.EU, "SA", "Saudi Arabia", "sellercentral.amazon.sa", "vendorcentral.amazon.me"),
        _mp(
            "A2VIGQ35RCS4UG",
            Region.EU,
            "AE",
            "United Arab Emirates",
            "sellercentral.amazon.ae",
            "vendorcentral.amazon.me",
        ),
        _mp("A21TJRUUN4KGV", Region.EU, "IN", "India", "sellercentral.amazon.in", "vendorcentral.amazon.in"),
        _mp("A19VAU5U5O7RUS", Region.FE, "SG", "Singapore", "sellercentral.amazon.sg", "vendorcentral.amazon.com.sg"),
        _mp(
            "A39IBJ37TRP1C6", Region.FE, "AU", "Australia", "sellercentral.amazon.com.au", "vendorcentral.amazon.com.au"
        ),
        _mp("A1VC38T7YXB528", Region.FE, "JP", "Japan", "sellercentral.amazon.co.jp", "vendorcentral.amazon.co.jp"),
    )
}

# Country Seller Central sites that Amazon's callback pages have been seen on, besides the marketplaces' own
# (FACTS §1 marks them uncertain): accepted as amazon_callback_uri hosts, never used to start a consent.
EXTRA_SELLER_CENTRAL_HOSTS: dict[Region, tuple[str, ...]] = {
    Region.NA: (),
    Region.EU: ("sellercentral.amazon.co.uk", "sellercentral.amazon.de", "sellercentral.amazon.ie"),
    Region.FE: ("sellercentral-japan.amazon.com",),
}


@cache
def central_hosts(region: Region, account_type: AccountType) -> frozenset[str]:
    """The host names of the region's Seller (or Vendor) Central sites, lower case, without scheme."""
    sites = {
        m.seller_central if account_type == "seller" else m.vendor_central
        for m in MARKETPLACES.values()
        if m.region == region
    }
    hosts = {site.removeprefix("https://") for site in sites if site}
    if account_type == "seller":
        hosts.update(EXTRA_SELLER_CENTRAL_HOSTS[region])
    return frozenset(hosts)


def central_site_of(host: str) -> tuple[Region, AccountType] | None:
    """The region and account type whose Seller or Vendor Central `host` is (None: not Amazon's)."""
    account_types: tuple[AccountType, ...] = ("seller", "vendor")
    for region in Region:
        for account_type in account_types:
            if host.lower() in central_hosts(region, account_type):
                return region, account_type
    return None


SP_API_HOSTS: dict[Region, str] = {
    Region.NA: "https://sellingpartnerapi-na.amazon.com",
    Region.EU: "https://sellingpartnerapi-eu.amazon.com",
    Region.FE: "https://sellingpartnerapi-fe.amazon.com",
}
SANDBOX_HOSTS: dict[Region, str] = {
    Region.NA: "https://sandbox.sellingpartnerapi-na.amazon.com",
    Region.EU: "https://sandbox.sellingpartnerapi-eu.amazon.com",
    Region.FE: "https://sandbox.sellingpartnerapi-fe.amazon.com",
}
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"  # noqa: S105 (a URL, not a secret)


def check_marketplace(marketplace_id: str, region: Region) -> None:
    """The marketplace chosen for the consent must be one of the region's: its Central site is where Amazon asks."""
    marketplace = MARKETPLACES.get(marketplace_id)
    in_region = ", ".join(f"{m.name} ({m.id})" for m in MARKETPLACES.values() if m.region == region)
    if marketplace is None:
        raise RuleViolation(
            f"{marketplace_id} is not an Amazon marketplace: choose one of {region}'s: {in_region}.",
            code="unknown_marketplace",
            fields={"marketplaceId": f"unknown marketplace {marketplace_id}"},
        )
    if marketplace.region != region:
        raise RuleViolation(
            f"{marketplace.name} ({marketplace_id}) is in region {marketplace.region}, not {region}: choose one of "
            f"{region}'s: {in_region}.",
            code="marketplace_not_in_region",
            fields={"marketplaceId": f"{marketplace.name} is in region {marketplace.region}"},
        )
