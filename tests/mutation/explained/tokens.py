"""Survivors of `make mutants` in app/amazon/tokens.py (the token provider) that need no test, each with its reason."""

from __future__ import annotations

from tests.mutation.explained.entry import Explained

MODULE = "app/amazon/tokens.py"
_BACKOFF_TIMING = (
    "Timing only: how long the subscription waits before it tries Redis again (jitter, backoff growth). Every try "
    "still comes, and the first one that works forgets the caches; a test could only tell by timing the tries. "
    "test_a_worker_whose_redis_stops_answering_while_it_subscribes_again_keeps_trying_and_follows_saves sees that a "
    "failed try is followed by another."
)
_HEARTBEAT = (
    "The heartbeat of a quiet subscription: it acts only after HEARTBEAT_SECONDS (15 s) without a message, and finds "
    "a silent host after 30 s; mutmut gives a test 30 s, and a test of it would wait that long. "
    "tests/faults/test_worker_outage.py (a worker cut off without a reset notices and comes back) covers it, across "
    "processes."
)
_NOBODY_READS_IT = (
    "Nobody reads it: the payload of an announcement (the listener forgets everything at any message on the channel)."
)
_TASK_NAME = "The asyncio task's name: no log, metric or answer shows it; a debugging aid."
_UNUSED_BRANCH = (
    "No caller forgets some companies only (the product calls forget() with no argument: Save announcements, a "
    "reconnection, a worker's Redis coming back); this branch has no behaviour anyone can reach."
)
_KILLED_HOLDER = (
    "The lock's own expiry matters only when its holder dies holding it (a finally releases it otherwise), which "
    "takes a process to kill: tests/integration/workers/test_tokens_across_processes.py "
    "(test_a_worker_killed_while_refreshing_does_not_block_the_others) runs it in a process of its own."
)
_WAIT_LENGTH = (
    "How long a waiter waits for the lock before giving up: timing only. "
    "test_a_process_waiting_too_long_for_another_ones_refresh_is_told_to_come_back_in_five_seconds checks that it "
    "does give up, and what it says."
)
_REDIS_EXPIRY = (
    "When Redis forgets the cooldown's key, in real time: the refusal itself compares the stored end with the app's "
    "clock, so answers do not change (a key kept longer is memory only); one second less would only show to a test "
    "waiting a real minute."
)
_RETRIEVED = (
    "Equivalent: evaluating the condition already calls flight.exception(), which marks a failure retrieved (and "
    "returns None for a result); in a finally after set_result or set_exception the flight is always done."
)

