"""Seller and Vendor Central pages at /central/{host}/apps/…: consent, confirm, Re-Authorize and its callback."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath

from app.amazon_sim.authorization import (
    ConsentError,
    ConsentRequest,
    accounts_for,
    check_appstore,
    check_consent,
    confirm_appstore,
    confirm_website,
    finish_login_step,
    finish_renewal,
    is_login_step,
    resume_renewal,
    start_renewal,
)
from app.amazon_sim.pages import consent_page, error_page
from app.amazon_sim.records import SellerAccount
from app.amazon_sim.state import SimulatorState

NOT_TICKED = "To continue, tick the box to authorize the app, then click Confirm."


class ConsentController(Controller):
    path = "/central/{host:str}/apps"

    @get("/authorize/consent", operation_id="showConsent")
    async def show_consent(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[str]:
        """The consent page: choose the account to sign in as, tick "I authorize …", Confirm."""
        query = request.query_params
        try:
            consent = check_consent(
                sim,
                host,
                query.get("application_id"),
                query.get("state"),
                query.get("redirect_uri"),
                query.get("version"),
            )
        except ConsentError as error:
            return _error(host, error)
        sim.count("consent.view")
        return _consent_form(sim, request, consent, renewing=None, amazon_state=None)

    @get("/appstore/authorize", operation_id="authorizeFromAppstore")
    async def appstore(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[str]:
        """Authorize now, from the app's Appstore page: the consent page, then the app's Log-in URI."""
        query = request.query_params
        try:
            consent = check_appstore(sim, host, query.get("application_id"), query.get("version"))
        except ConsentError as error:
            return _error(host, error)
        sim.count("consent.view")
        return _consent_form(sim, request, consent, renewing=None, amazon_state=None, appstore=True)

    @post("/authorize/confirm", operation_id="confirmConsent", status_code=302)
    async def confirm_consent(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[str]:
        """Confirm: without the box ticked, the page again; with it, a code and a redirect to the app."""
        form = _form_fields(await request.body())
        state, redirect_uri, amazon_state = form.get("state"), form.get("redirect_uri"), form.get("amazon_state")
        ticked = bool(form.get("authorize"))
        try:
            version = form.get("version")
            if form.get("appstore"):
                consent = check_appstore(sim, host, form.get("application_id"), version)
                if not ticked:
                    return _consent_form(
                        sim, request, consent, renewing=None, amazon_state=None, error=True, appstore=True
                    )
                spid = form.get("selling_partner_id")
                location = confirm_appstore(sim, consent, spid, _callback_url(request, host))
            elif amazon_state:
                renewal, seller = resume_renewal(sim, host, amazon_state, state, redirect_uri, version)
                if not ticked:
                    return _consent_form(sim, request, renewal, renewing=seller, amazon_state=amazon_state, error=True)
                spid = form.get("selling_partner_id")
                location = finish_renewal(sim, host, amazon_state, state, redirect_uri, spid, version)
            else:
                consent = check_consent(sim, host, form.get("application_id"), state, redirect_uri, version)
                if not ticked:
                    return _consent_form(sim, request, consent, renewing=None, amazon_state=None, error=True)
                location = confirm_website(sim, consent, form.get("selling_partner_id"), _callback_url(request, host))
        except ConsentError as error:
            return _error(host, error)
        sim.count("consent.confirm")
        return _redirect(location)

    @get("/manage/reauthorize", operation_id="reauthorizeApp")
    async def reauthorize(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[str]:
        """Manage Your Apps → Re-Authorize: off to the app's Log-in URI with amazon_callback_uri and amazon_state."""
        callback = _callback_url(request, host)
        query = request.query_params
        try:
            location = start_renewal(sim, host, query.get("application_id"), query.get("selling_partner_id"), callback)
        except ConsentError as error:
            return _error(host, error)
        sim.count("consent.renewal")
        return _redirect(location)

    @get("/authorize/callback", operation_id="renewalCallback")
    async def renewal_callback(
        self, sim: NamedDependency[SimulatorState], request: Request[Any, Any, Any], host: FromPath[str]
    ) -> Response[str]:
        """The amazon_callback_uri: the app signed its user in. After the website consent, the code at once; for a
        renewal, the consent page for the remembered account."""
        query = request.query_params
        amazon_state = query.get("amazon_state")
        state, redirect_uri, version = query.get("state"), query.get("redirect_uri"), query.get("version")
        try:
            if is_login_step(sim, amazon_state):
                location = finish_login_step(sim, host, amazon_state, state, redirect_uri, version)
                sim.count("consent.confirm")
                return _redirect(location)
            consent, seller = resume_renewal(sim, host, amazon_state, state, redirect_uri, version)
        except ConsentError as error:
            return _error(host, error)
        sim.count("consent.view")
        return _consent_form(sim, request, consent, renewing=seller, amazon_state=amazon_state)


def _consent_form(
    sim: SimulatorState,
    request: Request[Any, Any, Any],
    consent: ConsentRequest,
    *,
    renewing: SellerAccount | None,
    amazon_state: str | None,
    error: bool = False,
    appstore: bool = False,
) -> Response[str]:
    """The consent page; its form posts back to this simulator, wherever it is mounted."""
    root = request.scope.get("root_path", "")
    hidden = {"state": consent.state, "redirect_uri": consent.redirect_uri}
    if appstore:
        hidden = {"appstore": "1", "application_id": consent.app.application_id}
    elif amazon_state:
        hidden["amazon_state"] = amazon_state
    else:
        hidden["application_id"] = consent.app.application_id
    if consent.version:
        hidden["version"] = consent.version
    page = consent_page(
        action=f"{root}/central/{consent.host}/apps/authorize/confirm",
        request=consent,
        accounts=accounts_for(sim, consent.central),
        renewing=renewing,
        hidden=hidden,
        error=NOT_TICKED if error else None,
    )
    return _html(400 if error else 200, page)


def _callback_url(request: Request[Any, Any, Any], host: str) -> str:
    """amazon_callback_uri: this Central site's page that takes the browser back after the app's Log-in URI."""
    return f"{str(request.base_url).rstrip('/')}/central/{host}/apps/authorize/callback"


def _form_fields(body: bytes) -> dict[str, str]:
    """A url-encoded form's fields, each with its first value."""
    fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(reversed(fields))


def _error(host: str, error: ConsentError) -> Response[str]:
    return _html(error.status, error_page(host=host, message=error.message, code=error.code))


def _html(status: int, page: str) -> Response[str]:
    return Response(page, status_code=status, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})


def _redirect(location: str) -> Response[str]:
    headers = {"Location": location, "Cache-Control": "no-store"}
    return Response("", status_code=302, media_type=MediaType.TEXT, headers=headers)
