"""End-to-end fixtures: the running system, Debian's Chromium driven by Playwright, signed-in pages, screenshots."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright

from app.cli import DEMO_USERS
from tests.e2e.stack import OUTPUT, Stack, running_stack

DISPLAY_NAMES = {username: display_name for username, _, display_name in DEMO_USERS}

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium logs every 4xx answer to fetch() as a console error; those the page expects (401 before sign-in, a 409
# on a stale Save) are not page errors. Everything else logged as an error fails the test.
_EXPECTED_HTTP_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")
TIMEOUT_MS = 15_000
# The browser's language where a test reads English texts: whatever the machine's Chromium would speak.
ENGLISH = "en-US"
expect.set_options(timeout=TIMEOUT_MS)

OpenPage = Callable[..., Page]


@pytest.fixture(autouse=True)
def clean() -> None:
    """Replaces the in-process tests' database wipe: these tests talk to their own running system instead."""


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    with running_stack() as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Screens:
    """Numbered full-page screenshots under test-output/e2e/screens, named after the test."""

    def __init__(self, test_name: str) -> None:
        self.prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", test_name)
        self.count = 0
        (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Page, what: str) -> None:
        self.count += 1
        page.screenshot(path=OUTPUT / "screens" / f"{self.prefix}-{self.count:02d}-{what}.png", full_page=True)


@pytest.fixture
def screens(request: pytest.FixtureRequest) -> Screens:
    return Screens(request.node.name)


@pytest.fixture
def open_page(chromium: Browser, stack: Stack) -> Iterator[OpenPage]:
    """Opens a page in a fresh browser context (its own cookies), signed in as `user` unless None."""
    problems: list[str] = []
    contexts = []

    def watch(page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not _EXPECTED_HTTP_ERROR.match(message.text):
                problems.append(f"console error on {page.url}: {message.text}")

        def on_response(response: Response) -> None:
            if response.status >= 500:
                problems.append(f"{response.status} from {response.request.method} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error}"))
        page.on("response", on_response)

    def open_(user: str | None = None, *, block_popups: bool = False, width: int = 1280) -> Page:
        context = chromium.new_context(
            base_url=stack.base_url, locale=ENGLISH, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        if block_popups:
            # What a pop-up blocker does: window.open gives null and nothing opens.
            context.add_init_script("window.open = () => null;")
        context.on("page", watch)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            sign_in(page, user, stack.passwords[user])
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == [], "\n".join(problems)


def sign_in(page: Page, username: str, password: str, next_path: str = "/companies") -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile(DISPLAY_NAMES.get(username, username)))).to_be_visible()
