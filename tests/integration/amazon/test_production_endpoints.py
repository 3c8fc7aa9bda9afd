"""AMAZON_MODE=production: the consent opens on Amazon's real Seller Central, and the Log-in URI sends the browser on
only to Amazon's own callback pages (never the simulator's, never another host). Nothing here calls Amazon: these
steps only build URLs, so the test needs no network."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import msgspec
import pytest
from litestar import Litestar

from app.amazon.tables import OAuthFlow
from app.config import get_settings
from app.editing.tables import EditSession
from app.lib.clock import MovableClock
from app.main import create_app
from app.services import Services
from tests.amazon_browser import read_form
from tests.amazon_sim_admin import install_app_credentials
from tests.fixtures import PASSWORD

ORIGIN = "http://testserver.local"
SELLER = "A1PRODSELLER01"
CONFIRM_NA = "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.sim-seller-app"
CONFIRM_JP = "https://sellercentral.amazon.co.jp/apps/authorize/confirm/amzn1.sp.solution.sim-seller-app"


@pytest.fixture
async def production(database: Any, clock: MovableClock) -> AsyncIterator[Litestar]:
    """The app as a production server runs it (AMAZON_MODE=production), on the tests' database and Redis."""
    config = msgspec.structs.replace(get_settings(), amazon_mode="production", amazon_mode_explicit=True)
    application = create_app(config, clock)
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold_lifespan())
    await started.wait()
    yield application
    stop.set()
    await task


@pytest.fixture
async def admin(production: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    services: Services = production.state.services
    await install_app_credentials(services, ORIGIN)
    await services.accounts.create_user("prod-admin", PASSWORD, "admin", "Prod Admin")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=production), base_url=ORIGIN) as client:
        signed_in = await client.post("/api/auth/login", json={"username": "prod-admin", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        client.headers["X-CSRF-Token"] = signed_in.json()["csrfToken"]
        yield client


def _login_uri(callback: str, amazon_state: str = "amazon-state-1") -> str:
    query = urlencode({"amazon_callback_uri": callback, "amazon_state": amazon_state, "selling_partner_id": SELLER})
    return f"/oauth/amazon/login?{query}"


async def _confirm(admin: httpx.AsyncClient, page: httpx.Response, **form: str) -> httpx.Response:
    """The confirmation page's button: a same-site POST of its form."""
    fields = read_form(page.text).fields
    return await admin.post(
        "/oauth/amazon/login",
        data={**fields, **form},
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
    )


async def _company(admin: httpx.AsyncClient, code: str) -> int:
    created = await admin.post("/api/companies", json={"code": code, "name": f"{code} Trading", "parentId": None})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def test_the_consent_opens_on_amazons_real_seller_central_and_the_log_in_uri_continues_there(
    production: Litestar, admin: httpx.AsyncClient
) -> None:
    us = await _company(admin, "US-01")
    draft = (await admin.post(f"/api/companies/{us}/amazon/edits")).json()
    started = await admin.post(f"/api/edits/{draft['id']}/regions/NA/authorize", json={})
    consent = urlsplit(started.json()["consentUrl"])

    # Amazon calls the Log-in URI inside the consent (FACTS §1) with its own callback page.
    question = await admin.get(_login_uri(CONFIRM_NA))
    onwards = await _confirm(admin, question)

    assert started.status_code == 200, started.text
    assert (consent.scheme, consent.netloc, consent.path) == (
        "https",
        "sellercentral.amazon.com",
        "/apps/authorize/consent",
    )
    assert parse_qs(consent.query)["redirect_uri"] == [f"{ORIGIN}/oauth/amazon/callback"]
    assert question.status_code == 200, question.text
    assert "Continue connecting US-01 for NA?" in question.text
    assert onwards.status_code == 303, onwards.text
    target = urlsplit(onwards.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == CONFIRM_NA
    query = parse_qs(target.query)
    assert query["amazon_state"] == ["amazon-state-1"]
    assert query["redirect_uri"] == [f"{ORIGIN}/oauth/amazon/callback"]
    assert len(query["state"][0]) >= 43
    # The confirmation page lets its form lead to Amazon's site only.
    assert "form-action 'self' https://sellercentral.amazon.com" in question.headers["content-security-policy"]


@pytest.mark.parametrize(
    "callback",
    [
        pytest.param("https://evil.example/apps/authorize/confirm/amzn1.sp.solution.sim-seller-app", id="other-host"),
        pytest.param("https://sellercentral.amazon.com.evil.example/apps/authorize/confirm/x", id="amazon-prefix"),
        pytest.param("http://sellercentral.amazon.com/apps/authorize/confirm/x", id="not-https"),
        pytest.param("https://sellercentral.amazon.com:8443/apps/authorize/confirm/x", id="other-port"),
        pytest.param("https://sellercentral.amazon.com/apps/authorize/../../oauth/amazon/callback", id="dot-dot"),
        # The simulator's own callback page: where a simulated Amazon sends the browser, never a real one.
        pytest.param(
            f"{get_settings().simulator_url}/central/sellercentral.amazon.com/apps/authorize/callback",
            id="simulator-page",
        ),
        pytest.param("/_sim/amazon/central/sellercentral.amazon.com/apps/authorize/callback", id="simulator-path"),
    ],
)
async def test_in_production_a_callback_that_is_not_amazons_own_page_is_refused_and_nothing_is_written(
    admin: httpx.AsyncClient, callback: str
) -> None:
    us = await _company(admin, "US-01")
    draft = (await admin.post(f"/api/companies/{us}/amazon/edits")).json()
    assert (await admin.post(f"/api/edits/{draft['id']}/regions/NA/authorize", json={})).status_code == 200
    flows_before = await OAuthFlow.count()

    question = await admin.get(_login_uri(callback))
    forged = await admin.post(
        "/oauth/amazon/login",
        data={
            "amazon_callback_uri": callback,
            "amazon_state": "amazon-state-1",
            "selling_partner_id": SELLER,
            "csrf_token": admin.headers["X-CSRF-Token"],
        },
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
    )

    for answer in (question, forged):
        assert answer.status_code == 400, answer.text
        assert "The callback address is not Amazon&#x27;s; nothing was done." in answer.text
        assert "location" not in answer.headers
    assert not re.search(r'name="csrf_token"', question.text)  # no button to press
    assert await OAuthFlow.count() == flows_before


async def test_an_appstore_authorization_continues_on_the_japanese_seller_central_for_the_company_named(
    production: Litestar, admin: httpx.AsyncClient
) -> None:
    jp = await _company(admin, "JP-01")

    question = await admin.get(_login_uri(CONFIRM_JP, amazon_state="appstore-1"))
    onwards = await _confirm(admin, question, company_code="JP-01")

    assert question.status_code == 200, question.text
    assert f"Connect Amazon seller account {SELLER} for FE?" in question.text
    assert onwards.status_code == 303, onwards.text
    target = urlsplit(onwards.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == CONFIRM_JP
    assert parse_qs(target.query)["amazon_state"] == ["appstore-1"]
    flow = await OAuthFlow.select().where(OAuthFlow.company == jp).first()
    assert flow is not None
    assert (flow["region"], flow["origin"], flow["expected_selling_partner_id"]) == ("FE", "appstore", SELLER)
    assert await EditSession.count().where(EditSession.company == jp) == 1
