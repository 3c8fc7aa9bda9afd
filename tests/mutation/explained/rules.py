"""Survivors of `make mutants` in app/editing/rules.py (the draft rules) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/editing/rules.py"

EXPLAINED: tuple[Explained, ...] = ()
