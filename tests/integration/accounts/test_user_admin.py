"""Admins manage users over HTTP: list, create (optionally limited to companies), deactivate."""

from __future__ import annotations

from app.accounts.tables import User
from app.audit.tables import AuditEvent
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import create_company

NEW_USER = {"username": "rita", "displayName": "Rita Support", "role": "support", "password": "a-long-password"}


async def test_admin_creates_a_user_who_can_then_sign_in(admin: Browser, browser_factory: BrowserFactory) -> None:
    created = await admin.post("/api/users", json=NEW_USER)
    fresh = await browser_factory(None)
    login = await fresh.post("/api/auth/login", json={"username": "rita", "password": "a-long-password"})

    assert created.status_code == 201
    assert created.json()["displayName"] == "Rita Support"
    assert created.json()["active"] is True
    assert created.json()["companyScope"] is None
    assert "password" not in created.text
    assert "Hash" not in created.text
    assert login.status_code == 200
    assert login.json()["user"]["role"] == "support"
    stored = await User.select(User.password_hash).where(User.username == "rita").first()
    assert stored is not None
    assert stored["password_hash"].startswith("$argon2id$")


async def test_a_user_limited_to_companies_lists_them_by_code(admin: Browser) -> None:
    await create_company(admin, "US-01")
    await create_company(admin, "JP-01")

    created = await admin.post("/api/users", json={**NEW_USER, "companyCodes": ["JP-01"]})
    listed = await admin.get("/api/users")

    assert created.status_code == 201
    assert [c["code"] for c in created.json()["companyScope"]] == ["JP-01"]
    rita = next(u for u in listed.json()["items"] if u["username"] == "rita")
    assert rita["companyScope"] == created.json()["companyScope"]


async def test_bad_new_users_are_refused_naming_the_field(admin: Browser) -> None:
    short = await admin.post("/api/users", json={**NEW_USER, "password": "short"})
    role = await admin.post("/api/users", json={**NEW_USER, "role": "owner"})
    unknown_company = await admin.post("/api/users", json={**NEW_USER, "companyCodes": ["NOPE-9"]})
    await admin.post("/api/users", json=NEW_USER)
    taken = await admin.post("/api/users", json=NEW_USER)

    assert short.status_code == 400
    assert "password" in short.json()["fields"]
    assert role.status_code == 400
    assert "role" in role.json()["fields"]
    assert unknown_company.status_code == 422
    assert "NOPE-9" in unknown_company.json()["message"]
    assert unknown_company.json()["fields"] == {"companyCodes": "unknown"}
    assert taken.status_code == 409
    assert taken.json()["fields"] == {"username": "taken"}
    assert await User.count().where(User.username == "rita") == 1


async def test_deactivation_ends_the_users_sessions_at_once(admin: Browser, browser_factory: BrowserFactory) -> None:
    victim = await browser_factory("viewer", "vic")
    vic_id = next(u["id"] for u in (await admin.get("/api/users")).json()["items"] if u["username"] == "vic")

    response = await admin.post(f"/api/users/{vic_id}/deactivate")
    after = await victim.get("/api/companies")
    again = await (await browser_factory(None)).post("/api/auth/login", json={"username": "vic", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert after.status_code == 401
    assert again.status_code == 401
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.summary).where(
        AuditEvent.action == "user.deactivated"
    )
    assert events == [{"action": "user.deactivated", "summary": "User vic deactivated"}]


async def test_nobody_deactivates_themselves_nor_an_unknown_user(admin: Browser) -> None:
    me = (await admin.get("/api/auth/me")).json()["user"]["id"]

    myself = await admin.post(f"/api/users/{me}/deactivate")
    unknown = await admin.post("/api/users/987654/deactivate")
    huge = await admin.post(f"/api/users/{2**40}/deactivate")

    assert myself.status_code == 422
    assert "yourself" in myself.json()["message"]
    assert (await admin.get("/api/auth/me")).status_code == 200
    assert unknown.status_code == 404
    assert huge.status_code == 404
