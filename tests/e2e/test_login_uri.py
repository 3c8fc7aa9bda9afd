"""Amazon's Log-in URI in Chromium: it asks first, its button goes on (renewal, first connection), no one else."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OpenPage, Screens, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_accessibility import AXE, RULES, described
from tests.e2e.test_settings_page import choose_action, consent_at_amazon, get_token_in_popup, open_company

SELLER = "A1SIMJPSELLER1"
ATTACKER_SITE = "https://attacker.example"


def _reauthorize_url(stack: Stack) -> str:
    """Seller Central → Manage Your Apps → Re-Authorize, for JP-01's seller."""
    query = urlencode({"application_id": "amzn1.sp.solution.sim-seller-app", "selling_partner_id": SELLER})
    return f"{stack.simulator}/central/sellercentral.amazon.co.jp/apps/manage/reauthorize?{query}"


def _open_drafts(page: Page, code: str) -> list[object]:
    companies = page.request.get("/api/companies", params={"q": code}).json()["items"]
    company_id = next(c["id"] for c in companies if c["code"] == code)
    return list(page.request.get(f"/api/companies/{company_id}/amazon").json()["openEdits"])


def _connect_jp(admin: Page) -> None:
    open_company(admin, "JP-01")
    admin.get_by_role("button", name="Edit").click()
    get_token_in_popup(admin, "FE", SELLER)
    expect(admin.get_by_text(re.compile(r"New token for FE \(seller A1SIMJPSELLER1\)"))).to_be_visible()
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("button", name="Edit")).to_be_visible()


def test_renewal_from_seller_central_asks_then_continues_at_amazon_and_waits_in_the_draft(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    admin = open_page("admin")
    _connect_jp(admin)

    admin.goto(_reauthorize_url(stack))
    expect(
        admin.get_by_role("heading", name="Continue renewing the Amazon authorization of JP-01 for FE?")
    ).to_be_visible()
    screens(admin, "confirm-renewal")
    assert _open_drafts(admin, "JP-01") == []  # asking wrote nothing
    admin.get_by_role("button", name="Continue at Amazon").click()
    consent_at_amazon(admin)

    expect(admin.get_by_text(re.compile(r"New token for FE \(seller A1SIMJPSELLER1\)"))).to_be_visible()
    screens(admin, "renewed-token-in-draft")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(admin.get_by_role("region", name="FE credentials")).to_contain_text(re.compile("active", re.IGNORECASE))


def _end_the_session_on_the_server(page: Page, stack: Stack) -> None:
    """The session ends on the server (as after 30 idle minutes) while the browser keeps its cookie."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "erp_session")
    with httpx.Client(base_url=stack.base_url, cookies={"erp_session": cookie}) as elsewhere:
        csrf = elsewhere.get("/api/auth/me").json()["csrfToken"]
        ended = elsewhere.post("/api/auth/logout", headers={"X-CSRF-Token": csrf, "Origin": stack.base_url})
    assert ended.status_code == 204, ended.text
    assert any(c["name"] == "erp_session" for c in page.context.cookies())


def _accessibility_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core on a page that keeps the app's CSP (evaluated scripts are not inline scripts)."""
    page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        f"async () => (await axe.run(document, {json.dumps(RULES)})).violations"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_a_renewal_started_while_signed_out_signs_in_then_goes_on_to_amazon_and_back_to_the_draft(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    seller = open_page(None)
    with seller.expect_response(re.compile(r"/api/auth/me$")):
        seller.goto("/login")
    expect(seller.get_by_role("button", name="Sign in")).to_be_visible()
    expect(seller.get_by_text("Your session expired")).to_have_count(0)  # a plain first visit
    sign_in(seller, "admin", stack.passwords["admin"])
    _connect_jp(seller)
    _end_the_session_on_the_server(seller, stack)

    seller.goto(_reauthorize_url(stack))
    expect(seller).to_have_url(re.compile(r"/login\?next=%2Foauth%2Famazon%2Flogin%3F"))
    expect(seller.get_by_text("Your session expired: sign in again.")).to_be_visible()
    screens(seller, "sign-in-after-the-session-expired")
    problems = _accessibility_problems(seller)
    assert not problems, described(problems)
    seller.get_by_label("Username").fill("admin")
    seller.get_by_label("Password").fill(stack.passwords["admin"])
    seller.get_by_role("button", name="Sign in").click()

    expect(
        seller.get_by_role("heading", name="Continue renewing the Amazon authorization of JP-01 for FE?")
    ).to_be_visible()
    seller.get_by_role("button", name="Continue at Amazon").click()
    consent_at_amazon(seller)
    expect(seller.get_by_text(re.compile(r"New token for FE \(seller A1SIMJPSELLER1\)"))).to_be_visible()
    expect(seller.get_by_role("button", name="Save")).to_be_visible()
    screens(seller, "renewed-after-signing-in")
    seller.get_by_role("button", name="Save").click()
    expect(seller.get_by_role("region", name="FE credentials")).to_contain_text(re.compile("active", re.IGNORECASE))


def test_another_site_can_neither_open_a_draft_by_a_link_nor_post_the_confirmation(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    admin = open_page("admin")
    _connect_jp(admin)
    login_uri = admin.request.get(_reauthorize_url(stack), max_redirects=0).headers["location"]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', admin.request.get(login_uri).text()))
    forged = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items() if k != "csrf_token")
    # A page on another site: a link to our Log-in URI, and a form that posts the confirmation on its own.
    admin.context.route(
        f"{ATTACKER_SITE}/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<a href="{login_uri}">win a prize</a>'
            f'<form id=f method=post action="{stack.base_url}/oauth/amazon/login">{forged}'
            '<input type="hidden" name="csrf_token" value="guessed"><button>go</button></form>',
        ),
    )

    admin.goto(f"{ATTACKER_SITE}/link")
    admin.get_by_role("link", name="win a prize").click()
    expect(admin.get_by_role("heading", name=re.compile("Continue renewing"))).to_be_visible()
    drafts_after_link = _open_drafts(admin, "JP-01")
    admin.goto(f"{ATTACKER_SITE}/form")
    admin.get_by_role("button", name="go").click()
    expect(admin.get_by_role("heading", name=re.compile("Sign in first|Request refused"))).to_be_visible()
    screens(admin, "cross-site-post-refused")

    assert drafts_after_link == []
    assert _open_drafts(admin, "JP-01") == []


def test_a_first_connection_through_amazons_login_uri_step_in_the_pop_up(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    behaviour = f"{stack.simulator}/_admin/login-behaviour"
    httpx.post(behaviour, json={"websiteLoginStep": "always"}).raise_for_status()
    try:
        admin = open_page("admin")
        open_company(admin, "UK-01")
        admin.get_by_role("button", name="Edit").click()
        with admin.expect_popup() as opened:
            choose_action(admin, "EU", "Get Selling Partner API token")
        popup = opened.value
        consent_at_amazon(popup, "A1SIMEUSELLER1")
        expect(popup.get_by_role("heading", name="Continue connecting UK-01 for EU?")).to_be_visible()
        screens(popup, "login-uri-step")
        popup.get_by_role("button", name="Continue at Amazon").click()
        popup.wait_for_event("close")

        expect(admin.get_by_text(re.compile(r"New token for EU \(seller A1SIMEUSELLER1\)"))).to_be_visible()
        admin.get_by_role("button", name="Save").click()
        expect(admin.get_by_role("region", name="EU credentials")).to_contain_text(re.compile("active", re.I))
    finally:
        httpx.post(behaviour, json={"websiteLoginStep": "draft_apps"}).raise_for_status()
