"""Amazon's published facts the simulator needs: regions, consent and SP-API hosts, marketplaces, usage plans."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

AccountType = Literal["seller", "vendor"]
LWA_HOST = "api.amazon.com"


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"


REGION_NAMES: dict[Region, str] = {Region.NA: "North America", Region.EU: "Europe", Region.FE: "Far East"}


@dataclass(frozen=True, slots=True)
class Marketplace:
    """One Amazon marketplace as getMarketplaceParticipations describes it."""

    id: str
    region: Region
    country_code: str
    name: str
    currency: str
    language: str
    domain: str


def _marketplace(mid: str, region: Region, cc: str, domain: str, currency: str, language: str) -> Marketplace:
    return Marketplace(mid, region, cc, f"Amazon.{domain}", currency, language, f"www.amazon.{domain}")


MARKETPLACES: dict[str, Marketplace] = {
    m.id: m
    for m in (
        _marketplace("A2EUQ1WTGCTBG2", Region.NA, "CA", "ca", "CAD", "en_CA"),
        _marketplace("ATVPDKIKX0DER", Region.NA, "US", "com", "USD", "en_US"),
        _marketplace("A1AM78C64UM0Y8", Region.NA, "MX", "com.mx", "MXN", "es_MX"),
        _marketplace("A2Q3Y263D00KWC", Region.NA, "BR", "com.br", "BRL", "pt_BR"),
        _marketplace("A28R8C7NBKEWEA", Region.EU, "IE", "ie", "EUR", "en_IE"),
        _marketplace("A1RKKUPIHCS9HS", Region.EU, "ES", "es", "EUR", "es_ES"),
        _marketplace("A1F83G8C2ARO7P", Region.EU, "GB", "co.uk", "GBP", "en_GB"),
        _marketplace("A13V1IB3VIYZZH", Region.EU, "FR", "fr", "EUR", "fr_FR"),
        _marketplace("AMEN7PMS3EDWL", Region.EU, "BE", "com.be", "EUR", "fr_BE"),
        _marketplace("A1805IZSGTT6HS", Region.EU, "NL", "nl", "EUR", "nl_NL"),
        _marketplace("A1PA6795UKMFR9", Region.EU, "DE", "de", "EUR", "de_DE"),
        _marketplace("APJ6JRA9NG5V4", Region.EU, "IT", "it", "EUR", "it_IT"),
        _marketplace("A2NODRKZP88ZB9", Region.EU, "SE", "se", "SEK", "sv_SE"),
        _marketplace("AE08WJ6YKNBMC", Region.EU, "ZA", "co.za", "ZAR", "en_ZA"),
        _marketplace("A1C3SOZRARQ6R3", Region.EU, "PL", "pl", "PLN", "pl_PL"),
        _marketplace("ARBP9OOSHTCHU", Region.EU, "EG", "eg", "EGP", "ar_EG"),
        _marketplace("A33AVAJ2PDY3EV", Region.EU, "TR", "com.tr", "TRY", "tr_TR"),
        _marketplace("A17E79C6D8DWNP", Region.EU, "SA", "sa", "SAR", "ar_SA"),
        _marketplace("A2VIGQ35RCS4UG", Region.EU, "AE", "ae", "AED", "en_AE"),
        _marketplace("A21TJRUUN4KGV", Region.EU, "IN", "in", "INR", "en_IN"),
        _marketplace("A19VAU5U5O7RUS", Region.FE, "SG", "sg", "SGD", "en_SG"),
        _marketplace("A39IBJ37TRP1C6", Region.FE, "AU", "com.au", "AUD", "en_AU"),
        _marketplace("A1VC38T7YXB528", Region.FE, "JP", "co.jp", "JPY", "ja_JP"),
    )
}


@dataclass(frozen=True, slots=True)
class ConsentHost:
    """A Seller Central or Vendor Central host: the region and the kind of account that logs in there."""

    region: Region
    account_type: AccountType


def _central(prefix: str, account_type: AccountType, region: Region, *suffixes: str) -> dict[str, ConsentHost]:
    return {f"{prefix}.amazon.{suffix}": ConsentHost(region, account_type) for suffix in suffixes}


CONSENT_HOSTS: dict[str, ConsentHost] = {
    **_central("sellercentral", "seller", Region.NA, "com", "ca", "com.mx", "com.br"),
    "sellercentral-europe.amazon.com": ConsentHost(Region.EU, "seller"),
    **_central("sellercentral", "seller", Region.EU, "nl", "se", "pl", "com.tr", "ae", "in", "com.be", "eg", "sa"),
    **_central("sellercentral", "seller", Region.EU, "co.za"),
    **_central("sellercentral", "seller", Region.FE, "sg", "com.au", "co.jp"),
    **_central("vendorcentral", "vendor", Region.NA, "com", "ca", "com.mx", "com.br"),
    **_central("vendorcentral", "vendor", Region.EU, "co.uk", "de", "fr", "it", "es", "nl", "se", "pl", "com.tr"),
    **_central("vendorcentral", "vendor", Region.EU, "in", "me"),
    **_central("vendorcentral", "vendor", Region.FE, "com.sg", "com.au", "co.jp"),
}


@dataclass(frozen=True, slots=True)
class ApiHost:
    """An SP-API endpoint host: its region, and whether it is the static sandbox."""

    region: Region
    sandbox: bool


SP_API_HOSTS: dict[str, ApiHost] = {
    f"{prefix}sellingpartnerapi-{region.lower()}.amazon.com": ApiHost(region, prefix == "sandbox.")
    for region in Region
    for prefix in ("", "sandbox.")
}


@dataclass(frozen=True, slots=True)
class Operation:
    """An SP-API operation the simulator serves: its model, path, usage plan and the account type it serves."""

    name: str
    model: str
    path: str
    rate: float
    burst: int
    account_type: AccountType


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            "getMarketplaceParticipations", "sellers.json", "/sellers/v1/marketplaceParticipations", 0.016, 15, "seller"
        ),
        Operation("getPurchaseOrders", "vendorOrders.json", "/vendor/orders/v1/purchaseOrders", 10.0, 10, "vendor"),
        Operation("getOrders", "ordersV0.json", "/orders/v0/orders", 0.0167, 20, "seller"),
    )
}
SANDBOX_RATE = 5.0
SANDBOX_BURST = 15
