"""A login to the wrong region caught before Save, and the right Seller Central on the first consent, in Chromium."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_accessibility import AXE, RULES, audited_page, described
from tests.e2e.test_settings_page import (
    choose_action,
    consent_at_amazon,
    get_token_in_popup,
    open_company,
    region_panel,
)

__all__ = ["audited_page"]  # the fixture: a page on which axe may run (the app's CSP refuses its inline script)


def _violations_on_the_page(page: Page) -> list[dict[str, Any]]:
    """axe as test_accessibility runs it, on the page's main content: the header's bell is left out, since its count
    (once an earlier test's check raised a notification) has a problem of its own, reported apart."""
    page.add_script_tag(path=AXE)
    found: list[dict[str, Any]] = page.evaluate(
        f"async () => (await axe.run({{include: ['main']}}, {json.dumps(RULES)})).violations"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _new_company(page: Page, stack: Stack, code: str) -> None:
    csrf = page.request.get("/api/auth/me").json()["csrfToken"]
    created = page.request.post(
        "/api/companies",
        data={"code": code, "name": f"{code} Trading", "parentId": None, "unified": False},
        headers={"X-CSRF-Token": csrf, "Origin": stack.base_url},
    )
    assert created.status == 201, created.text()


def test_a_token_of_an_eu_account_got_for_na_is_doubted_in_plain_words_and_saved_only_when_confirmed(
    audited_page: Page, stack: Stack, screens: Screens
) -> None:
    admin = audited_page
    sign_in(admin, "admin", stack.passwords["admin"])
    _new_company(admin, stack, "GV-01")
    open_company(admin, "GV-01")
    admin.get_by_role("button", name="Edit").click()

    get_token_in_popup(admin, "NA", seller="A1SIMEUSELLER1")

    na = region_panel(admin, "NA")
    expect(na).to_contain_text(
        "Amazon refused this token in NA: the account you logged in to is probably in another region, or the app "
        "lacks the role. Get the token again, logging in to Seller Central for NA."
    )
    expect(na).not_to_contain_text("wrong_region_or_role")
    save = admin.get_by_role("button", name="Save")
    expect(save).to_be_disabled()
    expect(admin.get_by_text(re.compile(r"Amazon's test doubts the new token for NA"))).to_be_visible()
    screens(admin, "token-refused-in-na")
    found = _violations_on_the_page(admin)
    assert not found, described(found)

    na.get_by_label("Save this token for NA anyway").check()
    save.click()

    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(na).to_contain_text("A1SIMEUSELLER1")
    screens(admin, "saved-on-purpose")


def test_a_company_without_a_far_east_marketplace_picks_australia_and_logs_in_to_australias_seller_central(
    audited_page: Page, stack: Stack, screens: Screens
) -> None:
    admin = audited_page
    sign_in(admin, "admin", stack.passwords["admin"])
    _new_company(admin, stack, "AU-01")
    open_company(admin, "AU-01")
    admin.get_by_role("button", name="Edit").click()

    fe = region_panel(admin, "FE")
    country = fe.get_by_label("Seller Central country for FE")
    expect(country).to_have_value("A1VC38T7YXB528")  # Japan, the region's main site, until the user picks
    country.select_option(label="Australia")
    screens(admin, "country-chosen")
    found = _violations_on_the_page(admin)
    assert not found, described(found)
    with admin.expect_popup() as opened:
        choose_action(admin, "FE", "Get Selling Partner API token")
    popup = opened.value

    australia = f"{stack.simulator}/central/sellercentral.amazon.com.au/apps/authorize/consent?"
    expect(popup).to_have_url(re.compile(re.escape(australia)))
    expect(popup.get_by_text("sellercentral.amazon.com.au").first).to_be_visible()
    screens(popup, "australias-seller-central")
    consent_at_amazon(popup, "A1SIMAUSELLER1")
    popup.wait_for_event("close")

    expect(fe).to_contain_text("Amazon answered for AU-01 in FE: Australia.")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("button", name="Edit")).to_be_visible()
    expect(fe).to_contain_text("A1SIMAUSELLER1")
    expect(fe.get_by_label("Seller Central country for FE")).to_have_count(0)  # only while editing
