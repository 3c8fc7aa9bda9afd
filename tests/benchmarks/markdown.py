"""Markdown pieces shared by the report's parts: tables, verdicts and number formats."""

from __future__ import annotations

from collections.abc import Iterable


def verdict(ok: bool) -> str:
    """The Result cell of a row with a target."""
    return "met" if ok else "MISSED"


def micros(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def millis(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """A Markdown table."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines
