"""The page in German and French: every page in the browser's language, dates by locale, axe clean, the choice kept."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from tests.e2e.conftest import TIMEOUT_MS, Screens
from tests.e2e.stack import ROOT, Stack
from tests.e2e.test_accessibility import described, violations

# Chromium logs the 4xx answers the page expects (401 before sign-in) as console errors; those are not page errors.
_EXPECTED_HTTP_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")
# What the page formats dates with (frontend/src/lib/format.ts): "23. Nov. 2026" in German, "23 nov. 2026" in French.
DATE_OPTIONS = '{"day": "numeric", "month": "short", "year": "numeric"}'
DATE_TIME_OPTIONS = '{"day": "numeric", "month": "short", "year": "numeric", "hour": "2-digit", "minute": "2-digit"}'


@dataclass(frozen=True)
class Words:
    """What the page says in one language, as its catalogue has it (frontend/src/i18n/locales)."""

    locale: str
    lang: str
    username: str
    password: str
    sign_in: str
    companies: str
    needs_action: str
    settings: str
    uses_account: str
    edit: str
    save: str
    cancel: str
    edit_mode: str
    actions: str
    get_token: str
    refresh_token: str
    audit: str
    audit_time: str
    notifications: str
    notifications_list: str
    admin: str
    app_credentials: str
    outbox: str
    language: str


GERMAN = Words(
    locale="de-DE",
    lang="de",
    username="Benutzername",
    password="Passwort",
    sign_in="Anmelden",
    companies="Unternehmen",
    needs_action="Verbindungen mit Handlungsbedarf",
    settings="Allgemeine Amazon-Einstellungen",
    uses_account="nutzt das Konto von US-01 (einheitlich)",
    edit="Bearbeiten",
    save="Speichern",
    cancel="Abbrechen",
    edit_mode="Bearbeitungsmodus: Nichts wird gespeichert, bis Sie auf Speichern klicken.",
    actions="Aktionen für NA",
    get_token="Token für die Selling Partner API abrufen",
    refresh_token="Zugriffstoken für die Selling Partner API aktualisieren",
    audit="Protokoll",
    audit_time="Zeitpunkt",
    notifications="Benachrichtigungen",
    notifications_list="Liste der Benachrichtigungen",
    admin="Verwaltung",
    app_credentials="App-Zugangsdaten",
    outbox="Postausgang",
    language="Sprache",
)
FRENCH = Words(
    locale="fr-FR",
    lang="fr",
    username="Nom d'utilisateur",
    password="Mot de passe",
    sign_in="Se connecter",
    companies="Entreprises",
    needs_action="Connexions demandant une action",
    settings="Paramètres généraux Amazon",
    uses_account="utilise le compte de US-01 (unifiée)",
    edit="Modifier",
    save="Enregistrer",
    cancel="Annuler",
    edit_mode="Mode modification\u00a0: rien n'est enregistré tant que vous ne cliquez pas sur Enregistrer.",
    actions="Actions NA",
    get_token="Obtenir un jeton Selling Partner API",
    refresh_token="Actualiser le jeton d'accès Selling Partner API",
    audit="Journal",
    audit_time="Date et heure",
    notifications="Notifications",
    notifications_list="Liste des notifications",
    admin="Administration",
    app_credentials="Identifiants de l'application",
    outbox="Boîte d'envoi",
    language="Langue",
)

NewPage = Callable[[str], Page]


@pytest.fixture
def localized_page(chromium: Browser, stack: Stack) -> Iterator[NewPage]:
    """Opens a page in a fresh context whose browser speaks `locale` (navigator.languages, Accept-Language).

    axe is injected as an inline script, which the app's CSP (rightly) refuses: these contexts bypass it.
    """
    problems: list[str] = []
    contexts = []

    def open_(locale: str) -> Page:
        context = chromium.new_context(
            base_url=stack.base_url, locale=locale, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not _EXPECTED_HTTP_ERROR.match(message.text):
                problems.append(f"console error on {page.url}: {message.text}")

        def on_response(response: Response) -> None:
            if response.status >= 500:
                problems.append(f"{response.status} from {response.request.method} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error}"))
        page.on("response", on_response)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == [], "\n".join(problems)


def sign_in_as(page: Page, words: Words, username: str, password: str) -> None:
    """The sign-in page in the browser's language, then the companies page."""
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", words.lang)
    page.get_by_label(words.username, exact=True).fill(username)
    page.get_by_label(words.password, exact=True).fill(password)
    page.get_by_role("button", name=words.sign_in, exact=True).click()
    expect(page.get_by_role("heading", name=words.companies, exact=True)).to_be_visible()


