"""HTTP surface of user management: list, create, deactivate (admins who manage every company)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from app.accounts.auth import SIGNED_IN, actor_of, requires_role, unscoped_only
from app.accounts.schemas import CurrentUser, UserCreate, UserList, UserView
from app.lib.deps import known_id
from app.lib.http import error_responses
from app.services import Services


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]
    security = SIGNED_IN
    guards = [requires_role("admin"), unscoped_only]

    @get("/", operation_id="listUsers", responses=error_responses())
    async def list_users(self, services: NamedDependency[Services]) -> UserList:
        """Every user with role, state and the companies they are limited to."""
        return UserList(items=await services.accounts.users())

    @post("/", operation_id="createUser", status_code=201, responses=error_responses(409, 415, 422))
    async def create_user(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], data: JSONBody[UserCreate]
    ) -> UserView:
        """Create a user; the password is only stored as an argon2id hash."""
        return await services.accounts.add_user(data, actor_of(request))

    @post(
        "/{user_id:int}/deactivate",
        operation_id="deactivateUser",
        status_code=200,
        responses=error_responses(404, 415, 422),
    )
    async def deactivate_user(
        self, services: NamedDependency[Services], request: Request[CurrentUser, Any, Any], user_id: FromPath[int]
    ) -> UserView:
        """Deactivate a user: they cannot sign in, and their sessions end now."""
        return await services.accounts.deactivate_user(known_id(user_id, "User"), actor_of(request))
