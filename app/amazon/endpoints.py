"""Where Amazon answers: the real hosts, or the simulator that stands in for them (same paths, host in the path)."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from app.amazon.regions import (
    LWA_TOKEN_URL,
    MARKETPLACES,
    SANDBOX_HOSTS,
    SP_API_HOSTS,
    AccountType,
    Region,
    central_hosts,
    central_site_of,
)
from app.config import Settings
from app.lib.errors import BadInput

# The consent host when no marketplace of the region is configured: the region's main Seller/Vendor Central.
DEFAULT_MARKETPLACE = {Region.NA: "ATVPDKIKX0DER", Region.EU: "A1F83G8C2ARO7P", Region.FE: "A1VC38T7YXB528"}


# The simulator's renewal page, under /central/{host}: where its Re-Authorize sends the browser back.
_SIM_CALLBACK_PATH = "/apps/authorize/callback"
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
# Whitespace, control characters and backslashes: browsers and parsers disagree about them, so none is accepted.
_UNSAFE_URL_CHARACTERS = re.compile(r"[\\\s\x00-\x1f\x7f]")


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

    @staticmethod
    def foreign_callback() -> BadInput:
        """The refusal of an amazon_callback_uri that is not Amazon's page."""
        return BadInput(
            "The callback address is not Amazon's; nothing was done.",
            code="foreign_callback",
            fields={"amazon_callback_uri": "not an Amazon Seller or Vendor Central address of this region"},
        )

    def callback_site(self, url: str) -> tuple[Region, AccountType] | None:
        """The region and account type of the Central site an absolute amazon_callback_uri names (None: none).

        Only a hint for choosing the flow; `amazon_callback` then checks the URL in full.
        """
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        host = parts.hostname or ""
        if self.simulated:
            mounted = urlsplit(self.simulator).path.rstrip("/")
            segments = parts.path.removeprefix(f"{mounted}/central/").split("/", 1)
            host = segments[0] if parts.path.startswith(f"{mounted}/central/") else ""
        return central_site_of(host)

    def amazon_callback(self, url: str, region: Region, account_type: AccountType, central: str) -> str:
        """The Log-in URI's `amazon_callback_uri`, checked with a URL parser and made absolute; BadInput if it is not
        Amazon's own page (or the simulator's) for this region and account type.

        A relative URI (Amazon sends one now and then) is resolved against `central`, the flow's Central site. The
        path must be plain: unreserved characters only, no `.`/`..` segments, no percent-encoding (a browser would
        decode `%2e%2e`), no backslash, no user info: nothing can lead the browser anywhere but Amazon's page.
        """
        refused = self.foreign_callback()
        if _UNSAFE_URL_CHARACTERS.search(url):
            raise refused
        try:
            if url.startswith("/") and not url.startswith("//"):
                # Relative to the Central site (the simulator's sites live under {simulator}/central/{host}).
                url = central.rstrip("/") + url
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise refused from None
        segments = parts.path.split("/")[1:]
        plain_path = bool(segments) and all(_PATH_SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments)
        if parts.username is not None or parts.password is not None or parts.fragment or not plain_path:
            raise refused
        hosts = central_hosts(region, account_type)
        if self.simulated:
            simulator = urlsplit(self.simulator)
            mounted = simulator.path.rstrip("/")
            same_origin = (parts.scheme, parts.netloc.lower()) == (simulator.scheme, simulator.netloc.lower())
            if not same_origin or not any(parts.path == f"{mounted}/central/{h}{_SIM_CALLBACK_PATH}" for h in hosts):
                raise refused
        else:
            amazons = parts.scheme == "https" and port in (None, 443) and parts.hostname in hosts
            if not amazons or not parts.path.startswith("/apps/authorize/"):
                raise refused
        return urlunsplit(parts._replace(netloc=parts.netloc.lower()))