def open_company(page: Page, words: Words, code: str) -> None:
    page.goto("/companies")
    page.get_by_role("link", name=code, exact=True).first.click()
    expect(page.get_by_role("heading", name=words.settings)).to_be_visible()
    expect(page.get_by_role("main").get_by_text(code).first).to_be_visible()


def in_locale(page: Page, locale: str, iso: str, options: str) -> str:
    """`iso` as Intl formats it for `locale` in this browser's time zone: what the page must show."""
    script = f"([locale, iso]) => new Intl.DateTimeFormat(locale, {options}).format(new Date(iso))"
    return str(page.evaluate(script, [locale, iso]))


def expect_dates_in(page: Page, times: str, words: Words, options: str) -> None:
    """The first <time> elements show their datetime formatted for the language, never as English would."""
    found = page.locator(times)
    expect(found.first).to_be_visible()
    for index in range(min(found.count(), 3)):
        element = found.nth(index)
        iso = element.get_attribute("datetime")
        assert iso, f"{times} #{index} has no datetime"
        shown = element.inner_text().strip()
        assert shown == in_locale(page, words.locale, iso, options), (shown, iso)
        assert shown != in_locale(page, "en-GB", iso, options), (shown, "is the English date")


@pytest.mark.parametrize("words", [GERMAN, FRENCH], ids=lambda w: w.locale)
def test_every_page_speaks_the_browsers_language_with_its_dates_and_no_accessibility_problem(
    localized_page: NewPage, stack: Stack, screens: Screens, words: Words
) -> None:
    page = localized_page(words.locale)
    problems = {}

    page.goto("/login")
    expect(page.get_by_role("button", name=words.sign_in, exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name=words.language)).to_have_value(words.lang)
    problems["login"] = violations(page)
    screens(page, "login")

    sign_in_as(page, words, "admin", stack.passwords["admin"])
    expect(page.locator("html")).to_have_attribute("lang", words.lang)
    expect(page.get_by_role("heading", name=words.needs_action)).to_be_visible()
    expect(page.get_by_role("link", name="US-01", exact=True)).to_be_visible()
    problems["companies"] = violations(page)
    screens(page, "companies")

    open_company(page, words, "CA-01")
    expect(page.get_by_role("main")).to_contain_text(words.uses_account)
    problems["settings of a unified member"] = violations(page)
    screens(page, "settings-unified-member")

    open_company(page, words, "US-01")
    page.get_by_role("button", name=words.edit, exact=True).click()
    expect(page.get_by_role("button", name=words.save, exact=True)).to_be_visible()
    expect(page.get_by_text(words.edit_mode)).to_be_visible()
    problems["settings in edit mode"] = violations(page)
    screens(page, "settings-edit")
    page.get_by_role("button", name=words.actions).click()
    expect(page.get_by_role("menuitem", name=words.get_token)).to_be_visible()
    expect(page.get_by_role("menuitem", name=words.refresh_token)).to_be_visible()
    problems["actions menu"] = violations(page)
    screens(page, "actions-menu")
    page.keyboard.press("Escape")
    page.get_by_role("button", name=words.cancel, exact=True).click()
    expect(page.get_by_role("button", name=words.edit, exact=True)).to_be_visible()

    page.get_by_role("link", name=words.audit, exact=True).click()
    expect(page.get_by_role("heading", name=words.audit, exact=True)).to_be_visible()
    expect(page.get_by_role("columnheader", name=words.audit_time)).to_be_visible()
    expect_dates_in(page, "table.data-table tbody time", words, DATE_TIME_OPTIONS)
    problems["audit"] = violations(page)
    screens(page, "audit")

    page.get_by_role("button", name=words.notifications, exact=True).click()
    expect(page.get_by_role("region", name=words.notifications_list)).to_be_visible()
    problems["notifications"] = violations(page)
    screens(page, "notifications")
    page.keyboard.press("Escape")

    page.get_by_role("link", name=words.admin, exact=True).click()
    expect(page.get_by_role("heading", name=words.admin, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=words.app_credentials)).to_be_visible()
    expect(page.get_by_role("heading", name=words.outbox)).to_be_visible()
    users = page.evaluate("async () => (await (await fetch('/api/users')).json()).items")
    viewer = next(u for u in users if u["username"] == "viewer")
    created = page.get_by_role("row").filter(has_text="Vic Viewer").locator("td.nowrap")
    expect(created).to_have_text(in_locale(page, words.locale, viewer["createdAt"], DATE_OPTIONS))
    assert created.inner_text() != in_locale(page, "en-GB", viewer["createdAt"], DATE_OPTIONS)
    problems["admin"] = violations(page)
    screens(page, "admin")

    report = "\n".join(f"{name}:\n{described(found)}" for name, found in problems.items() if found)
    assert not report, report


