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
# Where earlier versions kept a local run's generated key: inside var/, beside the database.
LEGACY_KEY_FILE_NAME = "secret-keys"


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


def load_keyring(configured: str | None, key_file: Path, *, legacy_key_file: Path | None = None) -> Keyring:
    """Keys from SECRET_KEYS; without it, a key file outside var/ that is created on first use (local runs).

    A key file that earlier versions kept at `legacy_key_file` (var/secret-keys, beside the database, so that a copy
    of var/ was a copy of the key) is moved into `key_file` first, so that nothing stored becomes unreadable.
    """
    if configured:
        return Keyring(parse_keys(configured))
    if legacy_key_file is not None and legacy_key_file.exists():
        _move_legacy_key_file(legacy_key_file, key_file)
    if not key_file.exists():
        _create_private_file(key_file, new_key() + "\n")
    return Keyring(parse_keys(key_file.read_text()))


def _move_legacy_key_file(legacy: Path, key_file: Path) -> None:
    """The legacy file's keys join the key file's (after its own, so they only decrypt), then the legacy file goes."""
    legacy_keys = parse_keys(legacy.read_text())
    if not _create_private_file(key_file, _key_text(legacy_keys)):
        # A key file exists already (another process moved it a moment ago, or var/ was restored from a backup):
        # keep its keys first and add those it lacks.
        keys = parse_keys(key_file.read_text())
        missing = [k for k in legacy_keys if k not in keys]
        if missing:
            _replace_private_file(key_file, _key_text(keys + missing))
    legacy.unlink(missing_ok=True)


def _key_text(keys: list[bytes]) -> str:
    return ",".join(base64.urlsafe_b64encode(k).decode().rstrip("=") for k in keys) + "\n"


def _create_private_file(path: Path, text: str) -> bool:
    """Write `path` (0600, in a 0700 directory) unless it exists; False when it does. Readers never see it half-written.

    The text goes to a private temporary file that is then hard-linked into place: the link fails when another
    process (the web server and a worker start together) created the file first, and then that one is used.
    """
    temporary = _write_temporary(path, text)
    try:
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink()


def _replace_private_file(path: Path, text: str) -> None:
    os.replace(_write_temporary(path, text), path)


def _write_temporary(path: Path, text: str) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary
