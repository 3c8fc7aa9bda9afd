"""Wire types of users and sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from app.lib.i18n import Language
from app.lib.wire import SINGLE_LINE_PATTERN, InputStruct, Struct

Role = Literal["admin", "support", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "support", "viewer")


class LoginRequest(InputStruct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=r"^[^\x00-\x1f\x7f]+$")]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class CurrentUser(Struct):
    """The signed-in user; `companyScope` lists the companies (with descendants) they are limited to, or null.

    `language` is the page language the user chose, or null until they choose one (the page then follows the
    browser's languages).
    """

    id: int
    username: str
    display_name: str
    role: Role
    company_scope: list[int] | None = None
    language: Language | None = None


class LanguageChoice(InputStruct):
    """The page language a user chooses for themselves."""

    language: Language


class ActiveSession(msgspec.Struct, frozen=True):
    """What authentication knows about a request's session (internal; never sent as is)."""

    session_id: int
    user: CurrentUser
    csrf_token: str


class SignedIn(Struct):
    """The user, and the CSRF token to send as X-CSRF-Token with every unsafe request of this session."""

    user: CurrentUser
    csrf_token: str


class ScopeCompany(Struct):
    id: int
    code: str
    name: str


class UserView(Struct):
    """A user as admins manage them; never the password hash."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    company_scope: list[ScopeCompany] | None
    created_at: datetime


class UserList(Struct):
    items: list[UserView]


class UserCreate(InputStruct):
    """A new user; `companyCodes` limits them to those companies and their descendants (empty: every company)."""

    username: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.@-]{1,150}$")]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=SINGLE_LINE_PATTERN)]
    role: Role
    password: Annotated[str, msgspec.Meta(min_length=12, max_length=1024)]
    company_codes: Annotated[
        list[Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9_-]{1,32}$")]], msgspec.Meta(max_length=100)
    ] = []