def _create_user(stack: Stack, username: str, password: str) -> None:
    done = subprocess.run(  # noqa: S603 (this project's own CLI, with the test's own arguments)
        [sys.executable, "-m", "app.cli", "create-user", username, "--role", "viewer", "--password", password],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_language_chosen_in_the_menu_is_kept_after_a_reload_and_a_new_sign_in(
    localized_page: NewPage, stack: Stack, screens: Screens
) -> None:
    # A user of their own: the choice is stored for the user, and the other tests sign in as the demo users.
    password = "polyglot-password-1"
    _create_user(stack, "polyglot", password)
    page = localized_page(GERMAN.locale)
    sign_in_as(page, GERMAN, "polyglot", password)

    with page.expect_response(lambda r: r.url.endswith("/api/auth/me/language") and r.request.method == "PUT") as put:
        page.get_by_role("combobox", name=GERMAN.language).select_option(label="Français")
    assert put.value.status == 200, put.value.text()
    expect(page.get_by_role("heading", name=FRENCH.companies, exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.reload()
    expect(page.get_by_role("heading", name=FRENCH.needs_action)).to_be_visible()
    expect(page.get_by_role("combobox", name=FRENCH.language)).to_have_value("fr")
    screens(page, "chosen-french-after-reload")

    # Another browser, in German and with nothing remembered: the sign-in page is German, the user's page French.
    elsewhere = localized_page(GERMAN.locale)
    elsewhere.goto("/login")
    expect(elsewhere.get_by_role("button", name=GERMAN.sign_in, exact=True)).to_be_visible()
    elsewhere.get_by_label(GERMAN.username, exact=True).fill("polyglot")
    elsewhere.get_by_label(GERMAN.password, exact=True).fill(password)
    elsewhere.get_by_role("button", name=GERMAN.sign_in, exact=True).click()
    expect(elsewhere.get_by_role("heading", name=FRENCH.needs_action)).to_be_visible()
    expect(elsewhere.locator("html")).to_have_attribute("lang", "fr")
    assert elsewhere.evaluate("async () => (await (await fetch('/api/auth/me')).json()).user.language") == "fr"
    screens(elsewhere, "chosen-french-after-new-sign-in")
