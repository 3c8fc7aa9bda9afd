"""Survivors of `make mutants` in app/companies/hierarchy.py that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/companies/hierarchy.py"

EXPLAINED: tuple[Explained, ...] = ()
