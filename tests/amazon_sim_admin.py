"""The simulator's admin API as the tests use it: reset, clock, faults, held refreshes, revocation, counters, log."""

from __future__ import annotations

from typing import Any

import httpx

from app.amazon_sim.seed import SELLER_APP, VENDOR_APP
from app.services import Services


class AmazonSimulator:
    """A handle on the running simulator (real HTTP)."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def reset(self) -> None:
        (await self.http.post("/_admin/reset")).raise_for_status()

    async def advance(self, seconds: float) -> None:
        (await self.http.post("/_admin/clock", json={"advanceSeconds": seconds})).raise_for_status()

    async def fault(self, target: str, kind: str, **options: Any) -> None:
        (await self.http.post("/_admin/faults", json={"target": target, "kind": kind, **options})).raise_for_status()

    async def clear_faults(self) -> None:
        (await self.http.delete("/_admin/faults")).raise_for_status()

    async def revoke(self, selling_partner_id: str) -> None:
        (await self.http.post("/_admin/revoke", json={"sellingPartnerId": selling_partner_id})).raise_for_status()

    async def rotate_refresh_tokens(self, enabled: bool = True) -> None:
        """Every refresh returns a new refresh token and the one sent stops working (until reset)."""
        response = await self.http.post("/_admin/refresh-token-rotation", json={"enabled": enabled})
        response.raise_for_status()

    async def hold_refreshes(self) -> None:
        """LWA's refresh_token grants are counted when they arrive, then wait until `release_refreshes`."""
        (await self.http.post("/_admin/refresh-hold", json={"holding": True})).raise_for_status()

    async def held_refreshes(self) -> int:
        """How many refreshes wait at LWA now."""
        response = await self.http.get("/_admin/refresh-hold")
        response.raise_for_status()
        waiting: int = response.json()["waiting"]
        return waiting

    async def release_refreshes(self) -> None:
        """Every waiting refresh is answered, all at once; later ones are answered as they come."""
        (await self.http.post("/_admin/refresh-hold", json={"holding": False})).raise_for_status()

    async def expire_secret(self, client_id: str) -> None:
        (await self.http.post(f"/_admin/apps/{client_id}/expire-secret")).raise_for_status()

    async def counters(self) -> dict[str, int]:
        response = await self.http.get("/_admin/counters")
        response.raise_for_status()
        counters: dict[str, int] = response.json()["counters"]
        return counters

    async def requests(self, limit: int = 50) -> list[dict[str, Any]]:
        response = await self.http.get("/_admin/requests", params={"limit": limit})
        response.raise_for_status()
        body = response.json()
        items: list[dict[str, Any]] = body["requests"] if isinstance(body, dict) else body
        return items

    async def login_behaviour(
        self, website_login_step: str = "draft_apps", relative_callback_uri: bool = False
    ) -> None:
        """How Amazon behaves around the Log-in URI: the website workflow's Log-in URI step, a relative callback."""
        body = {"websiteLoginStep": website_login_step, "relativeCallbackUri": relative_callback_uri}
        (await self.http.post("/_admin/login-behaviour", json=body)).raise_for_status()

    async def set_clock_offset(self, seconds: float) -> None:
        (await self.http.post("/_admin/clock", json={"offsetSeconds": seconds})).raise_for_status()

    async def add_seller(
        self,
        selling_partner_id: str,
        region: str,
        marketplace_ids: list[str],
        *,
        orders_per_30_days: int | None = None,
        account_type: str = "seller",
    ) -> None:
        """Another selling partner (consent pages list it), with that many getOrders orders per marketplace."""
        body = {
            "sellingPartnerId": selling_partner_id,
            "name": f"Simulated {selling_partner_id}",
            "accountType": account_type,
            "region": region,
            "marketplaceIds": marketplace_ids,
            "ordersPer30Days": orders_per_30_days,
        }
        (await self.http.post("/_admin/sellers", json=body)).raise_for_status()

    async def next_token_reading(self, reading: str) -> None:
        """How getOrders reads NextToken: "keeps-filters" (the current model) or "replaces-filters" (the older)."""
        (await self.http.post("/_admin/next-token-reading", json={"reading": reading})).raise_for_status()

    async def usage_plan_speed(self, speed: float) -> None:
        """Every usage plan's rate times `speed` (bursts unchanged), until reset."""
        (await self.http.post("/_admin/usage-plan-speed", json={"speed": speed})).raise_for_status()

    async def close(self) -> None:
        await self.http.aclose()


async def install_app_credentials(services: Services, public_url: str) -> None:
    """The ERP's credentials for the simulator's default seller and vendor apps."""
    for account_type, app in (("seller", SELLER_APP), ("vendor", VENDOR_APP)):
        await services.app_credentials.install(
            account_type,
            services.config.amazon_environment,
            application_id=app.application_id,
            client_id=app.client_id,
            client_secret=app.client_secret,
            redirect_uri=f"{public_url}/oauth/amazon/callback",
        )
