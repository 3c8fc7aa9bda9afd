"""Survivors of `make mutants` in app/secrets.py (the secret registry) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

_SECRETS = "app/secrets.py"

EXPLAINED: tuple[Explained, ...] = (
    Explained(
        _SECRETS,
        "rotate_keys",
        "async def rotate_keys(keyring: Keyring, on_progress: Callable[[int], None], batch_size: int = 200) -> int:",
        "async def rotate_keys(keyring: Keyring, on_progress: Callable[[int], None], batch_size: int = 201) -> int:",
        "Equivalent: the batch size only decides how many rows one SELECT reads.",
    ),
    Explained(
        _SECRETS,
        "rotate_keys",
        "await table.update({col: new}).where((pk == row[pk._meta.name]) & (col == old))",
        "await table.update({col: new}).where((pk == row[pk._meta.name]) | (col == old))",
        "The guard against a Save that changes a secret while rotate-keys re-encrypts it: the change must land "
        "between the batch's SELECT and this UPDATE, which no test can time without a hook in rotate_keys. Not tested.",
    ),
)
