"""Survivors of `make mutants` in app/amazon/tokens.py (the token provider) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/amazon/tokens.py"

EXPLAINED: tuple[Explained, ...] = ()
