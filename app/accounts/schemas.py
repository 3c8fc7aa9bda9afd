"""Wire types of users and sign-in."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from app.lib.wire import InputStruct, Struct

Role = Literal["admin", "support", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "support", "viewer")


class LoginRequest(InputStruct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=r"^[^\x00-\x1f\x7f]+$")]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class CurrentUser(Struct):
    """The signed-in user; `companyScope` lists the companies (with descendants) they are limited to, or null."""

    id: int
    username: str
    display_name: str
    role: Role
    company_scope: list[int] | None = None


class ActiveSession(msgspec.Struct, frozen=True):
    """What authentication knows about a request's session (internal; never sent as is)."""

    session_id: int
    user: CurrentUser
    csrf_token: str


class SignedIn(Struct):
    """The user, and the CSRF token to send as X-CSRF-Token with every unsafe request of this session."""

    user: CurrentUser
    csrf_token: str
