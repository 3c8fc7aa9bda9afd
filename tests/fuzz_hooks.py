"""Schemathesis hooks for the API fuzz test: sign in as the fuzz admin and send the session cookie and CSRF token."""

from __future__ import annotations

import os
from typing import Any

import httpx
import schemathesis


@schemathesis.auth()
class SessionAuth:
    """Signs in once (and again when Schemathesis refreshes auth) through the real login endpoint."""

    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        response = httpx.post(
            f"{os.environ['FUZZ_BASE_URL']}/api/auth/login",
            json={"username": os.environ["FUZZ_USERNAME"], "password": os.environ["FUZZ_PASSWORD"]},
            timeout=30,
        )
        response.raise_for_status()
        return {"session": response.cookies["erp_session"], "csrf": response.json()["csrfToken"]}

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        case.cookies = {**(case.cookies or {}), "erp_session": data["session"]}
        case.headers = {**(case.headers or {}), "X-CSRF-Token": data["csrf"]}
