"""Users, password checks (argon2id), server-side sessions with idle and absolute timeouts, and login limits."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.accounts.schemas import ActiveSession, CurrentUser, Role, ScopeCompany, SignedIn, UserCreate, UserView
from app.accounts.tables import User, UserSession
from app.audit.service import Actor, AuditService
from app.companies.tables import Company
from app.lib.clock import Clock
from app.lib.errors import Conflict, NotAuthenticated, NotFound, RuleViolation
from app.lib.i18n import Language
from app.lib.ratelimit import LOGIN_PER_IP, RateLimiter

# Sessions are touched at most this often, so reads stay reads.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _scope(raw: str | None) -> list[int] | None:
    return None if raw is None else msgspec.json.decode(raw, type=list[int])


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_Result = TypeVar("_Result")


class AccountService:
    def __init__(
        self,
        clock: Clock,
        audit: AuditService,
        limiter: RateLimiter,
        idle_timeout: timedelta,
        absolute_timeout: timedelta,
        hash_time_cost: int = 3,
        hash_memory_kib: int = 65536,
    ) -> None:
        self.clock = clock
        self.audit = audit
        self.limiter = limiter
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        # argon2id; the defaults are the library's recommended parameters.
        self.hasher = PasswordHasher(time_cost=hash_time_cost, memory_cost=hash_memory_kib)
        # Hashing runs in threads (argon2 releases the GIL). One hash already keeps `parallelism` CPUs busy, so no
        # more run at once than the CPUs hold: more would not finish sooner, would leave the event loop no CPU, and
        # each holds `hash_memory_kib` of memory while it runs (measured in `make bench`, Sign-ins).
        self.parallel_hashes = max(1, _usable_cpus() // self.hasher.parallelism)
        self._hashing_slots = asyncio.Semaphore(self.parallel_hashes)
        self._dummy_hash: str | None = None

    async def _off_the_event_loop(self, work: Callable[..., _Result], *args: str) -> _Result:
        """Run a password hash or check in a thread: 100 ms of argon2 in the loop would stall every other request."""
        async with self._hashing_slots:
            return await asyncio.to_thread(work, *args)

    async def _password_matches(self, stored_hash: str, password: str) -> bool:
        try:
            return await self._off_the_event_loop(self.hasher.verify, stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _hash_for_unknown_users(self) -> str:
        """A hash to check unknown user names against, so they take as long as wrong passwords; made once."""
        if self._dummy_hash is None:
            self._dummy_hash = await self._off_the_event_loop(self.hasher.hash, secrets.token_urlsafe(16))
        return self._dummy_hash

    async def create_user(
        self,
        username: str,
        password: str,
        role: Role,
        display_name: str | None = None,
        company_codes: list[str] | None = None,
    ) -> CurrentUser:
        """A new active user, optionally limited to some companies (and their descendants)."""
        if await User.exists().where(User.username == username):
            raise Conflict(f"User {username} exists already.", code="username_taken", fields={"username": "taken"})
        scope = await self._company_ids(company_codes) if company_codes else None
        user = User(
            username=username,
            display_name=display_name or username,
            role=role,
            password_hash=await self._off_the_event_loop(self.hasher.hash, password),
            is_active=True,
            company_scope=None if scope is None else msgspec.json.encode(scope).decode(),
            created_at=self.clock.now(),
        )
        await user.save()
        return CurrentUser(
            id=int(user.id), username=username, display_name=user.display_name, role=role, company_scope=scope
        )

    async def _company_ids(self, codes: list[str]) -> list[int]:
        rows = await Company.select(Company.id, Company.code).where(Company.code.is_in(codes))
        found = {row["code"]: row["id"] for row in rows}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise RuleViolation(f"Unknown company code(s): {', '.join(unknown)}.", fields={"companyCodes": "unknown"})
        return sorted(found.values())

    async def login(self, username: str, password: str, ip: str | None, user_agent: str | None) -> tuple[str, SignedIn]:
        """A new session for valid credentials: a fresh session ID every time (no fixation), limits per user and IP.

        Wrong passwords are limited per (user name, address) and delayed per user name (see SignInLimits), so that
        nobody can lock the owner out; every attempt counts against the address (LOGIN_PER_IP).
        """
        address = ip or "unknown"
        await self.limiter.hit(LOGIN_PER_IP, address)
        attempt = await self.limiter.sign_ins.begin(username, address)
        rows = await User.select().where((User.username == username) & (User.is_active == True))  # noqa: E712
        stored = rows[0]["password_hash"] if rows else await self._hash_for_unknown_users()
        if not await self._password_matches(stored, password) or not rows:
            await self.audit.record(
                Actor(user_id=None, name=username[:150], ip=ip, user_agent=user_agent),
                None,
                "auth.login_failed",
                f"Failed sign-in as {username[:150]}",
            )
            raise NotAuthenticated("Wrong username or password.", code="invalid_credentials")
        await self.limiter.sign_ins.succeeded(attempt)
        user = rows[0]
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock.now()
        await UserSession.insert(
            UserSession(
                token_hash=_hash_token(token),
                csrf_token=csrf,
                user=user["id"],
                created_at=now,
                last_seen_at=now,
                ip=(ip or "")[:64] or None,
                user_agent=(user_agent or "")[:300] or None,
            )
        )
        current = CurrentUser(
            id=user["id"],
            username=user["username"],
            display_name=user["display_name"],
            role=user["role"],
            company_scope=_scope(user["company_scope"]),
            language=user["language"],
        )
        await self.audit.record(
            Actor(user_id=current.id, name=current.display_name, ip=ip, user_agent=user_agent),
            None,
            "auth.login",
            f"{current.username} signed in",
        )
        return token, SignedIn(user=current, csrf_token=csrf)

    async def authenticate(self, token: str | None) -> ActiveSession | None:
        """The session behind a cookie, or None when it is unknown, idle too long, too old or its user deactivated."""
        if not token or len(token) > 128:
            return None
        rows = await UserSession.select(
            UserSession.id,
            UserSession.csrf_token,
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.user.id.as_alias("user_id"),
            UserSession.user.username.as_alias("username"),
            UserSession.user.display_name.as_alias("display_name"),
            UserSession.user.role.as_alias("role"),
            UserSession.user.is_active.as_alias("is_active"),
            UserSession.user.company_scope.as_alias("company_scope"),
            UserSession.user.language.as_alias("language"),
        ).where(UserSession.token_hash == _hash_token(token))
        if not rows:
            return None
        row: dict[str, Any] = rows[0]
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
        user = CurrentUser(
            id=row["user_id"],
            username=row["username"],
            display_name=row["display_name"],
            role=row["role"],
            company_scope=_scope(row["company_scope"]),
            language=row["language"],
        )
        return ActiveSession(session_id=row["id"], user=user, csrf_token=row["csrf_token"])

    async def choose_language(self, user: CurrentUser, language: Language) -> CurrentUser:
        """Store the page language a user chose for themselves; every session of theirs uses it from now on."""
        await User.update({User.language: language}).where(User.id == user.id)
        return msgspec.structs.replace(user, language=language)

    async def logout(self, token: str | None) -> None:
        if token:
            await UserSession.delete().where(UserSession.token_hash == _hash_token(token))

    async def deactivate(self, username: str) -> None:
        """A deactivated user cannot sign in, and every session of theirs ends now."""
        rows = await User.update({User.is_active: False}).where(User.username == username).returning(User.id)
        if rows:
            await UserSession.delete().where(UserSession.user == rows[0]["id"])

    async def users(self, user_id: int | None = None) -> list[UserView]:
        """Every user (or one), with the companies they are limited to named."""
        query = User.select(
            User.id, User.username, User.display_name, User.role, User.is_active, User.company_scope, User.created_at
        ).order_by(User.username)
        rows = await (query.where(User.id == user_id) if user_id is not None else query)
        scoped = {cid for row in rows for cid in _scope(row["company_scope"]) or []}
        names = (
            {
                r["id"]: ScopeCompany(id=r["id"], code=r["code"], name=r["name"])
                for r in (
                    await Company.select(Company.id, Company.code, Company.name).where(Company.id.is_in(list(scoped)))
                )
            }
            if scoped
            else {}
        )
        return [
            UserView(
                id=row["id"],
                username=row["username"],
                display_name=row["display_name"],
                role=row["role"],
                active=row["is_active"],
                company_scope=None
                if row["company_scope"] is None
                else [names[c] for c in _scope(row["company_scope"]) or [] if c in names],
                created_at=row["created_at"],
            )
            for row in rows
        ]

    async def add_user(self, data: UserCreate, actor: Actor) -> UserView:
        """Create a user from the admin page, audited (never the password)."""
        created = await self.create_user(
            data.username, data.password, data.role, data.display_name, data.company_codes or None
        )
        await self.audit.record(actor, None, "user.created", f"User {created.username} created ({created.role})")
        return (await self.users(created.id))[0]

    async def deactivate_user(self, user_id: int, actor: Actor) -> UserView:
        """Deactivate from the admin page; nobody deactivates themselves (the last admin could lock everyone out)."""
        if user_id == actor.user_id:
            raise RuleViolation("You cannot deactivate yourself.", code="self_deactivation")
        found = await self.users(user_id)
        if not found:
            raise NotFound(f"User {user_id} does not exist.")
        await self.deactivate(found[0].username)
        await self.audit.record(actor, None, "user.deactivated", f"User {found[0].username} deactivated")
        return (await self.users(user_id))[0]
