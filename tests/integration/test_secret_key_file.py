"""The encryption key: SECRET_KEYS in production, else a per-user key file outside var/ (an old var/ one is moved)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from app.amazon_sim.seed import SELLER_APP
from app.config import Settings, load_settings
from app.lib.crypto import Keyring, load_keyring, new_key, parse_keys
from app.secrets import credentials_context
from tests.server_process import cli, running_server, server_environment, stopping_redis


def _only_key_file(data_home: Path) -> Path:
    files = [p for p in (data_home / "erp-settings").iterdir() if not p.name.startswith(".")]
    assert len(files) == 1, files
    return files[0]


def _files_holding(root: Path, needles: list[bytes]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and any(n in p.read_bytes() for n in needles)]


@pytest.mark.parametrize(
    "mode",
    [{"HOST": "0.0.0.0"}, {"AMAZON_MODE": "production"}],  # noqa: S104 (a setting, nothing listens)
    ids=["derived from HOST", "explicit"],
)
def test_production_refuses_to_start_without_secret_keys(mode: dict[str, str], tmp_path: Path) -> None:
    env = server_environment(tmp_path, 0, SECRET_KEYS="", **mode)

    done = cli(env, "seed-demo", check=False)

    assert done.returncode != 0
    assert "SECRET_KEYS is not set" in done.stderr
    assert not (tmp_path / "data").exists()  # and no key file was made up instead
    assert not (tmp_path / "var" / "secret-keys").exists()


def test_the_web_server_in_production_refuses_to_start_without_secret_keys(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    env = server_environment(tmp_path, unused_tcp_port, SECRET_KEYS="", AMAZON_MODE="production")

    with pytest.raises(AssertionError, match="SECRET_KEYS is not set"), running_server(env, tmp_path / "server.log"):
        pass


def test_a_local_run_keeps_its_generated_key_outside_var(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"

    with stopping_redis(server_environment(tmp_path, 0, SECRET_KEYS="")) as env:
        cli(env, "migrate")
        cli(env, "seed-demo")  # encrypts the simulator apps' client secrets

    key_file = _only_key_file(tmp_path / "data")
    key = key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert not key_file.is_relative_to(var_dir)
    assert _files_holding(var_dir, [key.encode(), *parse_keys(key)]) == []
    assert _stored_client_secret(var_dir, Keyring(parse_keys(key))) == SELLER_APP.client_secret


def test_an_old_key_file_in_var_is_moved_out_and_still_decrypts_what_it_encrypted(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    old_key = new_key()
    with stopping_redis(server_environment(tmp_path, 0, SECRET_KEYS="")) as env:
        cli(env, "migrate")
        # What an earlier version did: a key file beside the database, and secrets encrypted with it.
        (var_dir / "secret-keys").write_text(old_key + "\n")
        cli({**env, "SECRET_KEYS": old_key}, "seed-demo")

        # The start refuses unless the stored secrets' key is there: this one succeeds only with the old key.
        cli(env, "seed-demo")

    key_file = _only_key_file(tmp_path / "data")
    assert not (var_dir / "secret-keys").exists()
    assert parse_keys(key_file.read_text()) == parse_keys(old_key)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _stored_client_secret(var_dir, Keyring(parse_keys(key_file.read_text()))) == SELLER_APP.client_secret
    assert _files_holding(var_dir, [old_key.encode(), *parse_keys(old_key)]) == []


def test_an_old_key_file_joins_a_key_file_that_exists_already(tmp_path: Path) -> None:
    # var/ restored from a backup after a start had created the new file: both keys must keep decrypting.
    legacy, key_file = tmp_path / "var" / "secret-keys", tmp_path / "data" / "key"
    legacy.parent.mkdir()
    legacy.write_text(new_key() + "\n")
    sealed_then = Keyring(parse_keys(legacy.read_text())).encrypt("Atzr|old", "row")
    sealed_now = load_keyring(None, key_file).encrypt("Atzr|new", "row")

    keyring = load_keyring(None, key_file, legacy_key_file=legacy)

    assert not legacy.exists()
    assert keyring.decrypt(sealed_then, "row") == "Atzr|old"
    assert keyring.decrypt(sealed_now, "row") == "Atzr|new"
    assert keyring.current_key_id == load_keyring(None, key_file).current_key_id == sealed_now.split(":")[1]


def test_each_var_directory_has_a_key_file_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    one, other = Settings(var_dir=str(tmp_path / "one")), Settings(var_dir=str(tmp_path / "two"))
    chosen = load_settings({"VAR_DIR": str(tmp_path / "one"), "SECRET_KEY_FILE": str(tmp_path / "mine")})

    assert one.secret_key_file != other.secret_key_file
    assert one.secret_key_file.parent == tmp_path / "data" / "erp-settings"
    assert Settings(var_dir=str(tmp_path / "one" / ".." / "one")).secret_key_file == one.secret_key_file
    assert chosen.secret_key_file == tmp_path / "mine"


def _stored_client_secret(var_dir: Path, keyring: Keyring) -> str:
    with sqlite3.connect(var_dir / "erp-settings.sqlite3") as db:
        (sealed,) = db.execute(
            "SELECT lwa_client_secret FROM integration_credentials WHERE account_type = 'seller'"
        ).fetchone()
    return keyring.decrypt(sealed, credentials_context("seller", "production"))
