"""Seller Central's consent rules: which app, which redirect URI, which accounts, and renewals via the Log-in URI."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.amazon_sim.catalog import CONSENT_HOSTS, ConsentHost
from app.amazon_sim.grants import issue_code
from app.amazon_sim.records import App, Renewal, SellerAccount
from app.amazon_sim.state import SimulatorState


class ConsentError(Exception):
    """A problem Seller Central shows on an error page instead of the consent form."""

    def __init__(self, message: str, code: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """A checked consent request: the page may be shown and confirmed."""

    host: str
    central: ConsentHost
    app: App
    redirect_uri: str
    state: str
    version: str | None


def consent_host(host: str) -> ConsentHost:
    central = CONSENT_HOSTS.get(host)
    if central is None:
        raise ConsentError(f"{host} is not an Amazon Seller Central or Vendor Central host.", status=404)
    return central


def check_consent(
    sim: SimulatorState,
    host: str,
    application_id: str | None,
    state: str | None,
    redirect_uri: str | None,
    version: str | None,
) -> ConsentRequest:
    """Check a consent URL's parameters in the order Seller Central reports them."""
    central = consent_host(host)
    app = _known_app(sim, application_id)
    return _request(host, central, app, state, redirect_uri, version or None)


def accounts_for(sim: SimulatorState, central: ConsentHost) -> list[SellerAccount]:
    """The accounts a person may log in as on this host: those of its account type, its own region's first.

    The consent URL cannot pin the region, so an account of another region may log in (and its token will then be
    refused by this region's SP-API endpoint): that is how a wrong-region login happens.
    """
    accounts = [seller for seller in sim.sellers.values() if seller.account_type == central.account_type]
    return sorted(accounts, key=lambda seller: seller.region != central.region)


def confirm(sim: SimulatorState, request: ConsentRequest, selling_partner_id: str | None) -> str:
    """The partner confirmed: issue the code and return where the browser goes next."""
    seller = _account_on_host(sim, request.central, selling_partner_id)
    code = issue_code(sim, request.app, request.redirect_uri, seller)
    return with_query(
        request.redirect_uri,
        [("state", request.state), ("selling_partner_id", seller.selling_partner_id), ("spapi_oauth_code", code)],
    )


def confirm_website(
    sim: SimulatorState, request: ConsentRequest, selling_partner_id: str | None, callback_url: str
) -> str:
    """The partner confirmed the website workflow's consent: the code at once, or first the app's Log-in URI.

    With the Log-in URI step (LoginBehaviour), Amazon sends the browser to the app's Log-in URI with
    amazon_callback_uri, amazon_state and selling_partner_id (and version=beta for a draft app); the code is issued
    only when the app sends the browser back to amazon_callback_uri (`finish_login_step`).
    """
    if not sim.login_behaviour.login_step_for(request.app) or not request.app.login_uri:
        return confirm(sim, request, selling_partner_id)
    return confirm_appstore(sim, request, selling_partner_id, callback_url)


def check_appstore(sim: SimulatorState, host: str, application_id: str | None, version: str | None) -> ConsentRequest:
    """Authorize now, in Amazon's Appstore: the consent comes first, with no state of the app's yet."""
    central = consent_host(host)
    app = _known_app(sim, application_id)
    if not app.login_uri:
        raise ConsentError(f"{app.name} has no Log-in URI: it cannot be authorized from the Appstore.")
    if app.draft and version != "beta":
        raise ConsentError(f"{app.name} is in Draft: its authorization URL must include version=beta.", "MD1000")
    return ConsentRequest(host, central, app, app.redirect_uris[0] if app.redirect_uris else "", "", version)


def confirm_appstore(
    sim: SimulatorState, request: ConsentRequest, selling_partner_id: str | None, callback_url: str
) -> str:
    """The partner confirmed in the Appstore: always on to the app's Log-in URI, the code after it."""
    seller = _account_on_host(sim, request.central, selling_partner_id)
    amazon_state = secrets.token_urlsafe(24)
    sim.renewals[amazon_state] = Renewal(
        request.app.application_id, seller.selling_partner_id, request.host, sim.clock.now(), consented=True
    )
    return _to_login_uri(sim, request.app, seller, amazon_state, callback_url)


def finish_login_step(
    sim: SimulatorState,
    host: str,
    amazon_state: str | None,
    state: str | None,
    redirect_uri: str | None,
    version: str | None,
) -> str:
    """The app came back from its Log-in URI inside the website workflow: the code, for the consenting account."""
    renewal = sim.renewals.get(amazon_state) if amazon_state else None
    if (
        amazon_state is None
        or renewal is None
        or not renewal.consented
        or renewal.host != host
        or renewal.expired(sim.clock.now())
    ):
        raise ConsentError("This authorization link is unknown or has expired. Start again from the app.")
    central = consent_host(host)
    request = _request(host, central, _known_app(sim, renewal.application_id), state, redirect_uri, version)
    del sim.renewals[amazon_state]
    return confirm(sim, request, renewal.selling_partner_id)


