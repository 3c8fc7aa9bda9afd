"""A placement the hierarchy refuses names its rule, the field and the reason; the depth limit and the scope exactly."""

from __future__ import annotations

import pytest

from app.companies.hierarchy import MAX_DEPTH
from app.lib.errors import RuleViolation
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import create_company


async def refusal(
    services: Services, company: int | None, parent: int | None, *, unified: bool, scope: list[int] | None = None
) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        await services.hierarchy.validate_parent(company, parent, unified=unified, scope=scope)
    return refused.value


async def test_each_refused_placement_says_which_rule_which_field_and_why(admin: Browser, services: Services) -> None:
    us = (await create_company(admin, "US-01"))["id"]
    ca = (await create_company(admin, "CA-01", parent=us, unified=True))["id"]

    without_parent = await refusal(services, ca, None, unified=True)
    unknown = await refusal(services, ca, 999_999, unified=True)
    cycle = await refusal(services, us, ca, unified=False)

    assert (without_parent.code, without_parent.message, without_parent.fields) == (
        "unified_without_parent",
        "A unified company needs a parent whose Amazon account it uses.",
        {"unified": "requires a parent company"},
    )
    assert (unknown.code, unknown.message, unknown.fields) == (
        "unknown_parent",
        "Parent company 999999 does not exist.",
        {"parentId": "no such company"},
    )
    assert (cycle.code, cycle.message, cycle.fields) == (
        "hierarchy_cycle",
        "A company cannot be placed under itself or one of its own descendants.",
        {"parentId": "would create a cycle"},
    )


async def test_a_tree_may_be_exactly_as_deep_as_the_limit_and_no_deeper(admin: Browser, services: Services) -> None:
    chain: list[int] = []
    for level in range(MAX_DEPTH):
        chain.append((await create_company(admin, f"L{level:02d}", parent=chain[-1] if chain else None))["id"])

    await services.hierarchy.validate_parent(None, chain[-2], unified=False)  # a new company at level MAX_DEPTH
    too_deep = await refusal(services, None, chain[-1], unified=False)

    assert (too_deep.code, too_deep.message, too_deep.fields) == (
        "hierarchy_too_deep",
        f"The hierarchy would be {MAX_DEPTH + 1} levels deep; at most {MAX_DEPTH} are allowed.",
        {"parentId": f"would make the tree {MAX_DEPTH + 1} levels deep (max {MAX_DEPTH})"},
    )


async def test_within_a_scope_a_parent_outside_it_is_refused_as_one_that_does_not_exist(
    admin: Browser, services: Services
) -> None:
    us = (await create_company(admin, "US-01"))["id"]
    uk = (await create_company(admin, "UK-01", parent=us))["id"]
    jp = (await create_company(admin, "JP-01"))["id"]

    outside = await refusal(services, None, jp, unified=False, scope=[uk])
    await services.hierarchy.validate_parent(None, uk, unified=False, scope=[uk])
    await services.hierarchy.validate_parent(None, uk, unified=False, scope=[us])  # the scope's descendants too
    await services.hierarchy.validate_parent(None, jp, unified=False, scope=[uk, jp])  # a scope of two subtrees

    assert (outside.code, outside.message, outside.fields) == (
        "unknown_parent",
        f"Parent company {jp} does not exist.",
        {"parentId": "no such company"},
    )
