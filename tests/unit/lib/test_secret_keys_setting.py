"""SECRET_KEYS and the local key file as an operator meets them: the forms accepted, the words of each refusal, and
the key file of earlier versions moved out of var/ without losing a key."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from app.lib.crypto import Keyring, SecretError, key_id, load_keyring, new_key, parse_keys

# 32 bytes whose standard base64 holds "+" and "/", the two characters URL-safe base64 writes "-" and "_".
KEY = bytes([0xFB, 0xEF, 0xBE] * 10 + [0xFF, 0xFF])
STANDARD = base64.b64encode(KEY).decode()
OTHER = bytes(range(32))


def test_a_key_is_read_in_standard_or_url_safe_base64_with_or_without_padding() -> None:
    assert "+" in STANDARD
    assert "/" in STANDARD
    assert STANDARD.endswith("=")
    url_safe = base64.urlsafe_b64encode(KEY).decode()

    for written in (STANDARD, STANDARD.rstrip("="), url_safe, url_safe.rstrip("=")):
        assert parse_keys(written) == [KEY], written


def test_spaces_and_stray_commas_between_keys_are_ignored() -> None:
    other = base64.urlsafe_b64encode(OTHER).decode()

    assert parse_keys(f" , {STANDARD} ,, {other} ,") == [KEY, OTHER]


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ("not-base64!!", "SECRET_KEYS holds a value that is not base64"),
        (base64.b64encode(b"short").decode(), "SECRET_KEYS: every key must be 32 bytes (AES-256); one has 5"),
        ("", "SECRET_KEYS is empty"),
        (" , ", "SECRET_KEYS is empty"),
    ],
)
def test_a_malformed_secret_keys_is_refused_saying_what_is_wrong(configured: str, message: str) -> None:
    with pytest.raises(SecretError) as refused:
        parse_keys(configured)

    assert str(refused.value) == message


def test_a_keyring_without_a_key_is_refused() -> None:
    with pytest.raises(SecretError) as refused:
        Keyring([])

    assert str(refused.value) == "no encryption key configured"


def test_a_generated_key_is_32_random_bytes_in_url_safe_base64_without_padding() -> None:
    keys = {new_key() for _ in range(20)}

    assert len(keys) == 20
    for key in keys:
        assert len(key) == 43
        assert "=" not in key
        assert len(parse_keys(key)[0]) == 32


@pytest.mark.parametrize(
    "value",
    ["plaintext-token", "xxxx:12345678:AAAA", f"enc1:{key_id(KEY)}AAAA", f"enc1:{key_id(KEY)}"],
)
def test_a_value_not_in_the_stored_format_is_named_so(value: str) -> None:
    with pytest.raises(SecretError) as refused:
        Keyring([KEY]).decrypt(value, "ctx")

    assert str(refused.value) == "a stored secret is not in the expected format"


def test_a_damaged_value_is_named_so() -> None:
    stored = Keyring([KEY]).encrypt("secret", "ctx")

    with pytest.raises(SecretError) as refused:
        Keyring([KEY]).decrypt(stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB"), "ctx")

    assert str(refused.value) == "a stored secret does not belong to this record or is damaged"


def test_the_key_file_of_earlier_versions_becomes_the_key_file_and_leaves_var(tmp_path: Path) -> None:
    legacy, key_file = tmp_path / "var" / "secret-keys", tmp_path / "data" / "erp-settings" / "secret-keys"
    legacy.parent.mkdir()
    legacy.write_text(STANDARD + "\n")

    keyring = load_keyring(None, key_file, legacy_key_file=legacy)

    assert keyring.current_key_id == key_id(KEY)
    assert not legacy.exists()
    assert parse_keys(key_file.read_text()) == [KEY]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700


def test_an_old_key_file_found_beside_a_new_one_adds_its_keys_after_the_new_ones(tmp_path: Path) -> None:
    legacy, key_file = tmp_path / "var-secret-keys", tmp_path / "secret-keys"
    current = base64.urlsafe_b64encode(OTHER).decode()
    key_file.write_text(current + "\n")
    legacy.write_text(f"{STANDARD},{current}\n")

    keyring = load_keyring(None, key_file, legacy_key_file=legacy)

    assert keyring.current_key_id == key_id(OTHER)  # the key file's own key still encrypts
    assert parse_keys(key_file.read_text()) == [OTHER, KEY]  # the old file's other key now decrypts too
    assert not legacy.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_an_old_key_file_with_nothing_new_leaves_the_key_file_as_it_was(tmp_path: Path) -> None:
    legacy, key_file = tmp_path / "var-secret-keys", tmp_path / "secret-keys"
    key_file.write_text(STANDARD + "\n")
    legacy.write_text(STANDARD + "\n")

    load_keyring(None, key_file, legacy_key_file=legacy)

    assert key_file.read_text() == STANDARD + "\n"
    assert not legacy.exists()
