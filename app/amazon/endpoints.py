"""Where Amazon answers: the real hosts, or the simulator that stands in for them (same paths, host in the path)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from app.amazon.regions import LWA_TOKEN_URL, MARKETPLACES, SANDBOX_HOSTS, SP_API_HOSTS, AccountType, Region
from app.config import Settings

# The consent host when no marketplace of the region is configured: the region's main Seller/Vendor Central.
DEFAULT_MARKETPLACE = {Region.NA: "ATVPDKIKX0DER", Region.EU: "A1F83G8C2ARO7P", Region.FE: "A1VC38T7YXB528"}


CENTRAL_HOSTS = frozenset(
    host for m in MARKETPLACES.values() for host in (m.seller_central, m.vendor_central) if host is not None
)


class AmazonEndpoints:
    """Builds every Amazon URL the product uses; in simulator mode each points at the simulator by real host name."""

    def __init__(self, settings: Settings) -> None:
        self.simulated = settings.amazon_mode == "simulator"
        self.sandbox = settings.amazon_environment == "sandbox"
        self.simulator = settings.simulator_url

    def _route(self, kind: str, url: str) -> str:
        if not self.simulated:
            return url
        parts = urlsplit(url)
        return f"{self.simulator}/{kind}/{parts.netloc}{parts.path}"

    @property
    def lwa_token_url(self) -> str:
        if not self.simulated:
            return LWA_TOKEN_URL
        return f"{self.simulator}{urlsplit(LWA_TOKEN_URL).path}"

    def sp_api(self, region: Region) -> str:
        host = (SANDBOX_HOSTS if self.sandbox else SP_API_HOSTS)[region]
        return self._route("sp", host)

    def central(self, region: Region, account_type: AccountType, marketplace_ids: list[str]) -> str:
        """Seller or Vendor Central of the region, for the first configured marketplace there."""
        in_region = [m for m in marketplace_ids if m in MARKETPLACES and MARKETPLACES[m].region == region]
        marketplace = MARKETPLACES[in_region[0] if in_region else DEFAULT_MARKETPLACE[region]]
        host = marketplace.seller_central if account_type == "seller" else marketplace.vendor_central
        if host is None:  # a marketplace without Vendor Central of its own: the region's default one
            host = MARKETPLACES[DEFAULT_MARKETPLACE[region]].vendor_central or marketplace.seller_central
        return self._route("central", host)

    def consent_url(self, central: str, *, application_id: str, state: str, redirect_uri: str, draft_app: bool) -> str:
        query = {"application_id": application_id, "state": state, "redirect_uri": redirect_uri}
        if draft_app:
            query["version"] = "beta"
        return f"{central}/apps/authorize/consent?{urlencode(query)}"

    def is_amazon_callback(self, url: str) -> bool:
        """Whether a Seller Central callback URI really is Amazon's (or the simulator's): no open redirects."""
        parts = urlsplit(url)
        if self.simulated:
            return url.startswith(f"{self.simulator}/central/") and not parts.fragment
        return parts.scheme == "https" and f"https://{parts.hostname}" in CENTRAL_HOSTS and not parts.fragment
