"""Acting as a person at Amazon (the simulator): open the consent page, choose an account, tick, confirm."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx


class _Form(HTMLParser):
    """The first <form> of a page: its action and its fields (hidden inputs, the account choice, the checkbox)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.choices: dict[str, list[str]] = {}
        self.checkboxes: dict[str, str] = {}
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action, self._in_form = a.get("action", ""), True
        elif not self._in_form:
            return
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox":
            self.checkboxes[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") == "radio":
            self.choices.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self.choices.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def read_form(page: str) -> _Form:
    form = _Form()
    form.feed(page)
    return form


async def consent(amazon: httpx.AsyncClient, consent_url: str, seller: str, *, tick: bool = True) -> httpx.Response:
    """Open Amazon's consent page, log in as `seller`, tick "I authorize…" and press Confirm."""
    page = await amazon.get(consent_url)
    assert page.status_code == 200, page.text[:500]
    return await submit(amazon, str(page.url), page.text, seller, tick=tick)


async def submit(amazon: httpx.AsyncClient, page_url: str, page: str, seller: str, *, tick: bool = True) -> Any:
    form = read_form(page)
    assert form.action is not None, "no form on the consent page"
    account_field = next(iter(form.choices), "selling_partner_id")
    assert seller in form.choices.get(account_field, []), f"{seller} is not offered: {form.choices}"
    data = {**form.fields, account_field: seller}
    if tick:
        data.update(form.checkboxes)
    return await amazon.post(urljoin(page_url, form.action), data=data)


def local(url: str) -> str:
    """The path and query of a URL that points at the ERP (the test client talks to the app in-process)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
