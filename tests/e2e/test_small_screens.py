"""At 360 and 390 px wide (phones) every main page fits: no sideways scrolling, nothing cut off or overlapping,
targets of at least 24 by 24 px, the main actions clickable, and axe finds nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from tests.e2e.arrange import arrange
from tests.e2e.conftest import _EXPECTED_HTTP_ERROR, ENGLISH, TIMEOUT_MS, Screens, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_accessibility import AXE, described
from tests.e2e.test_settings_page import get_token_in_popup, open_company

PHONES = [pytest.param(360, 740, id="360px"), pytest.param(390, 844, id="390px")]
# test_accessibility.py's WCAG 2.0/2.1 A and AA rules, and WCAG 2.2 AA for the size of targets (2.5.8).
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

# What a user of a narrow window would notice, measured in the page: one sentence per problem.
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_problems.js").read_text()


@pytest.fixture
def phone(chromium: Browser, stack: Stack, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A touch screen of the test's width, signed out, in a context that lets axe in (the app's CSP refuses it)."""
    width, height = request.node.callspec.params["width"], request.node.callspec.params["height"]
    context = chromium.new_context(
        base_url=stack.base_url,
        locale=ENGLISH,
        viewport={"width": width, "height": height},
        has_touch=True,
        bypass_csp=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _EXPECTED_HTTP_ERROR.match(message.text):
            errors.append(f"console error on {page.url}: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} from {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught error on {page.url}: {error}"))
    page.on("response", on_response)
    yield page
    context.close()
    assert errors == [], "\n".join(errors)


class Pages:
    """Checks each page as it is shown, keeps its screenshot, and collects what is wrong, by page."""

    def __init__(self, page: Page, width: int, screens: Screens) -> None:
        self.page, self.width, self.screens = page, width, screens
        self.problems: dict[str, list[str]] = {}

    def check(self, name: str) -> None:
        # Measured once nothing is loading any more (the page marks what loads, a list being searched too).
        expect(self.page.locator('[aria-busy="true"]')).to_have_count(0)
        found: list[str] = self.page.evaluate(LAYOUT_PROBLEMS, self.width)
        self.page.add_script_tag(path=AXE)
        axe: list[dict[str, Any]] = self.page.evaluate(
            f"async () => (await axe.run(document, {json.dumps(AXE_RULES)})).violations"
        )
        if axe:
            found.append(f"axe: {described(axe)}")
        self.screens(self.page, re.sub(r"\W+", "-", name))
        if found:
            self.problems[name] = found

    def report(self) -> str:
        return "\n".join(f"{name} at {self.width} px:\n  " + "\n  ".join(p) for name, p in self.problems.items())


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_every_main_page_fits_a_phone_and_its_actions_work(
    phone: Page, stack: Stack, screens: Screens, width: int, height: int
) -> None:
    owner = f"PHONE-{width}"
    # Beyond the expiry timeline's 12 weeks, which test_pages.py counts on.
    stack.arrange_expiring_authorization(owner, "EU", days_left=200)
    arrange(stack.env, "revoked-deep-owner", f"P{width}")
    page, pages = phone, Pages(phone, width, screens)

    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    pages.check("login")
    sign_in(page, "admin", stack.passwords["admin"])

    expect(page.get_by_role("link", name="US-01", exact=True)).to_be_visible()
    pages.check("companies")
    # Stacked rows on a phone, still a table with its column headers for a screen reader.
    expect(page.get_by_role("table", name="Companies by parent").get_by_role("columnheader")).to_have_count(6)
    page.get_by_role("button", name="Notifications").click()
    expect(page.get_by_role("region", name="Notifications list")).to_be_visible()
    pages.check("notifications")
    page.keyboard.press("Escape")

    page.goto("/companies?filter=needs-action")
    expect(page.get_by_role("link", name=re.compile(rf"^P{width}-DEEP ")).first).to_be_visible()
    pages.check("needs-action list")

    open_company(page, "CA-01")
    pages.check("settings of a unified member")

    open_company(page, owner)
    pages.check("settings")
    page.get_by_role("button", name="EU actions").click()
    pages.check("actions menu")
    page.get_by_role("menuitem", name="Refresh Selling Partner API Access Token").click()
    expect(page.get_by_role("status").filter(has_text=re.compile(r"Tested at"))).to_be_visible()
    pages.check("connection test result")

    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    pages.check("settings in edit mode")
    page.get_by_role("combobox", name="Parent company").fill("UK")
    expect(page.get_by_role("option", name=re.compile(r"^UK-01"))).to_be_visible()
    pages.check("parent company choices")
    page.keyboard.press("Escape")
    get_token_in_popup(page, "NA")
    expect(page.get_by_text(re.compile(r"New token for NA \(seller A"))).to_be_visible()
    anyway = page.get_by_label("Save this token for NA anyway")
    if anyway.count():
        anyway.check()
    pages.check("edit mode with a new token")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    expect(page.get_by_role("region", name="NA credentials")).to_contain_text(re.compile("active", re.IGNORECASE))

    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("table")).to_be_visible()
    pages.check("audit")

    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_text("Vic Viewer")).to_be_visible()
    pages.check("admin")
    page.get_by_role("button", name="Deactivate viewer").click()
    expect(page.get_by_role("dialog", name="Deactivate viewer?")).to_be_visible()
    pages.check("confirmation dialog")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name=re.compile(r"^Edit Seller app")).first.click()
    expect(page.get_by_role("group", name=re.compile(r"^Editing Seller app"))).to_be_visible()
    pages.check("app credentials in edit mode")
    page.get_by_role("group", name=re.compile(r"^Editing Seller app")).get_by_role("button", name="Cancel").click()

    assert not pages.problems, pages.report()
