"""Sign-in limits per (user name, address), growing delays per user name, per address, and failed sign-ins audited."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import httpx
import pytest
from litestar import Litestar

from app.audit.tables import AuditEvent
from app.lib.clock import MovableClock
from app.lib.ratelimit import LOGIN_PER_IP, SIGN_IN_POLICY
from app.services import Services
from tests.fixtures import PASSWORD, BrowserFactory

AddressClient = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def client_at(app: Litestar) -> AsyncIterator[AddressClient]:
    """Anonymous browsers, each connecting from the address it is given (the in-process client has no proxy)."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 1234))
        opened.append(httpx.AsyncClient(transport=transport, base_url="http://testserver.local"))
        return opened[-1]

    yield make
    for client in opened:
        await client.aclose()


async def sign_in(client: httpx.AsyncClient, password: str, username: str = "kim") -> httpx.Response:
    return await client.post("/api/auth/login", json={"username": username, "password": password})


def stated_seconds(refused: httpx.Response) -> int:
    """The delay a 429 states, checked to agree between Retry-After and the message shown to the user."""
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"] == "too_many_requests"
    seconds = int(refused.headers["retry-after"])
    found = re.search(r"try again in (\d+) s\.", refused.json()["message"])
    assert found is not None, refused.json()["message"]
    assert int(found.group(1)) == seconds
    return seconds


async def guess_waiting_out_delays(
    client: httpx.AsyncClient, clock: MovableClock, password: str = "guess"
) -> tuple[httpx.Response, list[int]]:
    """One sign-in that, when told to wait, moves the clock by the stated seconds and tries again."""
    waits: list[int] = []
    response = await sign_in(client, password)
    while response.status_code == 429:
        waits.append(stated_seconds(response))
        clock.advance(timedelta(seconds=waits[-1]))
        response = await sign_in(client, password)
    return response, waits


