"""HierarchyService: who owns which Amazon account. Every question is one recursive SQL query, on any engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw

from app.companies.tables import Company
from app.lib.errors import RuleViolation
from app.lib.i18n import phrase

MAX_DEPTH = 32
# Recursion stops here even if stored data were ever corrupted into a cycle.
_RECURSION_GUARD = 64


class CompanyRef(msgspec.Struct, frozen=True, rename="camel"):
    """A company named by id and code, as the hierarchy speaks of it."""

    id: int
    code: str


def _placeholders(count: int) -> str:
    return ", ".join(["{}"] * count)


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await Company.raw(sql, *args)
    return result


def subtree_condition(scope: list[int], column: str = "id") -> tuple[str, list[int]]:
    """A WHERE condition (with its arguments) keeping only rows whose `column` is a company in `scope` or below."""
    if not scope:
        return "1 = 0", []
    return (
        f"""{column} IN (
            WITH RECURSIVE scoped(id, depth) AS (
                SELECT id, 0 FROM company WHERE id IN ({_placeholders(len(scope))})
                UNION ALL
                SELECT c.id, scoped.depth + 1 FROM company c JOIN scoped ON c.parent = scoped.id
                WHERE scoped.depth < {_RECURSION_GUARD}
            )
            SELECT id FROM scoped
        )""",
        list(scope),
    )


class HierarchyService:
    """Answers hierarchy questions; holds no state and knows nothing of HTTP."""

    async def account_owner(self, company_id: int) -> CompanyRef | None:
        """The nearest ancestor-or-self that is not unified; None if the company does not exist."""
        return (await self.account_owners([company_id])).get(company_id)

    async def account_owners(self, company_ids: Iterable[int]) -> dict[int, CompanyRef]:
        """The account owner of each given company, in one query whatever the depth."""
        ids = sorted(set(company_ids))
        if not ids:
            return {}
        rows = await _rows(
            f"""
            WITH RECURSIVE chain(start_id, id, parent_id, unified, depth) AS (
                SELECT id, id, parent, unified, 0 FROM company WHERE id IN ({_placeholders(len(ids))})
                UNION ALL
                SELECT chain.start_id, c.id, c.parent, c.unified, chain.depth + 1
                FROM company c JOIN chain ON c.id = chain.parent_id
                WHERE chain.unified AND chain.depth < {_RECURSION_GUARD}
            )
            SELECT chain.start_id AS start_id, c.id AS id, c.code AS code
            FROM chain JOIN company c ON c.id = chain.id
            WHERE NOT (chain.unified AND chain.parent_id IS NOT NULL)
            """,
            *ids,
        )
        return {row["start_id"]: CompanyRef(id=row["id"], code=row["code"]) for row in rows}

    async def unified_members(self, owner_id: int) -> list[CompanyRef]:
        """Every company that resolves to this owner through unified links (members of members too)."""
        return (await self.members_of_owners([owner_id]))[owner_id]

    async def members_of_owners(self, owner_ids: Sequence[int]) -> dict[int, list[CompanyRef]]:
        """The unified members of each owner, ordered by code: one recursive query per thousand owners."""
        result: dict[int, list[CompanyRef]] = {owner: [] for owner in owner_ids}
        ids = sorted(result)
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            rows = await _rows(
                f"""
                WITH RECURSIVE members(owner_id, id, code, depth) AS (
                    SELECT id, id, code, 0 FROM company WHERE id IN ({_placeholders(len(chunk))})
                    UNION ALL
                    SELECT members.owner_id, c.id, c.code, members.depth + 1
                    FROM company c JOIN members ON c.parent = members.id
                    WHERE c.unified AND members.depth < {_RECURSION_GUARD}
                )
                SELECT owner_id, id, code FROM members WHERE depth > 0 ORDER BY code
                """,
                *chunk,
            )
            for row in rows:
                result[row["owner_id"]].append(CompanyRef(id=row["id"], code=row["code"]))
        return result

    async def ancestors(self, company_id: int) -> list[CompanyRef]:
        """Parent, grandparent, … up to the root, nearest first."""
        rows = await _rows(
            f"""
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent, 0 FROM company WHERE id = {{}}
                UNION ALL
                SELECT c.id, c.parent, up.depth + 1 FROM company c JOIN up ON c.id = up.parent_id
                WHERE up.depth < {_RECURSION_GUARD}
            )
            SELECT c.id AS id, c.code AS code FROM up JOIN company c ON c.id = up.id
            WHERE up.depth > 0 ORDER BY up.depth
            """,
            company_id,
        )
        return [CompanyRef(id=row["id"], code=row["code"]) for row in rows]

    async def companies_within(self, scope: list[int]) -> set[int]:
        """The ids of the companies in `scope` and below them (what a user limited to `scope` may see)."""
        sql, args = subtree_condition(scope)
        return {r["id"] for r in await Company.select(Company.id).where(WhereRaw(sql, *args))}

    async def within(self, company_id: int, scope: list[int]) -> bool:
        """Whether the company is one of `scope` or below one of them (one query)."""
        if not scope:
            return False
        rows = await _rows(
            f"""
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent, 0 FROM company WHERE id = {{}}
                UNION ALL
                SELECT c.id, c.parent, up.depth + 1 FROM company c JOIN up ON c.id = up.parent_id
                WHERE up.depth < {_RECURSION_GUARD}
            )
            SELECT COUNT(*) AS n FROM up WHERE id IN ({_placeholders(len(scope))})
            """,
            company_id,
            *scope,
        )
        return int(rows[0]["n"]) > 0

    async def require_owner_in_scope(self, code: str, parent_id: int, scope: list[int]) -> CompanyRef:
        """The account owner a company unified under `parent_id` would use; refused when it lies outside `scope`."""
        owner = await self.account_owner(parent_id)
        if owner is None or not await self.within(owner.id, scope):
            raise RuleViolation(
                phrase(
                    "{code} would use the Amazon account of {owner}, which is outside the companies you manage: keep "
                    "it not unified, or ask an administrator of that account.",
                    code=code,
                    owner=owner.code,
                )
                if owner
                else phrase(
                    "{code} would use the Amazon account of a company, which is outside the companies you manage: keep "
                    "it not unified, or ask an administrator of that account.",
                    code=code,
                ),
                code="owner_outside_scope",
                fields={"unified": "the account owner is outside the companies you manage"},
            )
        return owner

    async def validate_parent(
        self, company_id: int | None, new_parent_id: int | None, *, unified: bool, scope: list[int] | None = None
    ) -> None:
        """Refuse a placement that breaks a rule: unified without parent, unknown parent, a cycle, depth over 32.

        `company_id` is None for a company about to be created (it has no subtree yet). With a `scope` (the
        companies a user is limited to), a parent outside it is refused exactly as a parent that does not exist,
        so that IDs cannot be probed.
        """
        if new_parent_id is None:
            if unified:
                raise RuleViolation(
                    phrase("A unified company needs a parent whose Amazon account it uses."),
                    code="unified_without_parent",
                    fields={"unified": "requires a parent company"},
                )
            return
        subject = company_id or 0  # 0 matches no row: a new company has no subtree
        rows = await _rows(
            f"""
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent, 1 FROM company WHERE id = {{}}
                UNION ALL
                SELECT c.id, c.parent, up.depth + 1 FROM company c JOIN up ON c.id = up.parent_id
                WHERE up.depth < {_RECURSION_GUARD}
            ),
            down(id, depth) AS (
                SELECT id, 0 FROM company WHERE id = {{}}
                UNION ALL
                SELECT c.id, down.depth + 1 FROM company c JOIN down ON c.parent = down.id
                WHERE down.depth < {_RECURSION_GUARD}
            )
            SELECT (SELECT COUNT(*) FROM up) AS parent_levels,
                   (SELECT COUNT(*) FROM up WHERE id = {{}}) AS cycle,
                   (SELECT COALESCE(MAX(depth), 0) FROM down) AS subtree_height,
                   (SELECT COUNT(*) FROM up WHERE id IN ({_placeholders(len(scope or [0]))})) AS in_scope
            """,
            new_parent_id,
            subject,
            subject,
            *(scope or [0]),
        )
        facts = rows[0]
        if facts["parent_levels"] == 0 or (scope is not None and facts["in_scope"] == 0):
            raise RuleViolation(
                phrase("Parent company {id} does not exist.", id=new_parent_id),
                code="unknown_parent",
                fields={"parentId": "no such company"},
            )
        if facts["cycle"]:
            raise RuleViolation(
                phrase("A company cannot be placed under itself or one of its own descendants."),
                code="hierarchy_cycle",
                fields={"parentId": "would create a cycle"},
            )
        deepest = int(facts["parent_levels"]) + 1 + int(facts["subtree_height"])
        if deepest > MAX_DEPTH:
            raise RuleViolation(
                phrase(
                    "The hierarchy would be {depth} levels deep; at most {most} are allowed.",
                    depth=deepest,
                    most=MAX_DEPTH,
                ),
                code="hierarchy_too_deep",
                fields={"parentId": f"would make the tree {deepest} levels deep (max {MAX_DEPTH})"},
            )

    async def children_counts(self, company_ids: Sequence[int]) -> dict[int, int]:
        """How many direct children each company has."""
        if not company_ids:
            return {}
        rows = await _rows(
            f"SELECT parent AS id, COUNT(*) AS n FROM company WHERE parent IN ({_placeholders(len(company_ids))}) "
            "GROUP BY parent",
            *company_ids,
        )
        return {row["id"]: int(row["n"]) for row in rows}
