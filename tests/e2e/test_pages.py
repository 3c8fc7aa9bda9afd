"""Every page an admin uses, its states, and signing in again after the session ends."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import OpenPage, Screens, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_settings_page import open_company


def test_an_ended_session_goes_to_sign_in_and_back_to_the_same_page(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    admin = open_page("admin")
    open_company(admin, "JP-01")
    where = admin.url

    admin.context.clear_cookies()
    admin.reload()

    expect(admin).to_have_url(re.compile(r"/login\?next="))
    expect(admin.get_by_role("button", name="Sign in")).to_be_visible()
    screens(admin, "login")
    admin.get_by_label("Username").fill("admin")
    admin.get_by_label("Password").fill("wrong password")
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("alert")).to_contain_text(re.compile(r"wrong username or password", re.IGNORECASE))
    admin.get_by_label("Password").fill(stack.passwords["admin"])
    admin.get_by_role("button", name="Sign in").click()
    expect(admin).to_have_url(where)
    expect(admin.get_by_role("heading", name="Amazon General Settings")).to_be_visible()


def test_companies_tree_search_and_create(open_page: OpenPage, screens: Screens) -> None:
    admin = open_page("admin")
    admin.goto("/companies")
    expect(admin.get_by_role("heading", name="Companies", exact=True)).to_be_visible()
    expect(admin.get_by_text("uses US-01's account").first).to_be_visible()

    admin.get_by_label("Search companies").fill("JP")
    expect(admin.get_by_role("link", name="JP-01", exact=True)).to_be_visible()
    expect(admin.get_by_role("link", name="US-01", exact=True)).to_have_count(0)
    admin.get_by_label("Search companies").fill("")
    expect(admin.get_by_role("link", name="US-01", exact=True)).to_be_visible()

    admin.get_by_label("Code", exact=True).fill("FR-01")
    admin.get_by_label("Name", exact=True).fill("Acme France")
    parent = admin.get_by_role("combobox", name="Parent", exact=True)
    parent.fill("UK")
    admin.get_by_role("option", name="UK-01 — Acme UK").click()
    expect(parent).to_have_value("UK-01 — Acme UK")
    admin.get_by_label(re.compile(r"Unified", re.IGNORECASE)).check()
    screens(admin, "create-company")
    admin.get_by_role("button", name="Create company").click()
    new_row = admin.get_by_role("row").filter(has=admin.get_by_role("link", name="FR-01", exact=True))
    expect(new_row).to_contain_text("Acme France")
    expect(new_row).to_contain_text("uses UK-01's account")
    screens(admin, "companies-after-create")


def test_audit_notifications_and_admin_pages(open_page: OpenPage, screens: Screens) -> None:
    admin = open_page("admin")
    open_company(admin, "US-01")
    admin.get_by_role("link", name="Audit").click()
    expect(admin.get_by_role("table")).to_be_visible()
    screens(admin, "audit")

    admin.get_by_role("button", name=re.compile(r"^Notifications")).click()
    expect(
        admin.get_by_role("dialog").or_(admin.get_by_role("region", name=re.compile("Notifications")))
    ).to_be_visible()
    screens(admin, "notifications")
    admin.keyboard.press("Escape")

    admin.get_by_role("link", name="Admin").click()
    expect(admin.get_by_role("heading", name="Admin")).to_be_visible()
    expect(admin.get_by_text(re.compile(r"App credentials", re.IGNORECASE)).first).to_be_visible()
    expect(admin.get_by_text("Vic Viewer")).to_be_visible()
    expect(admin.get_by_text(re.compile(r"outbox", re.IGNORECASE)).first).to_be_visible()
    screens(admin, "admin")


def test_support_cannot_reach_admin_pages(open_page: OpenPage, stack: Stack) -> None:
    support = open_page("support")

    expect(support.get_by_role("link", name="Admin")).to_have_count(0)
    support.goto("/admin")
    expect(support.get_by_text(re.compile(r"only admins|not allowed|permission", re.IGNORECASE)).first).to_be_visible()


def test_sign_in_then_sign_out(open_page: OpenPage, stack: Stack) -> None:
    page = open_page()
    sign_in(page, "viewer", stack.passwords["viewer"])

    page.get_by_role("button", name=re.compile("Vic Viewer")).click()
    page.get_by_role("menuitem", name="Sign out").or_(page.get_by_role("button", name="Sign out")).click()

    expect(page).to_have_url(re.compile(r"/login"))
    page.goto("/companies")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_the_token_menu_works_from_the_keyboard(open_page: OpenPage, screens: Screens) -> None:
    support = open_page("support")
    open_company(support, "JP-01")
    menu_button = support.get_by_role("button", name="FE actions")

    menu_button.focus()
    support.keyboard.press("Enter")
    refresh = support.get_by_role("menuitem", name="Refresh Selling Partner API Access Token")
    expect(refresh).to_be_visible()
    screens(support, "menu-open-by-keyboard")
    support.keyboard.press("Escape")
    expect(refresh).to_have_count(0)
    expect(menu_button).to_be_focused()


def test_pages_fit_a_1024_pixel_wide_window(open_page: OpenPage, screens: Screens) -> None:
    admin = open_page("admin", width=1024)
    for path in ("/companies", "/admin"):
        admin.goto(path)
        admin.wait_for_load_state("networkidle")
        assert admin.evaluate("document.documentElement.scrollWidth") <= 1024, path
    open_company(admin, "US-01")
    admin.get_by_role("button", name="Edit").click()
    expect(admin.get_by_role("button", name="Save")).to_be_visible()
    screens(admin, "settings-edit-1024")
    assert admin.evaluate("document.documentElement.scrollWidth") <= 1024
    admin.get_by_role("button", name="Cancel").click()


def test_the_expiry_timeline_shows_an_authorization_running_out(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    stack.arrange_expiring_authorization("IT-01", "EU", days_left=20)
    admin = open_page("admin")
    admin.goto("/companies")

    bars = admin.get_by_role("button", name=re.compile(r"^1 authorization expiring, week of "))
    expect(bars).to_have_count(1)
    expect(admin.get_by_role("row").filter(has_text="IT-01")).to_contain_text(re.compile(r"expiring in (19|20) days"))
    bars.click()
    expect(admin.get_by_role("link", name="IT-01", exact=True).first).to_be_visible()
    screens(admin, "expiry-timeline")
