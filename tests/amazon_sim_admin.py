"""The simulator's admin API as the tests use it: reset, clock, faults, counters, revocation, request log."""

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

    async def revoke(self, selling_partner_id: str) -> None:
        (await self.http.post("/_admin/revoke", json={"sellingPartnerId": selling_partner_id})).raise_for_status()

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
