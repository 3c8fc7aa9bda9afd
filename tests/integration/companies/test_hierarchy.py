"""HierarchyService on the real database: owners, members, ancestors and placement rules, one query each."""

from __future__ import annotations

import pytest

from app.companies.hierarchy import CompanyRef
from app.lib.errors import RuleViolation
from app.services import Services
from tests.fixtures import Browser, count_queries
from tests.helpers import create_company


async def _tree(admin: Browser) -> dict[str, int]:
    """US-01 ← CA-01 (u) ← CA-02 (u); US-01 ← MX-01 (u); US-01 ← UK-01 ← DE-01 (u) ← DE-02 (u); UK-01 ← FR-01."""
    ids: dict[str, int] = {}
    for code, parent, unified in [
        ("US-01", None, False),
        ("CA-01", "US-01", True),
        ("CA-02", "CA-01", True),
        ("MX-01", "US-01", True),
        ("UK-01", "US-01", False),
        ("DE-01", "UK-01", True),
        ("DE-02", "DE-01", True),
        ("FR-01", "UK-01", False),
        ("JP-01", None, False),
    ]:
        ids[code] = (await create_company(admin, code, parent=ids.get(parent) if parent else None, unified=unified))[
            "id"
        ]
    return ids


async def test_account_owner_resolves_chains_and_stops_at_a_non_unified_company(
    admin: Browser, services: Services
) -> None:
    ids = await _tree(admin)
    owner = services.hierarchy.account_owner

    assert await owner(ids["CA-02"]) == CompanyRef(id=ids["US-01"], code="US-01")
    assert await owner(ids["MX-01"]) == CompanyRef(id=ids["US-01"], code="US-01")
    assert await owner(ids["UK-01"]) == CompanyRef(id=ids["UK-01"], code="UK-01")
    assert await owner(ids["DE-02"]) == CompanyRef(id=ids["UK-01"], code="UK-01")
    assert await owner(ids["FR-01"]) == CompanyRef(id=ids["FR-01"], code="FR-01")
    assert await owner(ids["JP-01"]) == CompanyRef(id=ids["JP-01"], code="JP-01")
    assert await owner(424242) is None


async def test_unified_members_include_members_of_members_but_not_other_groups(
    admin: Browser, services: Services
) -> None:
    ids = await _tree(admin)

    us_members = await services.hierarchy.unified_members(ids["US-01"])
    uk_members = await services.hierarchy.unified_members(ids["UK-01"])

    assert [m.code for m in us_members] == ["CA-01", "CA-02", "MX-01"]
    assert [m.code for m in uk_members] == ["DE-01", "DE-02"]
    assert await services.hierarchy.unified_members(ids["JP-01"]) == []


async def test_ancestors_are_listed_nearest_first(admin: Browser, services: Services) -> None:
    ids = await _tree(admin)

    assert [a.code for a in await services.hierarchy.ancestors(ids["DE-02"])] == ["DE-01", "UK-01", "US-01"]
    assert await services.hierarchy.ancestors(ids["US-01"]) == []


async def test_each_question_is_one_query_whatever_the_depth(admin: Browser, services: Services) -> None:
    parent = None
    chain = []
    for level in range(20):
        parent = (await create_company(admin, f"D{level:02d}", parent=parent, unified=level > 0))["id"]
        chain.append(parent)
    deepest = chain[-1]

    for question in (
        lambda: services.hierarchy.account_owner(deepest),
        lambda: services.hierarchy.unified_members(chain[0]),
        lambda: services.hierarchy.ancestors(deepest),
        lambda: services.hierarchy.validate_parent(chain[3], chain[1], unified=True),
    ):
        with count_queries() as queries:
            await question()
        assert len(queries) == 1, queries

    owner = await services.hierarchy.account_owner(deepest)
    assert owner is not None
    assert owner.code == "D00"


@pytest.mark.parametrize(
    ("subject", "new_parent", "unified", "code"),
    [
        ("US-01", "US-01", False, "hierarchy_cycle"),
        ("US-01", "CA-02", False, "hierarchy_cycle"),
        ("UK-01", "DE-02", True, "hierarchy_cycle"),
        ("CA-01", None, True, "unified_without_parent"),
        ("CA-01", 999_999, True, "unknown_parent"),
    ],
)
async def test_placements_that_break_a_rule_are_refused(
    admin: Browser, services: Services, subject: str, new_parent: str | int | None, unified: bool, code: str
) -> None:
    ids = await _tree(admin)
    parent_id = ids[new_parent] if isinstance(new_parent, str) else new_parent

    with pytest.raises(RuleViolation) as refused:
        await services.hierarchy.validate_parent(ids[subject], parent_id, unified=unified)

    assert refused.value.code == code


async def test_moving_a_subtree_counts_its_height_against_the_depth_limit(admin: Browser, services: Services) -> None:
    top = None
    for level in range(16):
        top = (await create_company(admin, f"A{level:02d}", parent=top))["id"]
    subtree_root = None
    below = None
    for level in range(17):
        below = (await create_company(admin, f"B{level:02d}", parent=below))["id"]
        subtree_root = subtree_root or below
    assert subtree_root is not None

    with pytest.raises(RuleViolation) as refused:
        await services.hierarchy.validate_parent(subtree_root, top, unified=False)

    assert refused.value.code == "hierarchy_too_deep"
    assert "33" in refused.value.message
