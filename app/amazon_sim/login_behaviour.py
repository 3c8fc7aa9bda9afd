"""The admin API's switch for Amazon's two ways around the Log-in URI (FACTS §1): /_admin/login-behaviour."""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from app.amazon_sim.admin import loopback_clients_only
from app.amazon_sim.state import LoginBehaviour, SimulatorState


class LoginBehaviourView(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Whether the website workflow visits the app's Log-in URI before the code, and how amazon_callback_uri looks."""

    website_login_step: Literal["never", "draft_apps", "always"] = "draft_apps"
    relative_callback_uri: bool = False


class LoginBehaviourController(Controller):
    path = "/_admin/login-behaviour"
    guards = [loopback_clients_only]

    @get("/", operation_id="getLoginBehaviour")
    async def current(self, sim: NamedDependency[SimulatorState]) -> LoginBehaviourView:
        """How the simulator behaves around the Log-in URI now (reset returns it to the defaults)."""
        return _view(sim.login_behaviour)

    @post("/", operation_id="setLoginBehaviour", status_code=200)
    async def change(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[LoginBehaviourView]
    ) -> LoginBehaviourView:
        """Choose the behaviour: the direct redirect, the Log-in URI step for draft apps only, or always."""
        sim.login_behaviour = LoginBehaviour(data.website_login_step, data.relative_callback_uri)
        return _view(sim.login_behaviour)


def _view(behaviour: LoginBehaviour) -> LoginBehaviourView:
    return LoginBehaviourView(behaviour.website_login_step, behaviour.relative_callback_uri)
