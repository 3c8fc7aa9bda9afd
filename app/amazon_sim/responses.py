"""The simulator's answers: JSON bodies, SP-API error lists, OAuth errors, and what an injected fault sends."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
from litestar import Response

from app.amazon_sim.faults import Fault, FaultTarget

ACCESS_DENIED = "Access to requested resource is denied."
QUOTA_EXCEEDED = "You exceeded your quota for the requested resource."
_SP_API_ERROR_CODES = {
    400: "InvalidInput",
    403: "Unauthorized",
    404: "NotFound",
    413: "RequestTooLarge",
    415: "UnsupportedMediaType",
    429: "QuotaExceeded",
    503: "ServiceUnavailable",
}
_MALFORMED = {"lwa": b'{"access_token":"Atza|IwEBIA', "sp-api": b'{"payload": [{"marketplace": {"id": "ATVPDK'}


class SpApiError(msgspec.Struct):
    """One entry of an SP-API error list."""

    code: str
    message: str
    details: str = ""


class SpApiErrors(msgspec.Struct):
    errors: list[SpApiError]


class OAuthError(msgspec.Struct):
    """Login with Amazon's error body."""

    error: str
    error_description: str


def json_response(status: int, body: object, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(body), status_code=status, media_type="application/json", headers=headers
    )


def sp_api_response(status: int, body: object, headers: dict[str, str] | None = None) -> Response[bytes]:
    """An SP-API answer: every one carries an x-amzn-RequestId."""
    return json_response(status, body, {"x-amzn-RequestId": str(uuid.uuid4()), **(headers or {})})


def sp_api_error(status: int, code: str, message: str, details: str = "") -> Response[bytes]:
    return sp_api_response(status, SpApiErrors([SpApiError(code, message, details)]))


def lwa_response(status: int, body: object) -> Response[bytes]:
    """A token endpoint answer: tokens must never be cached."""
    return json_response(status, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})


async def fault_response(fault: Fault, target: FaultTarget) -> Response[bytes] | None:
    """What an armed fault makes of this call; None when the call then proceeds normally (after its latency)."""
    if fault.kind == "latency":
        await asyncio.sleep(fault.seconds)
        return None
    if fault.kind == "malformed":
        headers = {"x-amzn-RequestId": str(uuid.uuid4())} if target == "sp-api" else None
        return Response(content=_MALFORMED[target], status_code=200, media_type="application/json", headers=headers)
    if fault.kind == "throttle":
        status, message = 429, "The request was throttled."
    elif fault.kind == "timeout":
        await asyncio.sleep(fault.seconds)
        status, message = 504, "Endpoint request timed out."
    else:
        status, message = fault.status, "We encountered an internal error. Please try again."
    answer = _failure(target, status, message)
    if fault.retry_after is not None:
        answer.headers["Retry-After"] = f"{fault.retry_after:g}"
    return answer


def _failure(target: FaultTarget, status: int, message: str) -> Response[bytes]:
    if target == "lwa":
        error = "temporarily_unavailable" if status in (429, 503, 504) else _lwa_error_for(status)
        return lwa_response(status, OAuthError(error, message))
    if status == 429:
        return sp_api_error(429, "QuotaExceeded", QUOTA_EXCEEDED)
    return sp_api_error(status, _SP_API_ERROR_CODES.get(status, "InternalFailure"), message)


def _lwa_error_for(status: int) -> str:
    return "server_error" if status >= 500 else "invalid_request"
