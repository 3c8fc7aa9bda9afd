"""Survivors of `make mutants` in app/lib/crypto.py (the crypto module) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

_CRYPTO = "app/lib/crypto.py"
_EQUIVALENT_DECODING = (
    "Equivalent: base64.urlsafe_b64decode also reads '+' and '/' (it only translates '-' and '_'), so this "
    "replacement is a courtesy that changes no decoded key."
)

EXPLAINED: tuple[Explained, ...] = (
    Explained(
        _CRYPTO,
        "parse_keys",
        'key = base64.urlsafe_b64decode(part.replace("+", "-").replace("/", "_") + "=" * (-len(part) % 4))',
        'key = base64.urlsafe_b64decode(part.replace("XX+XX", "-").replace("/", "_") + "=" * (-len(part) % 4))',
        _EQUIVALENT_DECODING,
    ),
    Explained(
        _CRYPTO,
        "parse_keys",
        'key = base64.urlsafe_b64decode(part.replace("+", "-").replace("/", "_") + "=" * (-len(part) % 4))',
        'key = base64.urlsafe_b64decode(part.replace("+", "-").replace("XX/XX", "_") + "=" * (-len(part) % 4))',
        _EQUIVALENT_DECODING,
    ),
    Explained(
        _CRYPTO,
        "parse_keys",
        'key = base64.urlsafe_b64decode(part.replace("+", "-").replace("/", "_") + "=" * (-len(part) % 4))',
        'key = base64.urlsafe_b64decode(part.replace("+", "-").replace("/", "_") + "=" * (+len(part) % 4))',
        "Equivalent: the decoder ignores padding beyond what it needs, so three '=' read as well as one.",
    ),
    Explained(
        _CRYPTO,
        "new_key",
        'return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")',
        'return base64.urlsafe_b64encode(secrets.token_bytes(None)).decode().rstrip("=")',
        "Equivalent: secrets.token_bytes(None) returns 32 bytes, its default.",
    ),
    Explained(
        _CRYPTO,
        "_create_private_file",
        "return True",
        "return False",
        "Equivalent: the only caller that reads the answer then merges the file it just wrote with itself, which "
        "adds nothing; the key file is the same either way.",
    ),
    Explained(
        _CRYPTO,
        "_write_temporary",
        'temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")',
        'temporary = path.with_name(f".{path.name}.{secrets.token_hex(None)}.tmp")',
        "Equivalent: only the length of the temporary file's random name changes.",
    ),
    Explained(
        _CRYPTO,
        "_write_temporary",
        'temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")',
        'temporary = path.with_name(f".{path.name}.{secrets.token_hex(9)}.tmp")',
        "Equivalent: only the length of the temporary file's random name changes.",
    ),
    *(
        Explained(
            _CRYPTO,
            "_key_text",
            'return ",".join(base64.urlsafe_b64encode(k).decode().rstrip("=") for k in keys) + "\\n"',
            f'return ",".join(base64.urlsafe_b64encode(k).decode().{strip} for k in keys) + "\\n"',
            "Equivalent: parse_keys reads a key with or without its padding, and the last character of 32 bytes in "
            "base64 is never an X.",
        )
        for strip in ("rstrip(None)", 'lstrip("=")', 'rstrip("XX=XX")')
    ),
    Explained(
        _CRYPTO,
        "new_key",
        'return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")',
        'return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("XX=XX")',
        "Equivalent: 32 bytes in base64 never end in an X before the padding (that character carries four bits and "
        "is one of AEIMQUYcgkosw048), so stripping X as well as = strips the same.",
    ),
    Explained(
        _CRYPTO,
        "_move_legacy_key_file",
        "legacy.unlink(missing_ok=True)",
        "legacy.unlink(missing_ok=False)",
        "Differs only when another process removes the old key file between this one reading and removing it (two "
        "processes starting at the same moment); not tested.",
    ),
    Explained(
        _CRYPTO,
        "_key_text",
        'return ",".join(base64.urlsafe_b64encode(k).decode().rstrip("=") for k in keys) + "\\n"',
        'return ", ".join(base64.urlsafe_b64encode(k).decode().rstrip("=") for k in keys) + "\\n"',
        "Equivalent: the key file is read with parse_keys, which strips spaces around each key.",
    ),
)
