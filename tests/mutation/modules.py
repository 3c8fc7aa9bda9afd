"""The modules `make mutants` mutates, each with the tests that guard it (unit tests and its area's integration tests).

mutmut runs, for each mutant, only those of a module's tests that called the mutated function (it records that in
one run of all of them first), fastest first, stopping at the first failure. A selection is chosen to be fast:
tests that start processes of their own (tests/faults, the four-worker token tests) are left to `make test`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Module:
    name: str  # a short name: the folder under mutants/ and the row of the score table
    path: str  # the file mutated
    tests: tuple[str, ...]  # pytest arguments, relative to the project's root


MODULES: tuple[Module, ...] = (
    Module(
        "retry",
        "app/amazon/retry.py",
        (
            "tests/unit/amazon",
            "tests/integration/amazon/test_spapi_client.py",
            "tests/integration/amazon/test_backoff_rules.py",
        ),
    ),
    Module(
        "throttle",
        "app/amazon/throttle.py",
        (
            "tests/unit/amazon",
            "tests/integration/amazon/test_throttle_waits.py",
            "tests/integration/amazon/test_connection_quota.py",
            "tests/integration/amazon/test_backoff_rules.py",
        ),
    ),
    Module(
        "secrets",
        "app/secrets.py",
        (
            "tests/integration/test_secret_registry_checks.py",
            "tests/integration/test_secrets_at_rest.py",
            "tests/integration/test_key_rotation.py",
        ),
    ),
    Module(
        "crypto",
        "app/lib/crypto.py",
        (
            "tests/unit/lib",
            "tests/integration/test_secrets_at_rest.py",
            "tests/integration/test_key_rotation.py",
        ),
    ),
    Module(
        "hierarchy",
        "app/companies/hierarchy.py",
        (
            "tests/integration/companies",
            "tests/integration/editing/test_hierarchy_changes.py",
            "tests/integration/editing/test_propagation.py",
            "tests/integration/accounts/test_company_scope.py",
            "tests/integration/accounts/test_scope_escape.py",
            "tests/integration/amazon/test_expiry_timeline.py",
        ),
    ),
    Module(
        "rules",
        "app/editing/rules.py",
        (
            "tests/unit/editing",
            "tests/integration/editing",
            "tests/integration/amazon/test_grant_verdict.py",
        ),
    ),
    Module(
        "save",
        "app/editing/save.py",
        (
            "tests/unit/editing",
            "tests/integration/editing",
            "tests/integration/amazon/test_grant_verdict.py",
            "tests/integration/accounts/test_scope_escape.py",
        ),
    ),
    Module(
        "tokens",
        "app/amazon/tokens.py",
        (
            "tests/integration/amazon/test_spapi_client.py",
            "tests/integration/amazon/test_refresh_token_rotation.py",
            "tests/integration/amazon/test_backoff_rules.py",
            "tests/integration/amazon/test_connection_health.py",
            "tests/integration/workers/test_jobs.py",
            "tests/integration/amazon/test_token_provider_saves.py",
            "tests/integration/amazon/test_token_provider_refusals.py",
        ),
    ),
)


def selected(names: list[str]) -> tuple[Module, ...]:
    """The modules named (all when none is), in the table's order; an unknown name is an error."""
    unknown = set(names) - {module.name for module in MODULES}
    if unknown:
        raise SystemExit(f"unknown module(s) {', '.join(sorted(unknown))}: choose from {', '.join(_names())}")
    return tuple(module for module in MODULES if not names or module.name in names)


def _names() -> list[str]:
    return [module.name for module in MODULES]
