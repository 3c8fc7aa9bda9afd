"""A 401 tells a session that ended from no session at all, so that the sign-in page can say "your session expired"."""

from __future__ import annotations

from datetime import timedelta

from app.lib.clock import MovableClock
from tests.fixtures import Browser, BrowserFactory


async def test_a_cookie_whose_session_ended_is_answered_session_expired_and_no_cookie_is_not(
    admin: Browser, browser_factory: BrowserFactory, clock: MovableClock
) -> None:
    never_signed_in = await browser_factory(None)
    clock.advance(timedelta(minutes=31))

    ended = await admin.get("/api/companies")
    plain = await never_signed_in.get("/api/auth/me")

    assert (ended.status_code, plain.status_code) == (401, 401)
    assert ended.json()["error"] == "session_expired"
    assert ended.json()["message"] == "Your session expired: sign in again."
    assert plain.json()["error"] == "not_authenticated"


async def test_after_signing_out_the_next_answer_is_a_plain_sign_in_first(admin: Browser) -> None:
    assert (await admin.post("/api/auth/logout")).status_code == 204

    after = await admin.get("/api/auth/me")

    assert after.status_code == 401
    assert after.json()["error"] == "not_authenticated"
