"""The secret registry's own checks, in the process: the start-up key check's words, and what rotation counts."""

from __future__ import annotations

import pytest

from app.amazon.regions import Region
from app.config import get_settings
from app.lib.crypto import Keyring, SecretError, key_id, new_key, parse_keys
from app.secrets import count_to_rotate, rotate_keys, secret_column, verify_stored_keys
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import connect, create_company


def keyring(*keys: bytes) -> Keyring:
    return Keyring(list(keys))


async def test_a_stored_secret_under_a_key_not_configured_stops_the_start_naming_the_column_key_and_remedy(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    old = parse_keys(get_settings().secret_keys or "")[0]
    rotated, other = parse_keys(new_key())[0], parse_keys(new_key())[0]
    await connect(services, us["id"], Region.NA, seller="A1US")
    await rotate_keys(keyring(rotated, old), lambda n: None)  # NA's secrets now under `rotated`, EU's under `old`
    await connect(services, us["id"], Region.EU, seller="A1EU")

    with pytest.raises(SecretError) as refused:
        await verify_stored_keys(keyring(other))
    await verify_stored_keys(keyring(other, rotated, old))  # the old keys after the new one: starts

    assert str(refused.value) == (
        f"amazon_connection.refresh_token holds secrets encrypted with key(s) "
        f"{', '.join(sorted([key_id(old), key_id(rotated)]))}, which SECRET_KEYS does not contain: add the old key "
        "after the new one, start, and run `erp-settings rotate-keys`."
    )


async def test_rotation_counts_what_is_left_reports_each_secret_once_and_leaves_nothing(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1US")
    await connect(services, us["id"], Region.EU, seller="A1EU")
    rotated = keyring(parse_keys(new_key())[0], parse_keys(get_settings().secret_keys or "")[0])
    progress: list[int] = []

    before = await count_to_rotate(rotated)
    done = await rotate_keys(rotated, progress.append, batch_size=3)

    assert before == 4  # two connections, each with a refresh and an access token
    assert done == 4
    assert sum(progress) == 4
    assert await count_to_rotate(rotated) == 0


def test_a_registered_column_is_found_by_its_name_and_another_is_not() -> None:
    found = secret_column("pending_grant.refresh_token")

    assert found is not None
    assert (found.table._meta.tablename, found.column) == ("pending_grant", "refresh_token")
    assert secret_column("company.name") is None
