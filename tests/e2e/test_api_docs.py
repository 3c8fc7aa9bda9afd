"""The API documentation at /schema: Swagger UI from the app's own build, nothing from elsewhere, no CSP violation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, expect

from tests.e2e.conftest import OpenPage, Screens, sign_in
from tests.e2e.stack import Stack

# (method, path, operationId): the sign-in, the companies list and the draft's change, as Swagger UI lists them.
KNOWN_OPERATIONS = [
    ("POST", "/api/auth/login", "login"),
    ("GET", "/api/companies", "listCompanies"),
    ("GET", "/api/companies/{company_id}/amazon", "getAmazonSettings"),
    ("PATCH", "/api/edits/{edit_id}", "changeEdit"),
]
METHODS = ("get", "post", "put", "patch", "delete")
# Every violation of the page's Content-Security-Policy, kept where the test can read it.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


@dataclass
class Watched:
    """What a page did besides rendering: console errors and warnings, and requests to any other origin."""

    console: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def csp_violations(self, page: Page) -> list[str]:
        return list(page.evaluate("window.cspViolations"))


def watch(page: Page, origin: str) -> Watched:
    watched = Watched()

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            watched.console.append(f"{message.type}: {message.text}")

    def on_request(request: Request) -> None:
        if not request.url.startswith((f"{origin}/", "data:")):
            watched.foreign_requests.append(f"{request.method} {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return watched


def operation(page: Page, method: str, path: str, operation_id: str) -> Locator:
    """An operation's summary row: method, path, summary and operationId, as a button."""
    # Playwright hands the pattern to the browser between slashes: those of the path need escaping.
    path_pattern = re.escape(path).replace("/", r"\/")
    return page.get_by_role("button", name=re.compile(rf"^{method} {path_pattern} .+ {operation_id}$"))


def test_the_schema_page_lists_every_operation_with_only_the_servers_own_files(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    document = httpx.get(f"{stack.base_url}/schema/openapi.json").json()
    operation_count = sum(method in METHODS for item in document["paths"].values() for method in item)
    page = open_page()
    watched = watch(page, stack.base_url)

    page.goto("/schema")

    expect(page.get_by_role("heading", name=re.compile(r"^ERP settings: Amazon Selling Partner API"))).to_be_visible()
    for method, path, operation_id in KNOWN_OPERATIONS:
        expect(operation(page, method, path, operation_id)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^(GET|POST|PUT|PATCH|DELETE) \/"))).to_have_count(
        operation_count
    )
    screens(page, "schema")
    assert operation_count >= 30
    assert watched.csp_violations(page) == []
    assert watched.console == []
    assert watched.foreign_requests == []


def test_try_it_out_sends_the_sessions_csrf_token_on_an_unsafe_operation(
    open_page: OpenPage, stack: Stack, screens: Screens
) -> None:
    page = open_page()
    sign_in(page, "viewer", stack.passwords["viewer"])
    watched = watch(page, stack.base_url)
    page.goto("/schema#/auth/logout")
    logout = page.locator(".opblock").filter(has=operation(page, "POST", "/api/auth/logout", "logout"))

    logout.get_by_role("button", name="Try it out").click()
    logout.get_by_role("button", name="Execute").click()

    expect(logout.locator(".live-responses-table .response .response-col_status").first).to_have_text("204")
    screens(page, "schema-try-it-out")
    assert watched.console == []
    page.goto("/companies")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # the session really ended
    assert watched.csp_violations(page) == []
    assert watched.foreign_requests == []


def test_the_served_documentation_page_names_only_same_origin_assets(stack: Stack) -> None:
    with httpx.Client(base_url=stack.base_url) as client:
        page = client.get("/schema")
        references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        own = [reference for reference in references if reference.startswith("/") and not reference.startswith("//")]
        answers = {reference: client.get(reference).status_code for reference in own}

    assert page.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == []  # no inline code
    assert any(reference.startswith("/assets/schema-") and reference.endswith(".js") for reference in references)
    assert own == references  # nothing from another origin
    assert set(answers.values()) == {200}, answers
