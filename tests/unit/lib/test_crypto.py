"""AES-GCM secrets bound to their row, tagged with their key."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.lib.crypto import Keyring, SecretError, key_id, load_keyring, new_key, parse_keys
from app.secrets import CIPHERTEXT

KEY_A = parse_keys(new_key())[0]
KEY_B = parse_keys(new_key())[0]


def test_round_trip_and_the_value_names_its_key() -> None:
    keyring = Keyring([KEY_A])

    sealed = keyring.encrypt("Atzr|secret", "amazon_connection.refresh_token:company=1:region=NA")

    assert "Atzr" not in sealed
    assert sealed.startswith(f"enc1:{key_id(KEY_A)}:")
    assert keyring.decrypt(sealed, "amazon_connection.refresh_token:company=1:region=NA") == "Atzr|secret"


def test_same_plaintext_encrypts_differently_each_time() -> None:
    keyring = Keyring([KEY_A])

    assert keyring.encrypt("x", "ctx") != keyring.encrypt("x", "ctx")


def test_a_value_of_another_row_does_not_decrypt() -> None:
    keyring = Keyring([KEY_A])
    sealed = keyring.encrypt("Atzr|secret", "amazon_connection.refresh_token:company=1:region=NA")

    with pytest.raises(SecretError, match="does not belong"):
        keyring.decrypt(sealed, "amazon_connection.refresh_token:company=2:region=NA")


def test_unknown_key_is_named() -> None:
    sealed = Keyring([KEY_A]).encrypt("x", "ctx")

    with pytest.raises(SecretError, match=key_id(KEY_A)):
        Keyring([KEY_B]).decrypt(sealed, "ctx")


def test_old_keys_still_decrypt_while_the_first_encrypts() -> None:
    old = Keyring([KEY_A]).encrypt("x", "ctx")
    keyring = Keyring([KEY_B, KEY_A])

    assert keyring.decrypt(old, "ctx") == "x"
    assert keyring.encrypt("x", "ctx").startswith(f"enc1:{key_id(KEY_B)}:")


@pytest.mark.parametrize("value", ["", "not-base64!!", "c2hvcnQ"])
def test_malformed_key_configuration_is_refused(value: str) -> None:
    with pytest.raises(SecretError):
        parse_keys(value)


def test_tampered_value_is_refused() -> None:
    keyring = Keyring([KEY_A])
    sealed = keyring.encrypt("x", "ctx")
    tampered = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]

    with pytest.raises(SecretError):
        keyring.decrypt(tampered, "ctx")


@pytest.mark.parametrize("plaintext", ["", "x", "Atzr|" + "r" * 600, "ümlaut ✓", "enc1:looks-like-one"])
def test_every_stored_value_is_recognised_as_ciphertext_and_nothing_else_is(plaintext: str) -> None:
    # The key-rotation test finds secret columns by this pattern: a value it missed would hide an unregistered one.
    for keys in ([KEY_A], [KEY_B, KEY_A]):
        assert CIPHERTEXT.fullmatch(Keyring(keys).encrypt(plaintext, "ctx"))
    assert CIPHERTEXT.search(f'{{"token": "{Keyring([KEY_A]).encrypt(plaintext, "ctx")}"}}')  # inside JSON too
    assert not CIPHERTEXT.search(plaintext)


def test_a_key_file_is_created_once_for_local_runs(tmp_path: Path) -> None:
    first = load_keyring(None, tmp_path / "secret-keys")
    second = load_keyring(None, tmp_path / "secret-keys")

    assert first.current_key_id == second.current_key_id
    assert (tmp_path / "secret-keys").stat().st_mode & 0o777 == 0o600
