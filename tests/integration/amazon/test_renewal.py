"""Renewal started from Seller Central: Amazon opens our Log-in URI, the token waits in a draft of the company."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from app.amazon.tables import OAuthFlow
from app.editing.tables import PendingGrant
from tests.amazon_browser import local, read_form, submit
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import connection, create_company, save
from tests.integration.amazon.flows import get_token


async def _reauthorize_at_amazon(amazon: AmazonSimulator, seller: str) -> str:
    """Seller Central, Manage Your Apps, Re-Authorize: Amazon sends the browser to our Log-in URI."""
    answer = await amazon.http.get(
        "/central/sellercentral.amazon.com/apps/manage/reauthorize",
        params={"application_id": "amzn1.sp.solution.sim-seller-app", "selling_partner_id": seller},
    )
    assert answer.status_code in (302, 303), answer.text[:300]
    location: str = answer.headers["location"]
    return location


async def confirm(browser: Browser, page: str, **changed: str) -> httpx.Response:
    """Press the confirmation page's button: a POST of its form (with the session's CSRF token)."""
    form = read_form(page)
    assert form.action == "/oauth/amazon/login"
    return await browser.post(form.action, data={**form.fields, **changed})


async def test_renewal_from_seller_central_puts_the_token_into_a_draft(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")
    await save(admin, await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))

    login_uri = await _reauthorize_at_amazon(amazon, "A1SIMNASELLER1")
    question = await admin.get(local(login_uri))
    assert question.status_code == 200, question.text
    assert "Continue renewing the Amazon authorization of US-01 for NA?" in question.text
    assert await OAuthFlow.count().where(OAuthFlow.origin == "seller_central") == 0  # the GET wrote nothing
    ours = await confirm(admin, question.text)
    assert ours.status_code == 303, ours.text
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(ours.headers["location"])
        back = await submit(browser, str(page.url), page.text, "A1SIMNASELLER1")
    callback = await admin.get(local(back.headers["location"]))
    drafts = await admin.post(f"/api/companies/{us['id']}/amazon/edits")

    assert urlsplit(login_uri).path == "/oauth/amazon/login"
    assert parse_qs(urlsplit(ours.headers["location"]).query)["redirect_uri"] == [
        "http://testserver.local/oauth/amazon/callback"
    ]
    assert callback.status_code == 200
    draft = drafts.json()
    assert [g["sellingPartnerId"] for g in draft["pendingGrants"]] == ["A1SIMNASELLER1"]
    saved = await save(admin, draft)
    assert connection(saved.json(), "NA")["status"] == "active"


async def test_a_seller_unknown_here_is_offered_as_a_new_authorization_and_nothing_is_stored_yet(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    # Amazon knows the authorization (the token was obtained), but it was never saved here.
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    await admin.delete(f"/api/edits/{draft['id']}")
    login_uri = await _reauthorize_at_amazon(amazon, "A1SIMNASELLER1")

    page = await admin.get(local(login_uri))

    assert page.status_code == 200
    assert "Connect Amazon seller account A1SIMNASELLER1 for NA?" in page.text
    assert 'name="company_code"' in page.text  # the admin names the company it is for
    assert await PendingGrant.count() == 0


async def test_a_signed_out_visitor_is_sent_to_sign_in_first(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    await save(admin, await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))
    login_uri = await _reauthorize_at_amazon(amazon, "A1SIMNASELLER1")

    page = await (await browser_factory(None)).get(local(login_uri))

    assert page.status_code == 302
    assert page.headers["location"].startswith("/login?next=%2Foauth%2Famazon%2Flogin")


async def test_a_callback_uri_that_is_not_amazons_is_refused(admin: Browser, amazon: AmazonSimulator) -> None:
    us = await create_company(admin, "US-01")
    await save(admin, await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1"))

    page = await admin.get(
        "/oauth/amazon/login",
        params={
            "amazon_callback_uri": "https://evil.example/steal",
            "amazon_state": "x",
            "selling_partner_id": "A1SIMNASELLER1",
        },
    )

    assert page.status_code == 400
    assert "is not Amazon" in page.text
    assert read_form(page.text).action is None
