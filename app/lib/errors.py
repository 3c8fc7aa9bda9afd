"""The domain's exception hierarchy; services raise these and know nothing of HTTP."""

from __future__ import annotations

from collections.abc import Mapping

from app.lib.i18n import ENGLISH, Phrase


class DomainError(Exception):
    """Base of every error a service raises on purpose; `code` is stable, `message` is for people.

    A message given as a phrase (app.lib.i18n.phrase) is answered in the reader's language; `message` is its
    English text (for logs and everyone else).
    """

    code = "error"

    def __init__(
        self, message: str | Phrase, *, code: str | None = None, fields: Mapping[str, str] | None = None
    ) -> None:
        self.phrase = message if isinstance(message, Phrase) else None
        self.message = ENGLISH.text([message]) if isinstance(message, Phrase) else message
        super().__init__(self.message)
        if code is not None:
            self.code = code
        self.fields: dict[str, str] = dict(fields or {})


class BadInput(DomainError):
    """The request itself is malformed (a value of the wrong shape or outside the catalogue)."""

    code = "bad_input"


class NotFound(DomainError):
    """The thing does not exist, or is outside what the caller may see."""

    code = "not_found"


class Conflict(DomainError):
    """The request collides with the current state (a taken code, a stale version, a unified member)."""

    code = "conflict"


class UnsupportedMediaType(DomainError):
    """The body is not JSON."""

    code = "unsupported_media_type"


class Gone(DomainError):
    """The thing existed but is over (an expired or closed draft)."""

    code = "gone"


class PreconditionRequired(DomainError):
    """A concurrency precondition (If-Match) is missing."""

    code = "precondition_required"


class RuleViolation(DomainError):
    """Well-formed input that breaks a domain rule (a cycle, a region without a connection)."""

    code = "rule_violation"


class NotAuthenticated(DomainError):
    """No valid session."""

    code = "not_authenticated"


class PermissionDenied(DomainError):
    """Signed in, but the role does not allow the action."""

    code = "permission_denied"


class TooManyRequests(DomainError):
    """An abuse limit was hit; retry_after says when to come back."""

    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class AmazonError(DomainError):
    """Amazon answered, or failed to; the base of every error about Amazon."""

    code = "amazon_error"


class AmazonRefused(AmazonError):
    """Login with Amazon refused a request: `lwa_error` is Amazon's code, `grant` what it refused (code/refresh)."""

    code = "amazon_refused"

    def __init__(self, message: str, *, lwa_error: str, grant: str | None = None) -> None:
        super().__init__(message, code=lwa_error)
        self.lwa_error = lwa_error
        self.grant = grant


class AuthorizationCodeRefused(BadInput, AmazonRefused):
    """LWA refused an authorization code (invalid_grant): it came back after its 5 minutes, or was used already.

    Amazon works; the user was slow or the page was reloaded. So a 400 (BadInput comes first in the MRO) asking to
    get the token again, never a 502, which says Amazon failed.
    """

    code = "authorization_code_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, lwa_error="invalid_grant", grant="code")
        self.code = type(self).code


class SpApiDenied(AmazonError):
    """SP-API answered 403; `expired` tells an expired access token from a refusal (wrong region or role)."""

    code = "sp_api_denied"

    def __init__(self, message: str, *, expired: bool) -> None:
        super().__init__(message)
        self.expired = expired


class AmazonUnavailable(AmazonError):
    """Amazon failed transiently (5xx, throttling, malformed answer); retry later, after `retry_after` if known."""

    code = "amazon_unavailable"

    def __init__(self, message: str, *, retry_after: float | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class AmazonTimeout(AmazonUnavailable):
    """Amazon did not answer in time."""

    code = "amazon_timeout"