EXPLAINED: tuple[Explained, ...] = (
    Explained(
        MODULE, "_follow_saves", "lost_at = 0.0", "lost_at = 1.0", "Log only: the outage's length in an info line."
    ),
    *(
        Explained(MODULE, "_follow_saves", before, after, _BACKOFF_TIMING)
        for before, after in (
            (
                "await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)",
                "await asyncio.sleep(delay / random.uniform(0.8, 1.2))  # noqa: S311 (jitter)",
            ),
            (
                "await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)",
                "await asyncio.sleep(delay * random.uniform(1.8, 1.2))  # noqa: S311 (jitter)",
            ),
            (
                "await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)",
                "await asyncio.sleep(delay * random.uniform(0.8, 2.2))  # noqa: S311 (jitter)",
            ),
            (
                "delay = min(RESUBSCRIBE_MAX_SECONDS, delay * 2)",
                "delay = min(RESUBSCRIBE_MAX_SECONDS, delay / 2)",
            ),
            (
                "delay = min(RESUBSCRIBE_MAX_SECONDS, delay * 2)",
                "delay = min(RESUBSCRIBE_MAX_SECONDS, delay * 3)",
            ),
        )
    ),
    Explained(
        MODULE,
        "_receive_saves",
        "pinged = False",
        "pinged = None",
        "Equivalent: `if pinged:` reads None as False.",
    ),
    *(
        Explained(MODULE, "_receive_saves", before, after, _HEARTBEAT)
        for before, after in (
            ("pinged = False", "pinged = True"),
            (
                "message = await pubsub.get_message(timeout=RECEIVE_WAIT_SECONDS)",
                "message = await pubsub.get_message(timeout=None)",
            ),
            ("heard, pinged = now, False", "heard, pinged = now, True"),
            ("elif now - heard > HEARTBEAT_SECONDS:", "elif now + heard > HEARTBEAT_SECONDS:"),
            ("elif now - heard > HEARTBEAT_SECONDS:", "elif now - heard >= HEARTBEAT_SECONDS:"),
            ("heard, pinged = now, True", "heard, pinged = now, False"),
        )
    ),
    Explained(
        MODULE,
        "_receive_saves",
        'raise redis_errors.TimeoutError(f"no answer to a ping within {HEARTBEAT_SECONDS:.0f} s")',
        "raise redis_errors.TimeoutError(None)",
        "Nobody reads it: _follow_saves catches it and logs only the exception's type name; and it takes 30 s of "
        "silence (see the heartbeat's entries).",
    ),
    *(
        Explained(MODULE, "announce_save", 'await self.redis.publish(SAVES_CHANNEL, b"saved")', after, _NOBODY_READS_IT)
        for after in (
            'await self.redis.publish(SAVES_CHANNEL, b"XXsavedXX")',
            'await self.redis.publish(SAVES_CHANNEL, b"SAVED")',
        )
    ),
    *(
        Explained(
            MODULE,
            "listen_for_saves",
            'self._listener = asyncio.create_task(self._follow_saves(pubsub), name="token-cache-invalidation")',
            after,
            _TASK_NAME,
        )
        for after in (
            "self._listener = asyncio.create_task(self._follow_saves(pubsub), name=None)",
            "self._listener = asyncio.create_task(self._follow_saves(pubsub), )",
            'self._listener = asyncio.create_task(self._follow_saves(pubsub), name="XXtoken-cache-invalidationXX")',
            'self._listener = asyncio.create_task(self._follow_saves(pubsub), name="TOKEN-CACHE-INVALIDATION")',
        )
    ),
    *(
        Explained(MODULE, "forget", before, after, _UNUSED_BRANCH)
        for before, after in (
            ("owner = self._owners.pop(company_id, None)", "owner = None"),
            ("owner = self._owners.pop(company_id, None)", "owner = self._owners.pop(company_id, )"),
            (
                "for key in [k for k in self._tokens if k[0] in (company_id, owner)]:",
                "for key in [k for k in self._tokens if k[0] not in (company_id, owner)]:",
            ),
        )
    ),
    *(
        Explained(
            MODULE,
            "_obtain",
            'f"lock:token:{key[0]}:{key[1]}", timeout=self.lock_timeout, blocking_timeout=self.lock_timeout * 1.5',
            after,
            reason,
        )
        for after, reason in (
            ('f"lock:token:{key[0]}:{key[1]}", timeout=None, blocking_timeout=self.lock_timeout * 1.5', _KILLED_HOLDER),
            ('f"lock:token:{key[0]}:{key[1]}", blocking_timeout=self.lock_timeout * 1.5', _KILLED_HOLDER),
            (
                'f"lock:token:{key[0]}:{key[1]}", timeout=self.lock_timeout, blocking_timeout=self.lock_timeout / 1.5',
                _WAIT_LENGTH,
            ),
            (
                'f"lock:token:{key[0]}:{key[1]}", timeout=self.lock_timeout, blocking_timeout=self.lock_timeout * 2.5',
                _WAIT_LENGTH,
            ),
        )
    ),
    Explained(
        MODULE,
        "_refresh",
        'refresh_token = self.connections.secret(row, "refresh_token") or ""',
        'refresh_token = self.connections.secret(row, "refresh_token") or "XXXX"',
        "Equivalent: _row refuses a row without a refresh token before any refresh, so secret() never gives None or "
        "an empty string here.",
    ),
    Explained(
        MODULE,
        "_start_cooldown",
        "seconds = max(float(COOLDOWN_SECONDS), retry_after or 0.0)",
        "seconds = max(float(COOLDOWN_SECONDS), retry_after or 1.0)",
        "Equivalent: the maximum with COOLDOWN_SECONDS (60) is 60 either way.",
    ),
    *(
        Explained(
            MODULE,
            "_start_cooldown",
            "await self.redis.set(_cooldown_key(key), until.isoformat(), ex=math.ceil(seconds) + 1)",
            after,
            _REDIS_EXPIRY,
        )
        for after in (
            "await self.redis.set(_cooldown_key(key), until.isoformat(), ex=None)",
            "await self.redis.set(_cooldown_key(key), until.isoformat(), )",
            "await self.redis.set(_cooldown_key(key), until.isoformat(), ex=math.ceil(seconds) - 1)",
            "await self.redis.set(_cooldown_key(key), until.isoformat(), ex=math.ceil(seconds) + 2)",
        )
    ),
    *(
        Explained(MODULE, "access_token", "if flight.done() and flight.exception() is not None:", after, _RETRIEVED)
        for after in (
            "if flight.done() or flight.exception() is not None:",
            "if flight.done() and flight.exception() is None:",
        )
    ),
)
