"""Server-side texts in English, German and French: gettext catalogues read at run time, dates by locale.

English is the source language: a message's msgid is its English text, with `{name}` placeholders. German and
French come from `app/locales/{de,fr}/LC_MESSAGES/messages.po`, read with Babel's .po reader when first needed (no
compile step). `python -m app.lib.i18n check` (part of `make lint`) fails when a message used in the code, or one in a
catalogue, lacks a translation in either language, or when a translation drops or invents a placeholder.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import msgspec
from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

Language = Literal["en", "de", "fr"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
TRANSLATED: tuple[Language, ...] = ("de", "fr")
DEFAULT_LANGUAGE: Language = "en"
LOCALES = Path(__file__).resolve().parent.parent / "locales"
APP_ROOT = Path(__file__).resolve().parent.parent


def as_language(value: str | None) -> Language:
    """One of ours, or English for anything else (None, an unknown code)."""
    return next((language for language in LANGUAGES if language == value), DEFAULT_LANGUAGE)


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: Language) -> dict[str, str]:
    """The language's translations by msgid (English has none: the msgid is the text); read once per process."""
    if language == DEFAULT_LANGUAGE:
        return {}
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        read = read_po(po, locale=language)
    return {str(m.id): str(m.string) for m in read if m.id and m.string and not m.fuzzy}


class Phrase(msgspec.Struct, frozen=True, array_like=True, omit_defaults=True):
    """One message of a stored text, translated when someone reads it: its English msgid and its values.

    Notifications are stored as phrases, so each reader sees them in their own language; `dates` are formatted by
    the reader's locale, `values` go in as they are (codes, names, numbers).
    """

    message: str
    values: dict[str, str | int] = {}
    dates: dict[str, datetime] = {}


def phrase(message: str, /, **values: str | int | datetime) -> Phrase:
    """A phrase to translate later (`python -m app.lib.i18n check` finds its message like a `gettext` call's)."""
    return Phrase(
        message,
        {name: value for name, value in values.items() if not isinstance(value, datetime)},
        {name: value for name, value in values.items() if isinstance(value, datetime)},
    )


def msgid(message: str) -> str:
    """Marks a message to translate later, where it is written apart from its values (the check finds it)."""
    return message


class Translator:
    """Texts and dates in one language; a message the catalogue lacks falls back to English (the lint prevents it)."""

    def __init__(self, language: str | None) -> None:
        self.language = as_language(language)

    def gettext(self, message: str, **values: Any) -> str:
        """The message in this language with `{name}` placeholders filled in (values are not formatted again)."""
        text = catalogue(self.language).get(message, message)
        return text.format_map(values) if values else text

    def text(self, phrases: Sequence[Phrase]) -> str:
        """Stored phrases in this language, one sentence after the other."""
        return " ".join(
            self.gettext(p.message, **p.values, **{name: self.date(moment) for name, moment in p.dates.items()})
            for p in phrases
        )

    def date(self, moment: datetime) -> str:
        """ "8 December 2026" as the language writes a date (in UTC)."""
        return format_date(moment, self.language)

    def datetime(self, moment: datetime) -> str:
        """ "December 8, 2026, 3:04 PM UTC" as the language writes it."""
        return format_datetime(moment, self.language)


ENGLISH = Translator(DEFAULT_LANGUAGE)


def format_date(moment: datetime, language: Language) -> str:
    return str(babel_format_date(moment.astimezone(UTC), "long", locale=language))


def format_datetime(moment: datetime, language: Language) -> str:
    """Date and time (minutes) in UTC, joined the way the locale joins them, and "UTC"."""
    utc = moment.astimezone(UTC)
    time = babel_format_time(utc, "short", tzinfo=UTC, locale=language)
    joined = str(Locale.parse(language).datetime_formats["long"]).replace("'", "")
    return f"{joined.format(time, format_date(utc, language))} UTC"


def negotiate(accept_language: str | None) -> Language:
    """The language a browser asks for first among ours (its Accept-Language header), else English."""
    wanted = []
    for part in (accept_language or "").split(",")[:20]:
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            wanted.append((weight, tag.replace("_", "-")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda w: -w[0])]
    # Babel matches "de-AT" to "de" and ignores case.
    return as_language(negotiate_locale(preferred, list(LANGUAGES), sep="-") if preferred else None)


def reader_language(chosen: str | None, accept_language: str | None) -> Language:
    """The language to answer a person in: the one they chose, else the first of ours their browser asks for."""
    return as_language(chosen) if chosen else negotiate(accept_language)


# -- the lint -------------------------------------------------------------------------------------------------------


def used_messages(root: Path = APP_ROOT) -> Iterator[tuple[str, str]]:
    """(message, where) for every `gettext("…")`, `phrase("…")` and `msgid("…")` with a literal in the app's code."""
    for filename, line, message, _, _ in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords={"gettext": None, "phrase": None, "msgid": None}
    ):
        if isinstance(message, str):
            yield message, f"app/{filename}:{line}"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def problems() -> list[str]:
    """What `check` complains about: missing, empty or fuzzy translations, and placeholders that do not match."""
    found: list[str] = []
    used = dict(used_messages())
    for language in TRANSLATED:
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        if not path.is_file():
            found.append(f"{language}: no catalogue at app/locales/{language}/LC_MESSAGES/messages.po")
            continue
        with path.open("rb") as po:
            read = read_po(po, locale=language)
        entries = {str(m.id): m for m in read if m.id}
        for message, where in sorted(used.items()):
            if message not in entries:
                found.append(f"{language}: no translation of {message!r} ({where})")
        for message, entry in sorted(entries.items()):
            if not entry.string:
                found.append(f"{language}: empty translation of {message!r}")
            elif entry.fuzzy:
                found.append(f"{language}: fuzzy translation of {message!r}")
            elif _placeholders(str(entry.string)) != _placeholders(message):
                found.append(f"{language}: the placeholders of {message!r} differ in its translation")
            elif message not in used:
                found.append(f"{language}: {message!r} is not used in the code any more")
    return found


def main(argv: list[str]) -> int:
    if argv != ["check"]:
        print("usage: python -m app.lib.i18n check", file=sys.stderr)
        return 2
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} problem(s) in the message catalogues", file=sys.stderr)
        return 1
    print(f"message catalogues complete: {len(dict(used_messages()))} messages in {', '.join(LANGUAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
