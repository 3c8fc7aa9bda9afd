"""Sign-in over HTTP: sessions, timeouts, and the roles that may edit."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from app.lib.clock import MovableClock
from app.services import Services
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import create_company


async def test_login_sets_an_http_only_session_cookie_and_me_answers(browser_factory: BrowserFactory) -> None:
    anonymous = await browser_factory(None)
    services_user = await browser_factory("support", "sue", "Sue Support")

    me = await services_user.get("/api/auth/me")
    before_login = await anonymous.get("/api/auth/me")

    assert me.status_code == 200
    user = me.json()["user"]
    assert user == {
        "id": user["id"],
        "username": "sue",
        "displayName": "Sue Support",
        "role": "support",
        "companyScope": None,
        "language": None,
    }
    assert me.json()["csrfToken"] == services_user.headers["X-CSRF-Token"]
    assert before_login.status_code == 401
    assert before_login.json()["error"] == "not_authenticated"


async def test_cookie_flags(browser_factory: BrowserFactory, services: Services) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    client = await browser_factory(None)

    response = await client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


async def test_wrong_password_and_unknown_user_look_the_same(
    browser_factory: BrowserFactory, services: Services
) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    client = await browser_factory(None)

    wrong = await client.post("/api/auth/login", json={"username": "kim", "password": "nope"})
    unknown = await client.post("/api/auth/login", json={"username": "nobody", "password": "nope"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "nope" not in wrong.text


async def test_every_login_gets_a_fresh_session_id(browser_factory: BrowserFactory, services: Services) -> None:
    await services.accounts.create_user("kim", PASSWORD, "viewer")
    client = await browser_factory(None)

    first = await client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})
    second = await client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})

    assert first.cookies["erp_session"] != second.cookies["erp_session"]


async def test_logout_ends_the_session_on_the_server(admin: Browser) -> None:
    cookie = admin.cookies["erp_session"]

    assert (await admin.post("/api/auth/logout")).status_code == 204
    admin.cookies.set("erp_session", cookie)  # a stolen copy of the old cookie
    assert (await admin.get("/api/auth/me")).status_code == 401


async def test_idle_sessions_end(admin: Browser, clock: MovableClock) -> None:
    clock.advance(timedelta(minutes=31))

    assert (await admin.get("/api/companies")).status_code == 401


async def test_sessions_end_after_the_absolute_timeout_even_when_busy(admin: Browser, clock: MovableClock) -> None:
    for _ in range(25):
        clock.advance(timedelta(minutes=29))
        response = await admin.get("/api/auth/me")
        if response.status_code == 401:
            break
    assert response.status_code == 401
    assert clock.offset >= timedelta(hours=12)
    assert clock.offset < timedelta(hours=12, minutes=29)


async def test_only_admins_edit_and_create(admin: Browser, browser_factory: BrowserFactory) -> None:
    us = await create_company(admin, "US-01")
    viewer = await browser_factory("viewer")
    support = await browser_factory("support")

    for client in (viewer, support):
        assert (await client.post(f"/api/companies/{us['id']}/amazon/edits")).status_code == 403
        assert (await client.post("/api/companies", json={"code": "X-01", "name": "X"})).status_code == 403
        assert (await client.get(f"/api/companies/{us['id']}/amazon")).status_code == 200
    assert (await viewer.get(f"/api/companies/{us['id']}/audit")).status_code == 403
    assert (await support.get(f"/api/companies/{us['id']}/audit")).status_code == 200


async def test_a_deactivated_user_loses_their_session(admin: Browser, services: Services) -> None:
    from app.accounts.tables import User

    await User.update({User.is_active: False}).where(User.username == "ada")

    assert (await admin.get("/api/auth/me")).status_code == 401


class _ThreadRecordingHasher:
    """Wraps the app's argon2 hasher and notes which thread every hash and check runs in."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.threads: list[int] = []

    def hash(self, password: str) -> str:
        self.threads.append(threading.get_ident())
        result: str = self.inner.hash(password)
        return result

    def verify(self, stored_hash: str, password: str) -> bool:
        self.threads.append(threading.get_ident())
        result: bool = self.inner.verify(stored_hash, password)
        return result


async def test_passwords_are_hashed_and_checked_outside_the_event_loop(
    browser_factory: BrowserFactory, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _ThreadRecordingHasher(services.accounts.hasher)
    monkeypatch.setattr(services.accounts, "hasher", recorder)
    client = await browser_factory(None)

    await services.accounts.create_user("kim", PASSWORD, "viewer")
    right = await client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})
    wrong = await client.post("/api/auth/login", json={"username": "kim", "password": "nope"})

    assert (right.status_code, wrong.status_code) == (200, 401)
    assert len(recorder.threads) == 3
    assert threading.get_ident() not in recorder.threads
