"""Sign-in limits per user and per address, shared through Redis, and failed sign-ins in the audit."""

from __future__ import annotations

from app.audit.tables import AuditEvent
from app.lib.ratelimit import LOGIN_PER_IP, LOGIN_PER_USERNAME
from app.services import Services
from tests.fixtures import PASSWORD, BrowserFactory


async def test_repeated_failures_for_one_user_get_429_with_retry_after(
    browser_factory: BrowserFactory, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    client = await browser_factory(None)

    failures = [
        await client.post("/api/auth/login", json={"username": "kim", "password": f"guess-{n}"})
        for n in range(LOGIN_PER_USERNAME.count)
    ]
    blocked = await client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})
    other_user = await client.post("/api/auth/login", json={"username": "someone", "password": "x"})

    assert {r.status_code for r in failures} == {401}
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= LOGIN_PER_USERNAME.seconds
    assert blocked.json()["error"] == "too_many_requests"
    assert other_user.status_code == 401


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