def is_login_step(sim: SimulatorState, amazon_state: str | None) -> bool:
    renewal = sim.renewals.get(amazon_state) if amazon_state else None
    return renewal is not None and renewal.consented


def _to_login_uri(sim: SimulatorState, app: App, seller: SellerAccount, amazon_state: str, callback_url: str) -> str:
    if sim.login_behaviour.relative_callback_uri:
        # Seen now and then: a path relative to the Central site, which the app must resolve itself.
        callback_url = "/apps/" + callback_url.split("/apps/", 1)[1]
    params = [
        ("amazon_callback_uri", callback_url),
        ("amazon_state", amazon_state),
        ("selling_partner_id", seller.selling_partner_id),
    ]
    return with_query(app.login_uri or "", params + ([("version", "beta")] if app.draft else []))


def start_renewal(
    sim: SimulatorState, host: str, application_id: str | None, selling_partner_id: str | None, callback_url: str
) -> str:
    """Re-Authorize in Manage Your Apps: remember an amazon_state and send the browser to the app's Log-in URI."""
    central = consent_host(host)
    app = _known_app(sim, application_id)
    seller = _account_on_host(sim, central, selling_partner_id)
    authorization = sim.authorizations.get((app.application_id, seller.selling_partner_id))
    if authorization is None or authorization.revoked or authorization.expired(sim.clock.now()):
        raise ConsentError(f"{app.name} has no current authorization to renew; authorize it again from the app.")
    if not app.login_uri:
        raise ConsentError(f"{app.name} has no Log-in URI.")
    amazon_state = secrets.token_urlsafe(24)
    sim.renewals[amazon_state] = Renewal(app.application_id, seller.selling_partner_id, host, sim.clock.now())
    return _to_login_uri(sim, app, seller, amazon_state, callback_url)


def resume_renewal(
    sim: SimulatorState,
    host: str,
    amazon_state: str | None,
    state: str | None,
    redirect_uri: str | None,
    version: str | None,
) -> tuple[ConsentRequest, SellerAccount]:
    """The app came back to amazon_callback_uri: the consent request and the account that is renewing."""
    renewal = sim.renewals.get(amazon_state) if amazon_state else None
    if renewal is None or renewal.consented or renewal.host != host or renewal.expired(sim.clock.now()):
        raise ConsentError("This renewal link is unknown or has expired. Start again from Manage Your Apps.")
    central = consent_host(host)
    app = _known_app(sim, renewal.application_id)
    request = _request(host, central, app, state, redirect_uri, version)
    return request, _account_on_host(sim, central, renewal.selling_partner_id)


def finish_renewal(
    sim: SimulatorState,
    host: str,
    amazon_state: str,
    state: str | None,
    redirect_uri: str | None,
    selling_partner_id: str | None,
    version: str | None,
) -> str:
    """Confirm a renewal for the account that started it; its amazon_state works once."""
    request, seller = resume_renewal(sim, host, amazon_state, state, redirect_uri, version)
    if selling_partner_id != seller.selling_partner_id:
        raise ConsentError("This renewal belongs to another account.")
    del sim.renewals[amazon_state]
    return confirm(sim, request, seller.selling_partner_id)


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    """The URL with these query parameters added after the ones it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + params
    return urlunsplit(parts._replace(query=urlencode(query)))


def _known_app(sim: SimulatorState, application_id: str | None) -> App:
    app = sim.app_by_application_id(application_id) if application_id else None
    if app is None:
        raise ConsentError("We could not find the application you are trying to authorize. Check its application_id.")
    return app


def _request(
    host: str, central: ConsentHost, app: App, state: str | None, redirect_uri: str | None, version: str | None
) -> ConsentRequest:
    if app.draft and version != "beta":
        # Without it Amazon would authorize the published app, which a draft app does not have.
        raise ConsentError(f"{app.name} is in Draft: its authorization URL must include version=beta.", "MD1000")
    if not app.redirect_uris:
        raise ConsentError(f"{app.name} has no registered redirect URI.", "MD5101")
    chosen = app.redirect_uris[0] if redirect_uri is None else redirect_uri
    if "#" in chosen:
        raise ConsentError("The redirect_uri must not contain a fragment (#).", "MD5110")
    if chosen not in app.redirect_uris:
        raise ConsentError(f"The redirect_uri is not one registered for {app.name}.", "MD5101")
    if not state:
        raise ConsentError("The authorization request has no state parameter.")
    return ConsentRequest(host, central, app, chosen, state, version)


def _account_on_host(sim: SimulatorState, central: ConsentHost, selling_partner_id: str | None) -> SellerAccount:
    seller = sim.sellers.get(selling_partner_id) if selling_partner_id else None
    if seller is None or seller.account_type != central.account_type:
        raise ConsentError(f"Choose one of your {central.account_type} accounts.")
    return seller
