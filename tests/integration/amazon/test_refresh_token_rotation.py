"""A refresh answered with another refresh token: stored at once with the access token, never over a newer Save."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser
from tests.helpers import connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token

ROTATED = "connection.refresh_token_rotated"


async def _row(company_id: int) -> dict[str, Any]:
    row = await AmazonConnection.select().where(AmazonConnection.company == company_id).first()
    assert row is not None
    return row


def _refresh_token(services: Services, row: dict[str, Any]) -> str:
    token = services.connections.secret(row, "refresh_token")
    assert token is not None
    return token


async def _connection_test(client: Browser, company_id: int) -> dict[str, Any]:
    response = await client.post(f"/api/companies/{company_id}/amazon/regions/NA/refresh")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _access_token_has_expired(services: Services, company_id: int) -> None:
    """An hour later, as a worker sees it: the cached access token is too old, so the next ask refreshes."""
    await AmazonConnection.update(
        {AmazonConnection.access_token_expires_at: services.clock.now() - timedelta(minutes=1)}
    ).where(AmazonConnection.company == company_id)
    services.tokens.forget()


async def _worker_refresh(services: Services, company_id: int, *, expire: bool = True) -> list[str]:
    """What a worker does: get a token from the TokenProvider and call SP-API with it."""
    if expire:
        await _access_token_has_expired(services, company_id)
    token = await services.tokens.access_token(company_id, Region.NA)
    participations = await services.spapi.marketplace_participations(Region.NA, token)
    return sorted(p.marketplace.id for p in participations)


async def _until_lwa_holds_a_refresh(amazon: AmazonSimulator, refreshes_before: int) -> None:
    for _ in range(250):
        if (await amazon.counters())["lwa.refresh_token"] > refreshes_before:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the refresh never reached LWA")


async def _events(admin: Browser, company_id: int, action: str) -> list[dict[str, Any]]:
    items = (await admin.get(f"/api/companies/{company_id}/audit", params={"limit": 100})).json()["items"]
    return [e for e in items if e["action"] == action]


async def test_with_rotation_the_connection_test_and_the_workers_store_each_new_refresh_token_and_keep_working(
    admin: Browser, amazon: AmazonSimulator, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    us = (await create_company(admin, "US-01"))["id"]
    assert (await save(admin, await get_token(admin, amazon, us, "NA", "A1SIMNASELLER1"))).status_code == 200
    before = await _row(us)
    version = (await settings_of(admin, us))["version"]
    await amazon.rotate_refresh_tokens()
    ciphertexts, tokens = [before["refresh_token"]], [_refresh_token(services, before)]
    verdicts, marketplaces = [], []

    for _ in range(3):  # each refresh kills the token it was sent: keeping an old one fails the very next refresh
        verdicts.append((await _connection_test(admin, us))["verdict"])
        ciphertexts.append((row := await _row(us))["refresh_token"])
        tokens.append(_refresh_token(services, row))
        marketplaces.append(await _worker_refresh(services, us))
        ciphertexts.append((row := await _row(us))["refresh_token"])
        tokens.append(_refresh_token(services, row))
    after = await _row(us)
    shown = await settings_of(admin, us)
    rotations = await _events(admin, us, ROTATED)

    assert verdicts == ["ok"] * 3
    assert marketplaces == [["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]] * 3
    assert len(set(ciphertexts)) == len(set(tokens)) == 7
    assert (await amazon.counters())["lwa.refresh_token"] == 6
    assert after["authorized_at"] == before["authorized_at"]
    assert after["authorization_expires_at"] == before["authorization_expires_at"]
    assert after["selling_partner_id"] == "A1SIMNASELLER1"
    assert shown["version"] == version  # operational state: no settings change
    assert connection(shown, "NA")["status"] == "active"
    assert connection(shown, "NA")["tokenFingerprint"] == f"…{tokens[-1][-4:]}"
    assert len(rotations) == 6
    assert rotations[0]["details"] == {
        "region": "NA",
        "tokenFingerprint": f"…{tokens[-1][-4:]}",
        "previousTokenFingerprint": f"…{tokens[-2][-4:]}",
    }
    assert rotations[0]["actor"] == "system"  # the worker's refresh; the connection test's is the user's
    assert rotations[1]["actor"] == "Ada Admin"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Atzr|" not in logged
    assert all(token[5:] not in str(rotations) for token in tokens)


@pytest.mark.parametrize("refresher", ["worker", "connection test"])
async def test_a_save_of_a_new_authorization_during_a_rotating_refresh_is_not_overwritten(
    admin: Browser, amazon: AmazonSimulator, services: Services, refresher: str
) -> None:
    us = (await create_company(admin, "US-01"))["id"]
    assert (await save(admin, await get_token(admin, amazon, us, "NA", "A1SIMNASELLER1"))).status_code == 200
    draft = await get_token(admin, amazon, us, "NA", "A2SIMNASELLER2")  # a new authorization waits for Save
    new_token = draft["pendingGrants"][0]["tokenFingerprint"]
    await amazon.rotate_refresh_tokens()
    await amazon.fault("lwa", "latency", seconds=1.5, count=1)  # the refresh's answer (a rotated token) comes late
    refreshes = (await amazon.counters())["lwa.refresh_token"]
    racing: Awaitable[Any]
    if refresher == "worker":
        await _access_token_has_expired(services, us)
        racing = asyncio.create_task(services.tokens.access_token(us, Region.NA))
    else:
        racing = asyncio.create_task(_connection_test(admin, us))
    await _until_lwa_holds_a_refresh(amazon, refreshes)

    saved = await save(admin, draft, {"confirmSellerChange": ["NA"]})
    await racing
    shown = connection(await settings_of(admin, us), "NA")

    assert saved.status_code == 200, saved.text
    assert shown["tokenFingerprint"] == new_token
    assert shown["sellingPartnerId"] == "A2SIMNASELLER2"
    assert await _events(admin, us, ROTATED) == []
    # The saved authorization works, for the seller it belongs to.
    assert await _worker_refresh(services, us) == ["ATVPDKIKX0DER"]
    assert (await _connection_test(admin, us))["marketplacesSeen"] == ["ATVPDKIKX0DER"]


@pytest.mark.parametrize("late", ["worker", "connection test"])
async def test_a_worker_and_a_connection_test_refreshing_at_once_with_rotation_both_keep_working(
    admin: Browser, amazon: AmazonSimulator, services: Services, late: str
) -> None:
    us = (await create_company(admin, "US-01"))["id"]
    assert (await save(admin, await get_token(admin, amazon, us, "NA", "A1SIMNASELLER1"))).status_code == 200
    await amazon.rotate_refresh_tokens()
    await amazon.fault("lwa", "latency", seconds=1.0, count=1)  # the first refresh arrives after the second one
    await _access_token_has_expired(services, us)
    refreshes = (await amazon.counters())["lwa.refresh_token"]

    # Both send the same refresh token; the early one gets a new one and stores it, which kills the late one's.
    if late == "worker":
        worker = asyncio.create_task(_worker_refresh(services, us, expire=False))
        await _until_lwa_holds_a_refresh(amazon, refreshes)
        verdict = (await _connection_test(admin, us))["verdict"]
        marketplaces = await worker
    else:
        test = asyncio.create_task(_connection_test(admin, us))
        await _until_lwa_holds_a_refresh(amazon, refreshes)
        marketplaces = await _worker_refresh(services, us, expire=False)
        verdict = (await test)["verdict"]
    shown = connection(await settings_of(admin, us), "NA")

    assert verdict == "ok"
    assert marketplaces == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]
    assert shown["status"] == "active"
    assert shown["lastErrorCode"] is None
    # The late one saw the stored token had changed: the worker took the test's fresh access token, the test refreshed
    # again with the stored refresh token.
    assert (await amazon.counters())["lwa.refresh_token"] == refreshes + (2 if late == "worker" else 3)
    assert await _worker_refresh(services, us) == ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]
