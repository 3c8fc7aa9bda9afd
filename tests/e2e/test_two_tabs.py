"""Two tabs of one admin on one company's draft, in Chromium: neither stores what it did not show."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from tests.e2e.conftest import ENGLISH, TIMEOUT_MS, Screens, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_accessibility import described, violations
from tests.e2e.test_settings_page import open_company

CODE = "TT-01"
CHANGED_ELSEWHERE = "This draft was changed in another tab or window: reload to see the changes."


@pytest.fixture
def two_tabs(chromium: Browser, stack: Stack) -> Iterator[tuple[Page, Page]]:
    """Two pages of one browser context (one session) signed in as admin, where axe may run (the app's CSP rightly
    refuses its inline script)."""
    context: BrowserContext = chromium.new_context(
        base_url=stack.base_url, locale=ENGLISH, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []

    def watch(page: Page) -> None:
        def on_response(response: Response) -> None:
            if response.status >= 500:
                problems.append(f"{response.status} from {response.request.method} {response.url}")

        page.on("pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error}"))
        page.on("response", on_response)

    context.on("page", watch)
    tab_a = context.new_page()
    sign_in(tab_a, "admin", stack.passwords["admin"])
    tab_b = context.new_page()
    yield tab_a, tab_b
    context.close()
    assert problems == [], "\n".join(problems)


def _new_company(page: Page, stack: Stack, code: str) -> None:
    csrf = page.request.get("/api/auth/me").json()["csrfToken"]
    created = page.request.post(
        "/api/companies",
        data={"code": code, "name": f"{code} Two Tabs", "parentId": None, "unified": False},
        headers={"X-CSRF-Token": csrf, "Origin": stack.base_url},
    )
    assert created.status == 201, created.text()


def _is_draft_change(response: Response) -> bool:
    return response.request.method == "PATCH" and "/api/edits/" in response.url


def _tick(tab: Page, label: str) -> int:
    """Tick a box in edit mode; returns the status the server answered the change with."""
    with tab.expect_response(_is_draft_change) as answer:
        tab.get_by_label(label, exact=True).click()
    return answer.value.status


def _no_accessibility_problems(page: Page) -> None:
    found = violations(page)
    assert not found, described(found)


def test_a_tab_hears_of_the_other_tabs_change_reloads_it_and_the_other_hears_of_the_save(
    two_tabs: tuple[Page, Page], stack: Stack, screens: Screens
) -> None:
    tab_a, tab_b = two_tabs
    _new_company(tab_a, stack, CODE)
    for tab in (tab_a, tab_b):
        open_company(tab, CODE)
        tab.get_by_role("button", name="Edit").click()
        expect(tab.get_by_role("button", name="Save")).to_be_visible()

    # Tab B ticks a box and saves nothing; tab A, which never showed that tick, changes another field.
    assert _tick(tab_b, "Price sync") == 200
    assert _tick(tab_a, "Inventory sync") == 409

    notice = tab_a.get_by_role("alert").filter(has_text=CHANGED_ELSEWHERE)
    expect(notice).to_be_visible()
    expect(tab_a.get_by_label("Inventory sync", exact=True)).not_to_be_checked()
    expect(tab_a.get_by_label("Price sync", exact=True)).not_to_be_checked()
    expect(tab_a.get_by_role("button", name="Save")).to_be_disabled()
    screens(tab_a, "changed-in-another-tab")
    _no_accessibility_problems(tab_a)

    notice.get_by_role("button", name="Reload").click()
    expect(tab_a.get_by_label("Price sync", exact=True)).to_be_checked()
    expect(notice).to_have_count(0)
    assert "?edit=" in tab_a.url  # still in the draft: Reload read it again, it did not leave edit mode
    assert _tick(tab_a, "Inventory sync") == 200
    screens(tab_a, "reloaded-with-the-other-tabs-tick")
    tab_a.get_by_role("button", name="Save").click()
    expect(tab_a.get_by_text("Saved. The settings are now at version 2.")).to_be_visible()

    # Tab B still shows the draft: its next change hears that it was saved in tab A.
    assert _tick(tab_b, "Order import") == 410
    saved = tab_b.get_by_role("alert").filter(has_text="This draft was saved in another tab or window")
    expect(saved).to_be_visible()
    screens(tab_b, "saved-in-another-tab")
    _no_accessibility_problems(tab_b)
    saved.get_by_role("button", name="Reload").click()

    expect(tab_b.get_by_role("button", name="Edit")).to_be_visible()
    general = tab_b.get_by_role("region", name="General")
    for row, shown in (("Price sync", "On"), ("Inventory sync", "On"), ("Order import", "Off")):
        expect(general.locator(".kv-row", has_text=row)).to_contain_text(shown)
    stored = tab_b.request.get(tab_b.url.replace("/companies/", "/api/companies/")).json()
    assert stored["priceSyncEnabled"]["value"] is True
    assert stored["inventorySyncEnabled"]["value"] is True
    assert stored["orderImportEnabled"]["value"] is False
    assert stored["version"] == 2
