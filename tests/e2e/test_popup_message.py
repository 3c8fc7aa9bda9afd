"""The pop-up's message in Chromium: Amazon's callback page tells only an opener of the app's own origin, and the
settings page ignores a token message that another origin's page posts to it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect

from tests.e2e.conftest import ENGLISH, TIMEOUT_MS, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_settings_page import consent_at_amazon

OTHER_ORIGIN = "http://other-site.example"
# A page of another site: it keeps every message it receives, and opens what it is asked to in a pop-up.
OTHER_SITE_PAGE = """<!doctype html><html lang="en"><head><title>Another site</title></head><body>
<main><h1>Another site</h1></main>
<script>
  window.received = [];
  window.addEventListener("message", (event) => window.received.push({origin: event.origin, data: event.data}));
</script></body></html>"""


@pytest.fixture
def admin_context(chromium: Browser, stack: Stack) -> Iterator[BrowserContext]:
    """One signed-in admin's browser, in which another site (served by the browser itself, no network) is open too."""
    context = chromium.new_context(base_url=stack.base_url, locale=ENGLISH, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)

    def other_site(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=OTHER_SITE_PAGE)

    context.route(f"{OTHER_ORIGIN}/**", other_site)
    sign_in(context.new_page(), "admin", stack.passwords["admin"])
    yield context
    context.close()


def _api(page: Page, stack: Stack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    csrf = page.request.get("/api/auth/me").json()["csrfToken"]
    answer = page.request.fetch(
        path, method=method, data=body, headers={"X-CSRF-Token": csrf, "Origin": stack.base_url}
    )
    assert answer.ok, answer.text()
    return answer.json()


def _company_with_a_draft(page: Page, stack: Stack, code: str) -> tuple[int, str]:
    company = _api(page, stack, "POST", "/api/companies", {"code": code, "name": f"{code} Trading", "parentId": None})
    draft = _api(page, stack, "POST", f"/api/companies/{company['id']}/amazon/edits")
    return int(company["id"]), str(draft["id"])


def _other_site(context: BrowserContext) -> Page:
    page = context.new_page()
    page.goto(f"{OTHER_ORIGIN}/")
    expect(page.get_by_role("heading", name="Another site")).to_be_visible()
    return page


def test_the_callback_page_tells_an_opener_of_another_origin_nothing(
    admin_context: BrowserContext, stack: Stack
) -> None:
    app = admin_context.pages[0]
    _, edit_id = _company_with_a_draft(app, stack, "PM-01")
    consent_url = _api(app, stack, "POST", f"/api/edits/{edit_id}/regions/NA/authorize", {})["consentUrl"]
    other = _other_site(admin_context)

    with other.expect_popup() as opened:
        other.evaluate("url => window.open(url, 'amazon-consent', 'popup')", consent_url)
    popup = opened.value
    consent_at_amazon(popup, "A1SIMNASELLER1")
    if not popup.is_closed():
        popup.wait_for_event("close")  # the callback page posted its message and closed itself

    # The token did arrive (it waits in the draft), but its message never reached the other site's page.
    draft = app.request.get(f"/api/edits/{edit_id}").json()
    assert [g["sellingPartnerId"] for g in draft["pendingGrants"]] == ["A1SIMNASELLER1"]
    assert other.evaluate("window.received") == []


def test_the_callback_page_tells_an_opener_of_the_apps_own_origin(admin_context: BrowserContext, stack: Stack) -> None:
    app = admin_context.pages[0]
    company, edit_id = _company_with_a_draft(app, stack, "PM-02")
    consent_url = _api(app, stack, "POST", f"/api/edits/{edit_id}/regions/NA/authorize", {})["consentUrl"]
    opener = admin_context.new_page()
    opener.goto("/health")  # any page of the app's origin
    opener.evaluate(
        "() => { window.received = []; window.addEventListener('message', (e) => "
        "window.received.push({origin: e.origin, data: e.data})); }"
    )

    with opener.expect_popup() as opened:
        opener.evaluate("url => window.open(url, 'amazon-consent', 'popup')", consent_url)
    popup = opened.value
    consent_at_amazon(popup, "A1SIMNASELLER1")
    if not popup.is_closed():
        popup.wait_for_event("close")

    received = opener.evaluate("window.received")
    assert received == [
        {
            "origin": stack.base_url,
            "data": {
                "type": "amazon-token",
                "editId": edit_id,
                "companyId": company,
                "region": "NA",
                "sellingPartnerId": "A1SIMNASELLER1",
                "sellerChanged": False,
            },
        }
    ]


def test_the_settings_page_ignores_a_token_message_from_another_origin(
    admin_context: BrowserContext, stack: Stack
) -> None:
    app = admin_context.pages[0]
    company, edit_id = _company_with_a_draft(app, stack, "PM-03")
    message = {
        "type": "amazon-token",
        "editId": edit_id,
        "companyId": company,
        "region": "NA",
        "sellingPartnerId": "A1FORGEDSELLER",
        "sellerChanged": False,
    }
    other = _other_site(admin_context)
    with other.expect_popup() as opened:
        # The other site opens the settings page itself, so it holds a window to post to.
        other.evaluate(
            "url => { window.settings = window.open(url); }",
            f"{stack.base_url}/companies/{company}/amazon?edit={edit_id}",
        )
    settings = opened.value
    expect(settings.get_by_role("heading", name="Amazon General Settings")).to_be_visible()
    expect(settings.get_by_role("button", name="Save")).to_be_visible()  # the admin's draft is open
    settings.wait_for_load_state("networkidle")
    draft_reads: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "GET" and re.search(rf"/api/edits/{edit_id}$", request.url):
            draft_reads.append(request.url)

    settings.on("request", on_request)

    other.evaluate(f"() => window.settings.postMessage({json.dumps(message)}, '*')")
    settings.wait_for_timeout(1500)
    forged_reads = list(draft_reads)
    with settings.expect_request(lambda r: r.method == "GET" and r.url.endswith(f"/api/edits/{edit_id}")):
        # The same message from the app's own origin (as its callback page sends it): the draft is read again.
        settings.evaluate(f"() => window.postMessage({json.dumps(message)}, window.location.origin)")

    assert forged_reads == []
