"""Survivors of `make mutants` in app/editing/save.py (Save) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/editing/save.py"

_RACE_ONLY = (
    "Reached only when two Saves of one company's settings overlap on PostgreSQL (both passed run()'s version check "
    "before either wrote): SQLite's BEGIN IMMEDIATE serialises them and run()'s check answers the second first, with "
    "its own 409 (test_save_refusals.py reads it whole). Which of the two 409s a racing loser gets depends on timing "
    "no test can choose, and mutmut runs on SQLite."
)
_MEANWHILE = "These settings were saved by someone else meanwhile; reload and edit again."
_TESTED_TOGETHER = (
    "Equivalent: a grant's tested_at, test_result and marketplaces_seen are written together or not at all "
    "(app/editing/service.py _test_columns), so one of them is missing exactly when the others are."
)
_SAME_ROW = (
    "Equivalent: without `current` the rules read the same settings row again, in the same write transaction, so "
    "they judge the same values (one query more)."
)
_VIEWER = (
    "Equivalent: the viewer only decides which open editors are `mine`, and the saver's own draft was closed by this "
    "Save (one open draft per user and company), so every editor left is someone else's either way."
)

EXPLAINED: tuple[Explained, ...] = (
    *(
        Explained(MODULE, "_apply", f'"{_MEANWHILE}", code="stale_version"', after, _RACE_ONLY)
        for after in (
            f'"{_MEANWHILE}", code=None',
            f'"{_MEANWHILE}", )',
            f'"XX{_MEANWHILE}XX", code="stale_version"',
            f'"{_MEANWHILE.lower()}", code="stale_version"',
            f'"{_MEANWHILE.upper()}", code="stale_version"',
            f'"{_MEANWHILE}", code="XXstale_versionXX"',
            f'"{_MEANWHILE}", code="STALE_VERSION"',
        )
    ),
    Explained(
        MODULE,
        "_tested",
        'if grant.get("tested_at") is None or grant.get("test_result") is None:',
        'if grant.get("tested_at") is None and grant.get("test_result") is None:',
        _TESTED_TOGETHER,
    ),
    Explained(
        MODULE,
        "_tested",
        'seen = msgspec.json.decode(grant.get("marketplaces_seen") or "[]", type=list[str])',
        'seen = msgspec.json.decode(grant.get("marketplaces_seen") or "XX[]XX", type=list[str])',
        _TESTED_TOGETHER + " A tested grant's marketplaces_seen is a JSON list, never empty text.",
    ),
    Explained(
        MODULE,
        "_tested",
        'seen = msgspec.json.decode(grant.get("marketplaces_seen") or "[]", type=list[str])',
        'seen = msgspec.json.decode(grant.get("marketplaces_seen") or "[]", )',
        "Equivalent: the column holds a JSON list of marketplace IDs written from a tuple of str "
        "(app/editing/service.py _test_columns); decoded untyped it is the same list of str.",
    ),
    *(
        Explained(
            MODULE,
            "run",
            'company_id, changes, {Region(g["region"]) for g in grants}, current=current, scope=scope',
            after,
            _SAME_ROW,
        )
        for after in (
            'company_id, changes, {Region(g["region"]) for g in grants}, current=None, scope=scope',
            'company_id, changes, {Region(g["region"]) for g in grants}, scope=scope',
        )
    ),
    Explained(
        MODULE,
        "run",
        "await self.followups.deliver(follow_up)",
        "await self.followups.deliver(None)",
        "Equivalent: deliver(None) delivers every pending follow-up, this Save's among them, right away (any other one "
        "pending is one the 2-second poll would deliver anyway); test_save_outcomes.py sees the check it queues.",
    ),
    *(
        Explained(MODULE, "run", "return await self.settings.effective(company_id, actor.user_id)", after, _VIEWER)
        for after in (
            "return await self.settings.effective(company_id, None)",
            "return await self.settings.effective(company_id, )",
        )
    ),
)
