"""Surviving mutants that no honest test can kill, or that need none, each with the reason (shown in the report).

A survivor is either killed by a new test or explained here. An entry names the module, the function and the
changed line before and after (as `mutmut show` prints them, stripped), so it survives renumbering of mutants.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explained:
    module: str
    function: str  # the function's or method's own name
    before: str
    after: str
    reason: str


_THROTTLE = "app/amazon/throttle.py"
_SECRETS = "app/secrets.py"
_CRYPTO = "app/lib/crypto.py"
_MEMORY_ONLY = (
    "Memory only: which buckets that are full again are forgotten during an outage changes no answer (a forgotten "
    "bucket is a full one). test_an_outage_with_very_many_sellers_forgets_full_buckets_but_not_one_still_refilling "
    "checks that one still refilling is kept and that the idle ones go."
)
_CLASS_CODE = (
    "Equivalent: DomainError keeps the class's own code when none is given, and QuotaWaitTooLong's is "
    "amazon_throttled (test_a_slot_further_away_than_the_caller_waits_is_refused_at_once_saying_when sees it)."
)
_EQUIVALENT_DECODING = (
    "Equivalent: base64.urlsafe_b64decode also reads '+' and '/' (it only translates '-' and '_'), so this "
    "replacement is a courtesy that changes no decoded key."
)

EXPLAINED: tuple[Explained, ...] = (
    Explained(
        _THROTTLE,
        "ask",
        "wait = 0.0 if tokens >= 1 else (1 - tokens) / quota.rate",
        "wait = 0.0 if tokens > 1 else (1 - tokens) / quota.rate",
        "Equivalent: with exactly one token the other branch waits (1 - 1) / rate = 0 s as well.",
    ),
    Explained(
        _THROTTLE,
        "ask",
        "if len(self._buckets) > 100_000:  # an outage with very many sellers: forget the full buckets",
        "if len(self._buckets) >= 100_000:  # an outage with very many sellers: forget the full buckets",
        _MEMORY_ONLY,
    ),
    Explained(
        _THROTTLE,
        "ask",
        "refill = max(quota.burst / quota.rate, 1.0)",
        "refill = max(quota.burst / quota.rate, 2.0)",
        _MEMORY_ONLY,
    ),
    Explained(
        _THROTTLE,
        "ask",
        "self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}",
        "self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] <= refill}",
        _MEMORY_ONLY,
    ),
    Explained(
        _THROTTLE,
        "_ask",
        'wait = float(await self._take(keys=[key], args=[quota.rate, quota.burst, "1" if take else "0"]))',
        'wait = float(await self._take(keys=[key], args=[quota.rate, quota.burst, "XX1XX" if take else "0"]))',
        "Equivalent: the Lua script tells only '0' (look) from anything else (take).",
    ),
    Explained(
        _THROTTLE,
        "acquire",
        "if waited + wait > patience:",
        "if waited + wait >= patience:",
        "Boundary only: differs when the next slot, on Redis's clock, is exactly as far away as the caller would "
        "wait; waiting and coming back at that instant are both right.",
    ),
    Explained(
        _THROTTLE,
        "acquire",
        "waited += wait",
        "waited = wait",
        "Differs only when one caller waits twice for a slot because another process took it first: its patience "
        "and the wait metric would count the last wait, not the sum. That needs two processes racing for one slot at "
        "a moment the test cannot fix (a loaded machine wakes both late and both get a slot); not tested.",
    ),
    Explained(
        _THROTTLE,
        "__init__",
        "def __init__(self, redis: aioredis.Redis, max_wait: float = 30.0, sandbox: bool = False) -> None:",
        "def __init__(self, redis: aioredis.Redis, max_wait: float = 31.0, sandbox: bool = False) -> None:",
        "A default no promise states: the grant check, the order import and the bulk test pass their own max_wait.",
    ),
    Explained(
        _THROTTLE,
        "__init__",
        "super().__init__(message, retry_after=retry_after, code=self.code)",
        "super().__init__(message, retry_after=retry_after, code=None)",
        _CLASS_CODE,
    ),
    Explained(
        _THROTTLE,
        "__init__",
        "super().__init__(message, retry_after=retry_after, code=self.code)",
        "super().__init__(message, retry_after=retry_after, )",
        _CLASS_CODE,
    ),
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


def explanation(module: str, function: str, diff: str) -> str | None:
    """The reason recorded for this survivor, if any."""
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    for entry in EXPLAINED:
        matches = (entry.module, entry.function) == (module, function) and entry.before in removed
        if matches and (entry.after in added or not (added or entry.after)):
            return entry.reason
    return None
