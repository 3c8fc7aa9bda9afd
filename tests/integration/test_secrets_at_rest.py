"""Secrets at rest: encrypted in the database, bound to their row, rotated by a command, checked at start-up."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE

import pytest

from app.amazon.regions import Region
from app.amazon.tables import AmazonConnection
from app.config import get_settings
from app.editing.tables import PendingGrant
from app.lib.crypto import Keyring, SecretError, key_id, new_key, parse_keys
from app.secrets import rotate_keys, verify_stored_keys
from app.services import Services
from tests.fixtures import Browser
from tests.helpers import begin_edit, connect, connection, create_company, settings_of


async def test_tokens_are_stored_encrypted_and_shown_only_as_fingerprints(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1US")
    draft = await begin_edit(admin, us["id"])
    await services.edits.attach_grant(
        draft["id"],
        Region.EU,
        selling_partner_id="A1EU",
        refresh_token="Atzr|eu-secret-WXYZ",
        access_token="Atza|eu-access",
        access_token_expires_at=None,
        obtained_at=services.clock.now(),
    )

    stored = await AmazonConnection.select().first()
    grant = await PendingGrant.select().first()
    draft_view = (await admin.get(f"/api/edits/{draft['id']}")).json()

    assert stored is not None
    assert grant is not None
    for value in (stored["refresh_token"], stored["access_token"], grant["refresh_token"], grant["access_token"]):
        assert value.startswith(f"enc1:{services.keyring.current_key_id}:")
        assert "Atz" not in value
    assert draft_view["pendingGrants"][0]["tokenFingerprint"] == "…WXYZ"
    assert "Atzr|" not in str(draft_view)


async def test_a_ciphertext_copied_to_another_row_does_not_decrypt(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    jp = await create_company(admin, "JP-01")
    await connect(services, us["id"], Region.NA, seller="A1US")
    await connect(services, jp["id"], Region.FE, seller="A1JP")
    us_row = await AmazonConnection.select().where(AmazonConnection.company == us["id"]).first()
    assert us_row is not None
    await AmazonConnection.update({AmazonConnection.refresh_token: us_row["refresh_token"]}).where(
        AmazonConnection.company == jp["id"]
    )
    jp_row = await AmazonConnection.select().where(AmazonConnection.company == jp["id"]).first()
    assert jp_row is not None

    with pytest.raises(SecretError, match="does not belong"):
        services.connections.secret(jp_row, "refresh_token")
    page = await settings_of(admin, jp["id"])
    assert connection(page, "FE")["tokenFingerprint"] == "unreadable"


async def test_rotation_re_encrypts_everything_and_can_run_again(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1US")
    await connect(services, us["id"], Region.EU, seller="A1EU")
    old_key = parse_keys(get_settings().secret_keys or "")[0]
    new_key_bytes = parse_keys(new_key())[0]
    rotated = Keyring([new_key_bytes, old_key])

    first = await rotate_keys(rotated, lambda n: None, batch_size=1)
    again = await rotate_keys(rotated, lambda n: None)

    assert first == 4  # two connections, each with a refresh and an access token
    assert again == 0
    await verify_stored_keys(Keyring([new_key_bytes]))
    rows = await AmazonConnection.select()
    assert {Keyring.key_id_of(r["refresh_token"]) for r in rows} == {key_id(new_key_bytes)}
    assert (
        Keyring([new_key_bytes])
        .decrypt(
            rows[0]["refresh_token"], f"amazon_connection.refresh_token:company={us['id']}:region={rows[0]['region']}"
        )
        .startswith("Atzr|")
    )


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", *args, env=env, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_rotate_keys_command_end_to_end(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1US")
    replacement = new_key()

    code, out, err = await run_cli(
        "rotate-keys", env={**os.environ, "SECRET_KEYS": f"{replacement},{get_settings().secret_keys}"}
    )

    assert code == 0, err
    assert "2 secret(s) re-encrypted" in out
    row = await AmazonConnection.select().first()
    assert row is not None
    assert Keyring.key_id_of(row["refresh_token"]) == key_id(parse_keys(replacement)[0])


async def test_the_server_refuses_to_start_without_the_key_of_a_stored_secret(
    admin: Browser, services: Services, unused_tcp_port: int
) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1US")
    env = {**os.environ, "SECRET_KEYS": new_key(), "PORT": str(unused_tcp_port)}

    code, out, err = await run_cli("serve", env=env)

    assert code != 0
    assert "SECRET_KEYS does not contain" in out + err
