"""Ask the account holder by e-mail, in Chromium: the admin sends the link from the settings page, the holder (signed
out, in another browser) opens it from the outbox and consents at Amazon, the admin's page shows the token, Save."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import OpenPage, Screens
from tests.e2e.test_accessibility import AXE, RULES, described
from tests.e2e.test_settings_page import consent_at_amazon, open_company, region_panel

CODE, NAME = "LINK-01", "Link Trading Ltd"
HOLDER = "holder@link-trading.example"
SELLER = "A1SIMNASELLER1"


def _create_company(admin: Page) -> None:
    """A company of this test's own (the demo ones belong to the other tests), made through the API."""
    csrf = admin.request.get("/api/auth/me").json()["csrfToken"]
    created = admin.request.post("/api/companies", data={"code": CODE, "name": NAME}, headers={"X-CSRF-Token": csrf})
    assert created.status == 201, created.text()


def _link_in_outbox(admin: Page) -> str:
    """The link of the newest mail to the holder, as an admin reads the outbox."""
    mails = admin.request.get("/api/outbox", params={"limit": 50}).json()["items"]
    mail = next(m for m in mails if m["recipient"] == HOLDER)
    assert NAME in mail["body"]
    found = re.findall(r"https?://\S+/oauth/amazon/consent/[A-Za-z0-9_-]{43}", mail["body"])
    assert len(found) == 1, mail["body"]
    return str(found[0])


def _serious_accessibility_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core on a page that keeps its strict CSP (an evaluated script is not an inline one)."""
    page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        f"async () => (await axe.run(document, {json.dumps(RULES)})).violations"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_the_account_holder_authorizes_by_the_emailed_link_and_the_admin_saves_the_token(
    open_page: OpenPage, screens: Screens
) -> None:
    admin = open_page("admin")
    _create_company(admin)
    open_company(admin, CODE)
    admin.get_by_role("button", name="Edit").click()
    na = region_panel(admin, "NA")
    na.get_by_label("E-mail of the Seller Central account holder").fill(HOLDER)
    na.get_by_role("button", name="Send authorization link").click()
    expect(
        na.get_by_text(re.compile(rf"Authorization link sent to {re.escape(HOLDER)} on .+, waiting\."))
    ).to_be_visible()
    screens(admin, "link-sent-waiting")

    holder = open_page(None)  # another browser, signed out: the holder has no ERP account
    holder.goto(_link_in_outbox(admin))
    expect(holder.get_by_role("heading", name=f"Authorize Amazon access for {NAME}")).to_be_visible()
    expect(holder.get_by_text("North America (NA)")).to_be_visible()
    screens(holder, "holder-link-page")
    problems = _serious_accessibility_problems(holder)
    assert not problems, described(problems)
    holder.get_by_role("button", name="Continue to Seller Central").click()
    consent_at_amazon(holder, SELLER)
    expect(holder.get_by_role("heading", name=f"Done: the authorization reached {NAME}")).to_be_visible()
    expect(holder.get_by_text("You may close this page.")).to_be_visible()
    screens(holder, "holder-done")
    problems = _serious_accessibility_problems(holder)
    assert not problems, described(problems)

    # The admin's page looks at the draft while the link waits: the token shows without a reload.
    expect(admin.get_by_text(re.compile(rf"New token for NA \(seller {SELLER}\) received"))).to_be_visible()
    expect(na.get_by_text(re.compile("Authorization link sent to"))).to_have_count(0)
    screens(admin, "token-from-the-holder")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(na).to_contain_text(re.compile("active", re.IGNORECASE))
    expect(na).to_contain_text(SELLER)
    screens(admin, "saved")

    holder.goto(_link_in_outbox(admin))  # the link worked once
    expect(holder.get_by_role("heading", name="This authorization link is no longer valid")).to_be_visible()
