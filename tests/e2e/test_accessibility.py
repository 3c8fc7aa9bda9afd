"""axe-core (the engine behind most accessibility checkers) finds no serious or critical WCAG 2 A/AA problem.

The test brings what it looks at (its own admin and companies, an expiry timeline with a bar to read), so it sees
the same pages whichever tests ran before it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ENGLISH, sign_in
from tests.e2e.stack import ROOT, Stack

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
USER, PASSWORD = "axe-admin", "axe-admin-password-1"
# Two owners whose EU authorizations run out in the same week, nine weeks from now (a bar of "2"), and a unified
# member of the first.
OWNER, OTHER_OWNER, MEMBER = "AXE-01", "AXE-03", "AXE-02"
DAYS_LEFT = 60
# What each timeline bar shows, top to bottom: its count above it (when there is one), its day below it.
SHOWN_TOP_TO_BOTTOM = """slot => [...slot.querySelectorAll('*')]
    .filter(e => e.childElementCount === 0 && e.textContent.trim() && e.checkVisibility())
    .map(e => [e.getBoundingClientRect().top, e.textContent.trim()])
    .sort((a, b) => a[0] - b[0])
    .map(([, text]) => text)"""


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
    context = chromium.new_context(
        base_url=stack.base_url, locale=ENGLISH, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    return context.new_page()


def _arrange(stack: Stack) -> None:
    """This test's admin and companies (the demo ones, and the admin's drafts and language, are other tests')."""
    done = subprocess.run(  # noqa: S603 (this project's own CLI, with the test's own arguments)
        [sys.executable, "-m", "app.cli", "create-user", USER, "--role", "admin", "--password", PASSWORD],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for code in (OWNER, OTHER_OWNER):
        stack.arrange_expiring_authorization(code, "EU", days_left=DAYS_LEFT)


def _company_id(page: Page, code: str) -> int:
    found = page.request.get("/api/companies", params={"q": code}).json()["items"]
    return int(next(c["id"] for c in found if c["code"] == code))


def _create_member(page: Page, stack: Stack, owner_id: int) -> int:
    csrf = page.request.get("/api/auth/me").json()["csrfToken"]
    created = page.request.post(
        "/api/companies",
        data={"code": MEMBER, "name": f"{MEMBER} Trading", "parentId": owner_id, "unified": True},
        headers={"X-CSRF-Token": csrf, "Origin": stack.base_url},
    )
    assert created.status == 201, created.text()
    return int(created.json()["id"])


def _open_settings(page: Page, company_id: int, code: str) -> None:
    page.goto(f"/companies/{company_id}/amazon")
    expect(page.get_by_role("heading", name="Amazon General Settings")).to_be_visible()
    expect(page.get_by_role("main").get_by_text(code).first).to_be_visible()


def assert_timeline_bars_are_named_by_what_they_show(page: Page) -> None:
    """WCAG 2.5.3 (label in name): the text each bar shows is in its accessible name, in the order shown, so that a
    speech input user can say what they see. axe cannot check it: the texts are hidden from the accessibility tree
    (the name says them) and the count stands outside the button."""
    timeline = page.get_by_role("region", name="Authorizations expiring in the next 12 weeks")
    bars = timeline.get_by_role("button")
    expect(bars).to_have_count(12)
    for bar in bars.all():
        shown: list[str] = bar.locator("..").evaluate(SHOWN_TOP_TO_BOTTOM)
        assert shown, "a bar shows no text"
        expect(bar).to_have_accessible_name(re.compile(".*".join(re.escape(text) for text in shown)))


def test_the_pages_have_no_serious_accessibility_problems(audited_page: Page, stack: Stack) -> None:
    _arrange(stack)
    page = audited_page
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    problems = {"login": violations(page)}

    sign_in(page, USER, PASSWORD)
    owner_id = _company_id(page, OWNER)
    member_id = _create_member(page, stack, owner_id)
    page.goto("/companies")
    expect(page.get_by_role("heading", name="Companies", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=OWNER, exact=True).first).to_be_visible()
    ours = page.get_by_role("button", name=re.compile(r"^2 authorizations expiring, week of "))
    expect(ours).to_be_visible()
    assert_timeline_bars_are_named_by_what_they_show(page)
    problems["companies"] = violations(page)
    ours.click()
    expect(page.get_by_role("link", name=OWNER, exact=True).first).to_be_visible()
    expect(page.get_by_text(f"also used by {MEMBER}")).to_be_visible()
    problems["companies, a week of the timeline open"] = violations(page)

    _open_settings(page, member_id, MEMBER)
    expect(page.get_by_role("main").get_by_text(f"uses {OWNER}'s account").first).to_be_visible()
    problems["settings of a unified member"] = violations(page)
    _open_settings(page, owner_id, OWNER)
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
