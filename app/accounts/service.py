"""Users, password checks (argon2id) and server-side sessions with idle and absolute timeouts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.accounts.schemas import CurrentUser, Role
from app.accounts.tables import User, UserSession
from app.lib.clock import Clock
from app.lib.errors import Conflict, NotAuthenticated

# Sessions are touched at most this often, so reads stay reads.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current(row: dict[str, Any]) -> CurrentUser:
    return CurrentUser(id=row["id"], username=row["username"], display_name=row["display_name"], role=row["role"])


class AccountService:
    def __init__(
        self,
        clock: Clock,
        idle_timeout: timedelta,
        absolute_timeout: timedelta,
        hash_time_cost: int = 3,
        hash_memory_kib: int = 65536,
    ) -> None:
        self.clock = clock
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        # argon2id; the defaults are the library's recommended parameters.
        self.hasher = PasswordHasher(time_cost=hash_time_cost, memory_cost=hash_memory_kib)
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    async def create_user(
        self, username: str, password: str, role: Role, display_name: str | None = None
    ) -> CurrentUser:
        if await User.exists().where(User.username == username):
            raise Conflict(f"User {username} exists already.", code="username_taken", fields={"username": "taken"})
        user = User(
            username=username,
            display_name=display_name or username,
            role=role,
            password_hash=self.hasher.hash(password),
            is_active=True,
            created_at=self.clock.now(),
        )
        await user.save()
        return CurrentUser(id=int(user.id), username=username, display_name=user.display_name, role=role)

    async def login(
        self, username: str, password: str, ip: str | None, user_agent: str | None
    ) -> tuple[str, CurrentUser]:
        """A new session for valid credentials; a fresh session ID every time (no fixation)."""
        rows = await User.select().where((User.username == username) & (User.is_active == True))  # noqa: E712
        stored = rows[0]["password_hash"] if rows else self._dummy_hash
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            raise NotAuthenticated("Wrong username or password.", code="invalid_credentials") from None
        if not rows:
            raise NotAuthenticated("Wrong username or password.", code="invalid_credentials")
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        await UserSession.insert(
            UserSession(
                token_hash=_hash_token(token),
                user=rows[0]["id"],
                created_at=now,
                last_seen_at=now,
                ip=(ip or "")[:64] or None,
                user_agent=(user_agent or "")[:300] or None,
            )
        )
        return token, _current(rows[0])

    async def authenticate(self, token: str | None) -> CurrentUser | None:
        """The user behind a session cookie, or None when it is unknown, idle too long, too old or deactivated."""
        if not token or len(token) > 128:
            return None
        rows = await UserSession.select(
            UserSession.id,
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.user.id.as_alias("user_id"),
            UserSession.user.username.as_alias("username"),
            UserSession.user.display_name.as_alias("display_name"),
            UserSession.user.role.as_alias("role"),
            UserSession.user.is_active.as_alias("is_active"),
        ).where(UserSession.token_hash == _hash_token(token))
        if not rows:
            return None
        row = rows[0]
        now = self.clock.now()
        if (
            not row["is_active"]
            or now - row["last_seen_at"] > self.idle_timeout
            or now - row["created_at"] > self.absolute_timeout
        ):
            await UserSession.delete().where(UserSession.id == row["id"])
            return None
        if now - row["last_seen_at"] > _TOUCH_EVERY:
            await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == row["id"])
        return CurrentUser(
            id=row["user_id"], username=row["username"], display_name=row["display_name"], role=row["role"]
        )

    async def logout(self, token: str | None) -> None:
        if token:
            await UserSession.delete().where(UserSession.token_hash == _hash_token(token))
