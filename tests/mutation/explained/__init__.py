"""Surviving mutants that no honest test can kill, or that need none, each with the reason (shown in the report).

A survivor is either killed by a new test or explained here, in the file of its module. An entry names the module,
the function and the changed line before and after (as `mutmut show` prints them, stripped), so it survives
renumbering of mutants.
"""

from __future__ import annotations

from tests.mutation.explained import crypto, hierarchy, rules, save, secrets, throttle, tokens
from tests.mutation.explained.entry import Explained

EXPLAINED: tuple[Explained, ...] = (
    *throttle.EXPLAINED,
    *secrets.EXPLAINED,
    *crypto.EXPLAINED,
    *hierarchy.EXPLAINED,
    *rules.EXPLAINED,
    *save.EXPLAINED,
    *tokens.EXPLAINED,
)


def explanation(module: str, function: str, diff: str) -> str | None:
    """The reason recorded for this survivor, if any."""
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    for entry in EXPLAINED:
        matches = (entry.module, entry.function) == (module, function) and entry.before in removed
        if matches and (entry.after in added or not (added or entry.after)):
            return entry.reason
    return None
