"""What admins and support staff do on the company settings page, in Chromium, against the running system."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import OpenPage, Screens
from tests.e2e.stack import Stack


def open_company(page: Page, code: str) -> None:
    page.goto("/companies")
    page.get_by_role("link", name=code, exact=True).first.click()
    expect(page.get_by_role("heading", name="Amazon General Settings")).to_be_visible()
    # In the page's main content: the header's notifications (hidden until opened) may name the company too.
    expect(page.get_by_role("main").get_by_text(code).first).to_be_visible()


def region_panel(page: Page, region: str) -> object:
    return page.get_by_role("region", name=f"{region} credentials")


def choose_action(page: Page, region: str, action: str) -> None:
    page.get_by_role("button", name=f"{region} actions").click()
    page.get_by_role("menuitem", name=action).click()


def consent_at_amazon(popup: Page, seller: str | None = None) -> None:
    """On Amazon's consent page: sign in as `seller` (or the first offered), tick "I authorize …" and Confirm."""
    popup.wait_for_load_state()
    if seller is not None:
        popup.get_by_label("Sign in as").select_option(seller)
    popup.get_by_label(re.compile(r"^I authorize")).check()
    popup.get_by_role("button", name="Confirm").click()


def get_token_in_popup(page: Page, region: str, seller: str | None = None) -> None:
    with page.expect_popup() as opened:
        choose_action(page, region, "Get Selling Partner API token")
    popup = opened.value
    consent_at_amazon(popup, seller)
    if not popup.is_closed():  # it may have closed already, before anyone waited for it
        popup.wait_for_event("close")


def selling_partner_of(page: Page, company_code: str, region: str) -> str:
    companies = page.request.get("/api/companies", params={"q": company_code}).json()["items"]
    company_id = next(c["id"] for c in companies if c["code"] == company_code)
    settings = page.request.get(f"/api/companies/{company_id}/amazon").json()
    return str(next(c for c in settings["connections"] if c["region"] == region)["sellingPartnerId"])


