"""Survivors of `make mutants` in app/editing/save.py (Save) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/editing/save.py"

EXPLAINED: tuple[Explained, ...] = ()
