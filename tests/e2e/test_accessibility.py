"""axe-core (the engine behind most accessibility checkers) finds no serious or critical WCAG 2 A/AA problem."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import sign_in
from tests.e2e.stack import ROOT, Stack
from tests.e2e.test_settings_page import open_company

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=AXE)
    found: list[dict[str, Any]] = page.evaluate(
        f"async () => (await axe.run(document, {json.dumps(RULES)})).violations"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def described(found: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in found)


@pytest.fixture
def audited_page(chromium: Browser, stack: Stack) -> Page:
    # axe is injected as an inline script, which the app's CSP (rightly) refuses: this context alone bypasses it.
    context = chromium.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    return context.new_page()


def test_the_pages_have_no_serious_accessibility_problems(audited_page: Page, stack: Stack) -> None:
    page = audited_page
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    problems = {"login": violations(page)}

    sign_in(page, "admin", stack.passwords["admin"])
    expect(page.get_by_role("heading", name="Companies", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="US-01", exact=True)).to_be_visible()
    problems["companies"] = violations(page)

    open_company(page, "CA-01")
    problems["settings of a unified member"] = violations(page)
    open_company(page, "US-01")
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    problems["settings in edit mode"] = violations(page)
    page.get_by_role("button", name="NA actions").click()
    problems["actions menu"] = violations(page)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()

    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("table")).to_be_visible()
    problems["audit"] = violations(page)
    page.get_by_role("button", name="Notifications").click()
    problems["notifications"] = violations(page)
    page.keyboard.press("Escape")
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    expect(page.get_by_text("Vic Viewer")).to_be_visible()
    problems["admin"] = violations(page)

    report = "\n".join(f"{name}:\n{described(found)}" for name, found in problems.items() if found)
    assert not report, report
