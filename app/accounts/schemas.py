"""Wire types of users and sign-in."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from app.lib.wire import InputStruct, Struct

Role = Literal["admin", "support", "viewer"]
Username = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.@-]{1,150}$")]


class LoginRequest(InputStruct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=150)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class CurrentUser(Struct):
    """The signed-in user."""

    id: int
    username: str
    display_name: str
    role: Role