def test_token_on_the_owner_reaches_its_unified_member_and_support_sees_revocation(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    admin = open_page("admin")
    screens(admin, "companies")
    open_company(admin, "US-01")
    screens(admin, "settings-view")

    admin.get_by_role("button", name="Edit").click()
    expect(admin.get_by_role("button", name="Save")).to_be_visible()
    get_token_in_popup(admin, "NA")
    expect(admin.get_by_text(re.compile(r"New token for NA \(seller A"))).to_be_visible()
    screens(admin, "pending-token")
    admin.get_by_role("button", name="Save").click()

    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(region_panel(admin, "NA")).to_contain_text(re.compile(r"active", re.IGNORECASE))
    screens(admin, "saved")
    open_company(admin, "CA-01")
    member_na = region_panel(admin, "NA")
    expect(member_na).to_contain_text("inherited from US-01")
    expect(member_na).to_contain_text(re.compile(r"active", re.IGNORECASE))
    expect(member_na).to_contain_text(re.compile(r"\d+ days left|365 days|364 days"))
    screens(admin, "member-inherits")

    support = open_page("support")
    open_company(support, "CA-01")
    choose_action(support, "NA", "Refresh Selling Partner API Access Token")
    result = support.get_by_role("status").filter(has_text=re.compile("Connection OK"))
    expect(result).to_be_visible()
    expect(result).to_contain_text("ran on US-01")
    screens(support, "refresh-ok")

    stack.revoke(selling_partner_of(support, "US-01", "NA"))
    choose_action(support, "NA", "Refresh Selling Partner API Access Token")
    revoked = support.get_by_role("status").filter(has_text="Re-authorization required")
    expect(revoked).to_be_visible()
    expect(revoked).to_contain_text("Get Selling Partner API token")
    expect(region_panel(support, "NA")).to_contain_text(re.compile(r"re-authorization required", re.IGNORECASE))
    screens(support, "refresh-reauthorization-required")


def test_cancel_discards_a_pending_token(open_page: OpenPage, screens: Screens) -> None:
    admin = open_page("admin")
    open_company(admin, "UK-01")
    stored = region_panel(admin, "FE").inner_text()
    admin.get_by_role("button", name="Edit").click()
    get_token_in_popup(admin, "FE")
    expect(admin.get_by_text(re.compile(r"New token for FE"))).to_be_visible()

    admin.get_by_role("button", name="Cancel").click()
    confirm = admin.get_by_role("dialog")
    expect(confirm).to_contain_text("FE")
    screens(admin, "confirm-discard")
    confirm.get_by_role("button", name=re.compile(r"^Discard")).click()

    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(admin.get_by_text(re.compile(r"New token for FE"))).to_have_count(0)
    assert region_panel(admin, "FE").inner_text() == stored
    admin.reload()
    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    assert region_panel(admin, "FE").inner_text() == stored


def test_a_blocked_popup_is_said_plainly_and_the_same_tab_flow_returns_to_the_draft(
    open_page: OpenPage, screens: Screens
) -> None:
    admin = open_page("admin", block_popups=True)
    open_company(admin, "UK-01")
    admin.get_by_role("button", name="Edit").click()
    choose_action(admin, "EU", "Get Selling Partner API token")

    expect(admin.get_by_text("Your browser blocked the pop-up window.")).to_be_visible()
    screens(admin, "popup-blocked")
    admin.get_by_role("button", name="Continue in this tab").click()
    consent_at_amazon(admin)

    expect(admin).to_have_url(re.compile(r"/companies/\d+/amazon\?edit="))
    expect(admin.get_by_text(re.compile(r"New token for EU"))).to_be_visible()
    expect(admin.get_by_role("button", name="Save")).to_be_visible()
    screens(admin, "back-in-the-draft")
    admin.get_by_role("button", name="Save").click()
    expect(region_panel(admin, "EU")).to_contain_text(re.compile(r"active", re.IGNORECASE))


def test_the_second_of_two_saves_hears_who_saved_first_and_can_reload(open_page: OpenPage, screens: Screens) -> None:
    first = open_page("admin")
    second = open_page("admin2")
    for page in (first, second):
        open_company(page, "MX-01")
        page.get_by_role("button", name="Edit").click()
        expect(page.get_by_role("button", name="Save")).to_be_visible()
    expect(second.get_by_text(re.compile(r"Ada Admin"))).to_be_visible()  # the other open draft is shown

    first.get_by_label(re.compile(r"Notification e-?mail", re.IGNORECASE)).fill("mx-first@example.com")
    first.get_by_label(re.compile(r"Notification e-?mail", re.IGNORECASE)).blur()
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("button", name="Edit")).to_be_visible()
    second.get_by_label(re.compile(r"Notification e-?mail", re.IGNORECASE)).fill("mx-second@example.com")
    second.get_by_label(re.compile(r"Notification e-?mail", re.IGNORECASE)).blur()
    second.get_by_role("button", name="Save").click()

    conflict = second.get_by_role("alert").filter(has_text="saved")
    expect(conflict).to_contain_text("Ada Admin")
    screens(second, "conflict")
    second.get_by_role("button", name="Reload").click()
    expect(second.get_by_text("mx-first@example.com").first).to_be_visible()


def test_a_viewer_sees_settings_but_no_actions(open_page: OpenPage, screens: Screens) -> None:
    viewer = open_page("viewer")
    open_company(viewer, "US-01")

    expect(region_panel(viewer, "NA")).to_be_visible()
    expect(viewer.get_by_role("button", name="Edit")).to_have_count(0)
    expect(viewer.get_by_role("button", name=re.compile(r"^(NA|EU|FE) actions$"))).to_have_count(0)
    screens(viewer, "viewer")


def test_a_token_of_another_seller_is_saved_only_when_confirmed(open_page: OpenPage, screens: Screens) -> None:
    admin = open_page("admin")
    open_company(admin, "JP-01")
    admin.get_by_role("button", name="Edit").click()
    get_token_in_popup(admin, "FE", seller="A1SIMJPSELLER1")
    admin.get_by_role("button", name="Save").click()
    expect(region_panel(admin, "FE")).to_contain_text("A1SIMJPSELLER1")

    admin.get_by_role("button", name="Edit").click()
    get_token_in_popup(admin, "FE", seller="A1SIMAUSELLER1")
    expect(admin.get_by_text(re.compile(r"different seller account"))).to_be_visible()
    expect(admin.get_by_role("button", name="Save")).to_be_disabled()
    expect(admin.get_by_text("Confirm the new seller account for FE to save.")).to_be_visible()
    screens(admin, "seller-change-needs-confirmation")
    admin.get_by_label("I confirm the new seller account for FE").check()
    admin.get_by_role("button", name="Save").click()

    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(region_panel(admin, "FE")).to_contain_text("A1SIMAUSELLER1")
