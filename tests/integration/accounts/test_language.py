"""The page language a user chooses: null until chosen, stored for the user, kept across sessions, only en/de/fr."""

from __future__ import annotations

import pytest

from tests.fixtures import PASSWORD, Browser, BrowserFactory


async def _language(browser: Browser) -> object:
    me = await browser.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return me.json()["user"]["language"]


async def test_a_new_user_has_no_language_until_they_choose_one(admin: Browser) -> None:
    assert await _language(admin) is None


async def test_the_chosen_language_is_kept_for_the_user_in_every_session(browser_factory: BrowserFactory) -> None:
    first = await browser_factory("viewer", "vera")

    chosen = await first.put("/api/auth/me/language", json={"language": "de"})
    later = await browser_factory(None)
    login = await later.post("/api/auth/login", json={"username": "vera", "password": PASSWORD})

    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["language"] == "de"
    assert chosen.json()["username"] == "vera"
    assert await _language(first) == "de"
    assert login.json()["user"]["language"] == "de"
    later.headers["X-CSRF-Token"] = login.json()["csrfToken"]
    assert await _language(later) == "de"


async def test_choosing_again_replaces_the_choice_and_touches_nobody_else(browser_factory: BrowserFactory) -> None:
    vera = await browser_factory("viewer", "vera")
    sam = await browser_factory("support", "sam")

    await vera.put("/api/auth/me/language", json={"language": "de"})
    again = await vera.put("/api/auth/me/language", json={"language": "fr"})

    assert again.status_code == 200
    assert await _language(vera) == "fr"
    assert await _language(sam) is None


@pytest.mark.parametrize("body", [{"language": "es"}, {"language": "DE"}, {"language": None}, {}, {"lang": "de"}])
async def test_another_value_is_a_400_naming_the_field_and_changes_nothing(admin: Browser, body: object) -> None:
    await admin.put("/api/auth/me/language", json={"language": "fr"})

    refused = await admin.put("/api/auth/me/language", json=body)

    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "bad_input"
    assert set(refused.json()["fields"]) & {"language", "lang"}, refused.json()
    assert await _language(admin) == "fr"


async def test_without_the_csrf_token_or_a_session_nothing_is_stored(
    admin: Browser, browser_factory: BrowserFactory
) -> None:
    token = admin.headers.pop("X-CSRF-Token")
    anonymous = await browser_factory(None)

    no_token = await admin.put("/api/auth/me/language", json={"language": "de"})
    signed_out = await anonymous.put("/api/auth/me/language", json={"language": "de"})

    admin.headers["X-CSRF-Token"] = token
    assert no_token.status_code == 403
    assert no_token.json()["error"] == "csrf_failed"
    assert signed_out.status_code == 401
    assert await _language(admin) is None
