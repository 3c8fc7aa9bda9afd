"""Survivors of `make mutants` in app/companies/hierarchy.py that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/companies/hierarchy.py"

_CASE = "Equivalent: SQL keywords and unquoted identifiers are case-insensitive on SQLite and PostgreSQL alike."
_NO_OWNER = (
    "Unreachable: both callers (CompanyService.create, DraftRules.evaluate) run validate_parent first in the same "
    "write transaction, which refuses a parent that does not exist, and companies are never deleted, so the parent "
    "always has an account owner and the refusal always names it (test_hierarchy_scope_refusals.py reads that "
    "wording whole)."
)
_NO_OWNER_MESSAGE = "{code} would use the Amazon account of a company, which is outside the companies you manage: keep "

EXPLAINED: tuple[Explained, ...] = (
    Explained(
        MODULE,
        "subtree_condition",
        'def subtree_condition(scope: list[int], column: str = "id") -> tuple[str, list[int]]:',
        'def subtree_condition(scope: list[int], column: str = "ID") -> tuple[str, list[int]]:',
        _CASE,
    ),
    *(
        Explained(MODULE, "children_counts", '"GROUP BY parent",', after, _CASE)
        for after in ('"group by parent",', '"GROUP BY PARENT",')
    ),
    *(
        Explained(MODULE, "require_owner_in_scope", f'"{_NO_OWNER_MESSAGE}"', after, _NO_OWNER)
        for after in (
            f'"XX{_NO_OWNER_MESSAGE}XX"',
            f'"{_NO_OWNER_MESSAGE.replace("Amazon", "amazon")}"',
            f'"{_NO_OWNER_MESSAGE.upper()}"',
        )
    ),
    Explained(MODULE, "require_owner_in_scope", "code=code,", "),", _NO_OWNER),
    *(
        Explained(
            MODULE,
            "require_owner_in_scope",
            '"it not unified, or ask an administrator of that account.",',
            after,
            _NO_OWNER + " The same line of the refusal naming the owner is killed by that test.",
        )
        for after in (
            '"XXit not unified, or ask an administrator of that account.XX",',
            '"IT NOT UNIFIED, OR ASK AN ADMINISTRATOR OF THAT ACCOUNT.",',
        )
    ),
)
