"""Secrets at rest: AES-GCM bound to their row by associated data, each value tagged with its key's ID.

A stored value reads `enc1:<key id>:<base64url(nonce | ciphertext | tag)>`. The key ID is the first 8 hex digits
of the key's SHA-256, so configuration is just a list of keys: the first encrypts, all decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"
KEY_ID_LENGTH = 8
# Where the key ID sits in a stored value, for SQL's 1-based substr(): after "enc1:".
KEY_ID_SQL_START = len(PREFIX) + 1


class SecretError(Exception):
    """A stored secret cannot be decrypted: unknown key, another row's value, or damaged data."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:KEY_ID_LENGTH]


def parse_keys(text: str) -> list[bytes]:
    """Comma-separated base64 (standard or URL-safe) 32-byte keys."""
    keys = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            key = base64.urlsafe_b64decode(part.replace("+", "-").replace("/", "_") + "=" * (-len(part) % 4))
        except ValueError:
            raise SecretError("SECRET_KEYS holds a value that is not base64") from None
        if len(key) != 32:
            raise SecretError(f"SECRET_KEYS: every key must be 32 bytes (AES-256); one has {len(key)}")
        keys.append(key)
    if not keys:
        raise SecretError("SECRET_KEYS is empty")
    return keys


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


class Keyring:
    """Encrypts with the first key; decrypts with whichever key a value names."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise SecretError("no encryption key configured")
        self._ciphers = {key_id(k): AESGCM(k) for k in keys}
        self.current_key_id = key_id(keys[0])

    @property
    def key_ids(self) -> set[str]:
        return set(self._ciphers)

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._ciphers[self.current_key_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}{self.current_key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, value: str, context: str) -> str:
        kid = self.key_id_of(value)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise SecretError(f"a stored secret was encrypted with key {kid}, which is not configured")
        try:
            raw = base64.urlsafe_b64decode(value[len(PREFIX) + KEY_ID_LENGTH + 1 :])
            return cipher.decrypt(raw[:12], raw[12:], context.encode()).decode()
        except (InvalidTag, ValueError):
            raise SecretError("a stored secret does not belong to this record or is damaged") from None

    @staticmethod
    def key_id_of(value: str) -> str:
        if not value.startswith(PREFIX) or value[len(PREFIX) + KEY_ID_LENGTH : len(PREFIX) + KEY_ID_LENGTH + 1] != ":":
            raise SecretError("a stored secret is not in the expected format")
        return value[len(PREFIX) : len(PREFIX) + KEY_ID_LENGTH]


def load_keyring(configured: str | None, key_file: Path) -> Keyring:
    """Keys from SECRET_KEYS; without it, a key file under var/ that is created on first use (local runs)."""
    if configured:
        return Keyring(parse_keys(configured))
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key() + "\n")
    return Keyring(parse_keys(key_file.read_text()))
