"""Support's sweep in one screen: the needs-action counts, the owners that need a new token, a bulk test and its CSV."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.e2e.arrange import arrange
from tests.e2e.conftest import ENGLISH, TIMEOUT_MS, Screens, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_accessibility import described, violations

DEEP = "SW-DEEP"


@pytest.fixture
def support(chromium: Browser, stack: Stack) -> Iterator[Page]:
    """Support signed in, in a context that lets axe in (the app's CSP rightly refuses its inline script)."""
    context = chromium.new_context(
        base_url=stack.base_url,
        locale=ENGLISH,
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} from {response.request.method} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error}"))
    page.on("response", on_response)
    sign_in(page, "support", stack.passwords["support"])
    yield page
    context.close()
    assert problems == [], "\n".join(problems)


def _no_accessibility_problems(page: Page) -> None:
    found = violations(page)
    assert not found, described(found)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@contextlib.contextmanager
def _slow_amazon(stack: Stack, calls: int) -> Iterator[None]:
    """The next LWA calls take 1.5 s each, as on a slow day: long enough to watch a bulk test run."""
    faults = f"{stack.simulator}/_admin/faults"
    httpx.post(faults, json={"target": "lwa", "kind": "latency", "seconds": 1.5, "count": calls}).raise_for_status()
    try:
        yield
    finally:
        httpx.delete(faults).raise_for_status()


def test_support_finds_a_revoked_owner_deep_in_the_tree_and_tests_the_filter(
    support: Page, stack: Stack, screens: Screens
) -> None:
    arrange(stack.env, "revoked-deep-owner", "SW")
    page = support
    page.goto("/companies")
    counts = page.request.get("/api/companies", params={"withCounts": "true", "limit": 1}).json()["counts"]
    new_token = counts["reauthorization_required"] + counts["expired"]
    assert counts["reauthorization_required"] >= 1

    # The counts, as the server counted them, in plain words.
    bar = page.get_by_role("group", name=re.compile(r"^Show only the companies"))
    toggle = bar.get_by_role("button", name=_plural(new_token, "needs a new token", "need a new token"))
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(bar.get_by_role("button", name=f"All that need action ({counts['needs_action']})")).to_be_visible()
    expect(bar.get_by_role("button", name=f"{counts['error']} failing")).to_be_visible()
    expect(page.get_by_role("table", name="Companies by parent")).to_be_visible()
    screens(page, "filter-bar")

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"/companies\?filter=new-token$"))
    expect(page.get_by_role("table", name="Companies by parent")).to_have_count(0)
    owner = page.get_by_role("link", name=f"{DEEP} Sweep Marketplace Europe")
    row = page.get_by_role("row").filter(has=owner)
    expect(row).to_contain_text("under SW-L2")
    expect(row).to_contain_text("Used by: SW-DEEP-M1, SW-DEEP-M2")
    expect(row).to_contain_text(re.compile(r"EU re-authorization required checked (just now|\d+ minutes? ago)"))
    expect(row).to_contain_text(f"Open {DEEP}, click Edit, use Get Selling Partner API token for EU")
    expect(page.locator("body")).not_to_contain_text(re.compile(r"reauthorization_required|needs_action"))
    screens(page, "needs-a-new-token")
    _no_accessibility_problems(page)

    owner.click()
    expect(page).to_have_url(re.compile(r"/companies/\d+/amazon$"))
    expect(page.get_by_role("heading", name="Amazon General Settings")).to_be_visible()
    expect(page.get_by_text(DEEP, exact=True).first).to_be_visible()
    page.go_back()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    # A bulk test of the filter, with Amazon slow enough to watch it.
    reauthorization = counts["reauthorization_required"]
    with _slow_amazon(stack, calls=reauthorization + 2):
        connections = _plural(reauthorization, "connection that needs", "connections that need")
        page.get_by_role("button", name=f"Test the {connections} re-authorization").click()
        progress = page.get_by_role("progressbar")
        expect(progress).to_have_attribute("aria-valuemax", str(reauthorization))
        expect(
            page.get_by_text(re.compile(rf"^Tested \d+ of {reauthorization} · \d+ failures? so far$"))
        ).to_be_visible()
        heading = page.get_by_role(
            "heading", name=re.compile(r"^Bulk test #\d+: connections that need re-authorization$")
        )
        expect(heading).to_be_visible()
        screens(page, "bulk-test-running")

        # It ends (about 1.5 s per connection), then the results: failures in plain words with what to do.
        expect(progress).to_have_count(0, timeout=reauthorization * 5_000 + TIMEOUT_MS)
        expect(page.get_by_text(re.compile(rf"^Finished on .*: {reauthorization} tested, "))).to_be_visible()
    results = page.get_by_role("table", name=re.compile(r"^Results of bulk test #\d+"))
    result = results.get_by_role("row").filter(has=page.get_by_role("link", name=DEEP, exact=True))
    expect(result).to_contain_text("EU")
    expect(result).to_contain_text("Re-authorization required")
    expect(result).to_contain_text("use Get Selling Partner API token for EU")
    page.get_by_role("button", name="Failures only").click()
    expect(page.get_by_role("button", name="Failures only")).to_have_attribute("aria-pressed", "true")
    expect(result).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(re.compile(r"reauthorization_required|wrong_region_or_role"))
    screens(page, "bulk-test-results")
    _no_accessibility_problems(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert re.fullmatch(r"bulk-connection-test-\d+\.csv", download.value.suggested_filename)
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[0] == ["Company", "Region", "Verdict", "Message", "Action", "Tested at (UTC)"]
    deep_rows = [r for r in rows[1:] if r[0] == DEEP]
    assert len(deep_rows) == 1, rows
    assert deep_rows[0][1:3] == ["EU", "Re-authorization required"]
    assert "Get Selling Partner API token for EU" in deep_rows[0][4]
    assert len(rows) == 1 + reauthorization

    # A reload keeps the filter and finds the run again.
    run_title = heading.inner_text()
    page.reload()
    expect(page.get_by_role("button", name=re.compile(r"need(s)? a new token$"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("heading", name=run_title)).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^Results of bulk test #\d+$"))).to_be_visible()
    expect(page.get_by_role("link", name=f"{DEEP} Sweep Marketplace Europe")).to_be_visible()
    screens(page, "after-reload")

    # Back to the tree, where every badge says when it was checked too.
    page.get_by_role("button", name="Clear filters and show the tree").click()
    expect(page).to_have_url(re.compile(r"/companies$"))
    tree = page.get_by_role("table", name="Companies by parent")
    deep_row = tree.get_by_role("row").filter(has=page.get_by_role("link", name=DEEP, exact=True))
    expect(deep_row).to_have_attribute("data-depth", "3")
    expect(deep_row).to_contain_text(re.compile(r"re-authorization required checked (just now|\d+ minutes? ago)"))