async def test_the_sixth_wrong_password_from_one_address_gets_429_for_that_user_only(
    client_at: AddressClient, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    attacker = client_at("10.0.0.1")

    failures = [await sign_in(attacker, f"guess-{n}") for n in range(SIGN_IN_POLICY.address_failures)]
    sixth = await sign_in(attacker, "guess-6")
    right_password_from_there = await sign_in(attacker, PASSWORD)
    other_user_from_there = await sign_in(attacker, "x", username="someone")

    assert [r.status_code for r in failures] == [401] * SIGN_IN_POLICY.address_failures
    window = SIGN_IN_POLICY.address_window_seconds
    assert window - 60 <= stated_seconds(sixth) <= window
    assert right_password_from_there.status_code == 429
    assert other_user_from_there.status_code == 401


async def test_an_address_locked_out_for_a_user_does_not_lock_out_other_addresses(
    client_at: AddressClient, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    attacker, owner = client_at("10.0.0.1"), client_at("10.0.0.2")
    for n in range(SIGN_IN_POLICY.address_failures):
        await sign_in(attacker, f"guess-{n}")

    assert (await sign_in(attacker, "guess")).status_code == 429
    assert (await sign_in(owner, PASSWORD)).status_code == 200


async def test_ten_wrong_passwords_from_ten_addresses_leave_the_owner_a_short_stated_wait(
    client_at: AddressClient, services: Services, clock: MovableClock
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    for n in range(10):
        response, _ = await guess_waiting_out_delays(client_at(f"10.0.1.{n}"), clock)
        assert response.status_code == 401

    owner = client_at("10.0.2.1")
    first_try = await sign_in(owner, PASSWORD)
    wait = stated_seconds(first_try)
    clock.advance(timedelta(seconds=wait))
    after_waiting = await sign_in(owner, PASSWORD)

    assert wait <= 30  # short, whatever the ten addresses did
    assert after_waiting.status_code == 200, after_waiting.text
    assert after_waiting.json()["user"]["username"] == "kim"


async def test_the_user_name_delay_doubles_per_failure_up_to_its_cap(
    client_at: AddressClient, services: Services, clock: MovableClock
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    free = SIGN_IN_POLICY.free_failures
    stated: list[int] = []
    for n in range(free + 8):
        response, waits = await guess_waiting_out_delays(client_at(f"10.0.3.{n}"), clock)
        assert response.status_code == 401
        stated += waits

    # Failures beyond the free ones make the next attempt wait 1, 2, 4, … seconds, then the cap.
    assert stated == [1, 2, 4, 8, 16, 30, 30]
    assert stated == [round(SIGN_IN_POLICY.delay_after(n)) for n in range(free + 1, free + 8)]


async def test_attempts_refused_during_a_delay_do_not_lengthen_it(
    client_at: AddressClient, services: Services, clock: MovableClock
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    for n in range(SIGN_IN_POLICY.free_failures + 3):
        await guess_waiting_out_delays(client_at(f"10.0.4.{n}"), clock)

    refused = [stated_seconds(await sign_in(client_at(f"10.0.5.{n}"), "guess")) for n in range(5)]

    assert refused[0] == 4
    assert refused == sorted(refused, reverse=True)


async def test_an_address_the_owner_signed_in_from_before_skips_the_user_name_delay(
    client_at: AddressClient, services: Services, clock: MovableClock
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    home = client_at("10.0.6.1")
    assert (await sign_in(home, PASSWORD)).status_code == 200
    for n in range(SIGN_IN_POLICY.free_failures + 5):
        await guess_waiting_out_delays(client_at(f"10.0.7.{n}"), clock)

    from_a_new_address = await sign_in(client_at("10.0.6.2"), PASSWORD)
    from_home = await sign_in(home, PASSWORD)

    assert stated_seconds(from_a_new_address) >= 1
    assert from_home.status_code == 200, from_home.text


async def test_successful_sign_ins_neither_count_as_failures_nor_leave_a_delay(
    client_at: AddressClient, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    for n in range(SIGN_IN_POLICY.free_failures + 5):
        assert (await sign_in(client_at(f"10.0.9.{n}"), PASSWORD)).status_code == 200

    wrong_from_elsewhere = await sign_in(client_at("10.0.9.200"), "guess")
    right_from_a_new_address = await sign_in(client_at("10.0.9.201"), PASSWORD)

    assert wrong_from_elsewhere.status_code == 401
    assert right_from_a_new_address.status_code == 200


async def test_parallel_guesses_from_one_address_cannot_slip_past_the_limit_together(
    client_at: AddressClient, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    attacker = client_at("10.0.8.1")

    responses = await asyncio.gather(*(sign_in(attacker, f"guess-{n}") for n in range(20)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * SIGN_IN_POLICY.address_failures + [429] * (20 - SIGN_IN_POLICY.address_failures)


async def test_one_address_is_limited_across_user_names(browser_factory: BrowserFactory) -> None:
    client = await browser_factory(None)

    statuses = [
        (await client.post("/api/auth/login", json={"username": f"user{n}", "password": "x"})).status_code
        for n in range(LOGIN_PER_IP.count + 1)
    ]

    assert statuses[:-1] == [401] * LOGIN_PER_IP.count
    assert statuses[-1] == 429


async def test_failed_sign_ins_are_audited_without_the_password(
    browser_factory: BrowserFactory, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    client = await browser_factory(None)

    await client.post(
        "/api/auth/login", json={"username": "kim", "password": "hunter2-secret"}, headers={"User-Agent": "probe/1"}
    )
    await client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})

    events = await AuditEvent.select().order_by(AuditEvent.id)
    failed = [e for e in events if e["action"] == "auth.login_failed"]
    succeeded = [e for e in events if e["action"] == "auth.login"]
    assert len(failed) == 1
    assert failed[0]["actor_name"] == "kim"
    assert failed[0]["user_agent"] == "probe/1"
    assert failed[0]["ip"]
    assert len(succeeded) == 1
    assert all("hunter2" not in str(e) and PASSWORD not in str(e) for e in events)


async def test_a_deactivated_user_cannot_sign_in_and_loses_every_session(
    browser_factory: BrowserFactory, services: Services
) -> None:
    first = await browser_factory("admin", "dan", "Dan")
    second = await browser_factory(None)
    await second.post("/api/auth/login", json={"username": "dan", "password": PASSWORD})

    await services.accounts.deactivate("dan")

    assert (await first.get("/api/auth/me")).status_code == 401
    assert (await second.get("/api/auth/me")).status_code == 401
    again = await second.post("/api/auth/login", json={"username": "dan", "password": PASSWORD})
    assert again.status_code == 401
