"""Key rotation over every column that holds a secret, each filled through the real flows: `erp-settings rotate-keys`
re-encrypts all of them, the old key can go, and no column holds a secret that app/secrets.py does not register."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from dataclasses import dataclass
from typing import Any

import pytest
from piccolo.conf.apps import Finder

from app.amazon_sim.seed import SELLER_APP
from app.config import get_settings
from app.lib.crypto import Keyring, SecretError, new_key, parse_keys
from app.secrets import CIPHERTEXT, SECRET_COLUMNS, secret_column, verify_stored_keys
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import create_company, save
from tests.integration.amazon.flows import get_token
from tests.integration.amazon.test_consent_link import holder_consents, link_in_outbox, send_link

VENDOR_SECRET_IN_DRAFT = "amzn1.oa2-cs.v1.vendor-secret-waiting-in-a-draft-4242"


@dataclass(frozen=True)
class Cell:
    """One stored value in the project's ciphertext format, wherever it sits."""

    column: str  # table.column
    key: Any  # the row's primary key
    value: str
    row: dict[str, Any]


async def fill_every_secret_column(admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory) -> None:
    """Every kind of secret the product stores, each put there the way a user puts it."""
    us = await create_company(admin, "US-01")
    # App credentials: the seller app's secret saved through its draft, a vendor secret waiting in a draft.
    seller = (await admin.post(f"/api/integration-credentials/seller/{_environment()}/edits")).json()
    changed = await admin.patch(
        f"/api/integration-credentials/edits/{seller['id']}", json={"lwaClientSecret": SELLER_APP.client_secret}
    )
    assert changed.status_code == 200, changed.text
    saved = await admin.post(
        f"/api/integration-credentials/edits/{seller['id']}/save", headers={"If-Match": f'"{seller["baseVersion"]}"'}
    )
    assert saved.status_code == 200, saved.text
    vendor = (await admin.post(f"/api/integration-credentials/vendor/{_environment()}/edits")).json()
    changed = await admin.patch(
        f"/api/integration-credentials/edits/{vendor['id']}", json={"lwaClientSecret": VENDOR_SECRET_IN_DRAFT}
    )
    assert changed.status_code == 200, changed.text
    # A connection: Get Selling Partner API token for NA, Amazon's consent, Save.
    draft = await get_token(admin, amazon, us["id"], "NA", "A1SIMNASELLER1")
    saved = await save(admin, draft, {"revision": draft["revision"]})
    assert saved.status_code == 200, saved.text
    # Tokens waiting in a draft: one from Get Selling Partner API token (EU), one from the e-mailed link (FE).
    draft = await get_token(admin, amazon, us["id"], "EU", "A1SIMEUSELLER1")
    sent = await send_link(admin, draft["id"], "FE")
    assert sent.status_code == 201, sent.text
    holder = await browser_factory(None)
    done = await holder_consents(holder, amazon, await link_in_outbox(admin), "A1SIMJPSELLER1")
    assert done.status_code == 200, done.text
    waiting = (await admin.get(f"/api/edits/{draft['id']}")).json()["pendingGrants"]
    assert sorted(g["region"] for g in waiting) == ["EU", "FE"]


def _environment() -> str:
    return get_settings().amazon_environment


async def ciphertext_cells() -> list[Cell]:
    """Every value of every table of every Piccolo app that holds the project's ciphertext, registered or not."""
    cells = []
    for table in Finder().get_table_classes():
        pk = table._meta.primary_key._meta.name
        for row in await table.select():
            for column, value in row.items():
                if isinstance(value, str) and CIPHERTEXT.search(value):
                    cells.append(Cell(f"{table._meta.tablename}.{column}", row[pk], value, row))
    return cells


async def columns_holding(texts: list[str]) -> list[str]:
    """The columns of every table where one of `texts` is stored as it is (a secret must never be)."""
    found = set()
    for table in Finder().get_table_classes():
        for row in await table.select():
            for column, value in row.items():
                if any(text in str(value) for text in texts):
                    found.add(f"{table._meta.tablename}.{column}")
    return sorted(found)


def plaintext(keyring: Keyring, cell: Cell) -> str:
    column = secret_column(cell.column)
    assert column is not None, f"{cell.column} holds ciphertext but is not in app/secrets.py's SECRET_COLUMNS"
    return keyring.decrypt(cell.value, column.context(cell.row))


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", *args, env=env, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_every_column_holding_a_secret_is_registered_and_the_flows_fill_each_one(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    await fill_every_secret_column(admin, amazon, browser_factory)

    cells = await ciphertext_cells()
    found = {cell.column for cell in cells}
    registered = {column.name for column in SECRET_COLUMNS}

    unregistered, empty = sorted(found - registered), sorted(registered - found)
    assert unregistered == [], f"ciphertext in columns that app/secrets.py's SECRET_COLUMNS lacks: {unregistered}"
    assert empty == [], f"registered secret columns the flows above leave empty (fill them): {empty}"
    secrets = [plaintext(Keyring(parse_keys(get_settings().secret_keys or "")), cell) for cell in cells]
    in_plain_text = await columns_holding(secrets)
    assert in_plain_text == [], f"columns that hold a secret in plain text: {in_plain_text}"
    assert SELLER_APP.client_secret in secrets
    assert VENDOR_SECRET_IN_DRAFT in secrets


async def test_rotate_keys_re_encrypts_every_secret_column_and_the_old_key_can_go(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    await fill_every_secret_column(admin, amazon, browser_factory)
    old_keys = get_settings().secret_keys or ""
    old = Keyring(parse_keys(old_keys))
    replacement = new_key()
    new = Keyring(parse_keys(replacement))
    before = await ciphertext_cells()

    code, out, err = await run_cli("rotate-keys", env={**os.environ, "SECRET_KEYS": f"{replacement},{old_keys}"})
    after = await ciphertext_cells()

    assert code == 0, err
    left = sorted({cell.column for cell in after if Keyring.key_id_of(cell.value) != new.current_key_id})
    assert left == [], f"still encrypted with the old key only: {left}"
    assert f"{len(before)} secret(s) re-encrypted" in out
    assert sorted((cell.column, str(cell.key)) for cell in after) == sorted((c.column, str(c.key)) for c in before)
    originals = {(cell.column, cell.key): plaintext(old, cell) for cell in before}
    for cell in after:
        assert plaintext(new, cell) == originals[(cell.column, cell.key)], cell.column
        with pytest.raises(SecretError):
            plaintext(old, cell)
    await verify_stored_keys(new)  # a process with only the new key starts
    assert SELLER_APP.client_secret in originals.values()
    assert VENDOR_SECRET_IN_DRAFT in originals.values()
    tokens = {column: value for (column, _), value in originals.items() if column.endswith("_token")}
    assert all(value.startswith(("Atzr|", "Atza|")) for value in tokens.values()), tokens.keys()
