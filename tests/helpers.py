"""Small helpers that speak the HTTP API the way the frontend does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from app.amazon.regions import Region
from app.services import Services


async def create_company(
    client: httpx.AsyncClient, code: str, parent: int | None = None, unified: bool = False, name: str | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/api/companies", json={"code": code, "name": name or f"Company {code}", "parentId": parent, "unified": unified}
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def begin_edit(client: httpx.AsyncClient, company_id: int) -> dict[str, Any]:
    response = await client.post(f"/api/companies/{company_id}/amazon/edits")
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def change(client: httpx.AsyncClient, edit_id: str, **fields: Any) -> httpx.Response:
    return await client.patch(f"/api/edits/{edit_id}", json=fields)


async def save(client: httpx.AsyncClient, draft: dict[str, Any], body: dict[str, Any] | None = None) -> httpx.Response:
    return await client.post(
        f"/api/edits/{draft['id']}/save", headers={"If-Match": f'"{draft["baseVersion"]}"'}, json=body
    )


async def edit_and_save(client: httpx.AsyncClient, company_id: int, **fields: Any) -> dict[str, Any]:
    draft = await begin_edit(client, company_id)
    response = await change(client, draft["id"], **fields)
    assert response.status_code == 200, response.text
    saved = await save(client, draft)
    assert saved.status_code == 200, saved.text
    result: dict[str, Any] = saved.json()
    return result


async def settings_of(client: httpx.AsyncClient, company_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/companies/{company_id}/amazon")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def connect(
    services: Services, owner_id: int, region: Region, seller: str = "A1SELLER", at: datetime | None = None
) -> None:
    """An authorization stored through the service layer, as the OAuth flow's Save would store it."""
    await services.connections.store_authorization(
        owner_id,
        region,
        selling_partner_id=seller,
        refresh_token=f"Atzr|refresh-{owner_id}-{region}-{seller}",
        authorized_at=at or services.clock.now(),
        access_token=f"Atza|access-{owner_id}-{region}",
        access_token_expires_at=(at or services.clock.now()),
    )


def connection(settings: dict[str, Any], region: str) -> dict[str, Any]:
    return next(c for c in settings["connections"] if c["region"] == region)
