"""Reading a simulator page as a person would: headings, alerts, labels, the account choice, the form and buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Page:
    """What a person sees and can do on a page."""

    heading: str = ""
    texts: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # control id → its label
    form_action: str | None = None
    hidden: dict[str, str] = field(default_factory=dict)
    checkboxes: dict[str, tuple[str, str]] = field(default_factory=dict)  # label → (name, value)
    account_choices: dict[str, str] = field(default_factory=dict)  # shown text → selling partner id
    account_field: str | None = None
    buttons: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._open: list[tuple[str, dict[str, str]]] = []
        self._buffer: list[str] = []
        self._ids: dict[str, dict[str, str]] = {}
        self._radios: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.page.form_action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.page.hidden[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            self._ids[a.get("id", "")] = a
        elif tag == "select":
            self.page.account_field = a.get("name")
        if tag in ("h1", "label", "option", "button", "p"):
            self._open.append((tag, a))
            self._buffer = []

    def handle_data(self, data: str) -> None:
        self._buffer.append(data)
        self.page.texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            return
        _, a = self._open.pop()
        text = " ".join("".join(self._buffer).split())
        if tag == "h1":
            self.page.heading = text
        elif tag == "p" and a.get("role") == "alert":
            self.page.alerts.append(text)
        elif tag == "button":
            self.page.buttons.append(text)
        elif tag == "option":
            self.page.account_choices[text] = a.get("value", "")
        elif tag == "label":
            self.page.labels[a.get("for", "")] = text
            control = self._ids.get(a.get("for", ""))
            if control is not None and control.get("type") == "checkbox":
                self.page.checkboxes[text] = (control["name"], control.get("value", "on"))
            elif control is not None:
                self.page.account_field = control["name"]
                self.page.account_choices[text] = control.get("value", "")


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page
