"""Amazon's redirect URI and Log-in URI: small HTML pages that never leak a code or state and never get cached."""

from __future__ import annotations

import hmac
import html
import json
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, QueryParameter
from litestar.response import Redirect

from app.accounts.auth import SESSION_COOKIE
from app.accounts.schemas import ActiveSession
from app.amazon.consent_link_pages import (
    BROWSER_COOKIE,
    done_page,
    failure_page,
    holder_login_continue,
    holder_login_page,
)
from app.amazon.html_pages import SELLING_PARTNER_ID, html_page, same_site
from app.amazon.login_uri import LoginPlan
from app.audit.service import Actor
from app.lib.errors import DomainError
from app.lib.http import status_of
from app.lib.i18n import Translator, reader_language
from app.lib.safety import origin_of
from app.services import Services

_TOKEN = Annotated[str | None, QueryParameter(max_length=2048, pattern=r"^[!-~]*$")]


class RenewalConfirmation(msgspec.Struct):
    """The confirmation page's form: Amazon's Log-in URI parameters and the session's CSRF token."""

    amazon_callback_uri: str = ""
    amazon_state: str = ""
    selling_partner_id: str = ""
    csrf_token: str = ""
    version: str = ""
    company_code: str = ""  # for a seller new here: the company the admin names


def _html_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the HTML pages these endpoints answer with (the message is in the page)."""
    return {
        # No generated example: Litestar would make up a random string for each, a new one at every start.
        status: ResponseSpec(
            data_container=str,
            media_type=MediaType.HTML,
            description=_PAGE_DESCRIPTIONS[status],
            generate_examples=False,
        )
        for status in statuses
    }


_PAGE_DESCRIPTIONS = {
    400: "Incomplete or unreadable parameters, an unknown, used or expired state, a code Amazon refused as late or "
    "used already, or a callback that is not Amazon's",
    401: "Not signed in",
    403: "Not an admin, or the confirmation did not come from this site with the session's CSRF token",
    404: "No company in your scope is connected to this selling partner",
    409: "Several companies use the selling partner, or the company is a unified member",
    410: "The draft the token was meant for is no longer open",
    422: "A rule of the draft or the app credentials prevents it",
    429: "Too many token actions",
    502: "Amazon refused the request (the app's credentials, for one)",
    503: "Amazon is unavailable",
    504: "Amazon did not answer in time",
}


def _failure(error: DomainError, t: Translator) -> Response[str]:
    status = status_of(error)
    back, nothing = t.gettext("Back to the settings"), t.gettext("Nothing was stored.")
    body = f'<p>{html.escape(error.message)}</p><p><a href="/">{html.escape(back)}</a></p><p>{html.escape(nothing)}</p>'
    return _page(t, t.gettext("The Amazon token could not be received"), body, status)


def _page(
    t: Translator, title: str, body: str, status: int, script: str | None = None, form_action: str = "'none'"
) -> Response[str]:
    return html_page(title, body, status, script, form_action=form_action, lang=t.language)


def _translator(request: Request[Any, Any, Any], session: ActiveSession | None) -> Translator:
    """The signed-in admin's language, else the browser's."""
    chosen = session.user.language if session else None
    return Translator(reader_language(chosen, request.headers.get("accept-language")))


async def _session(services: Services, request: Request[Any, Any, Any]) -> ActiveSession | None:
    result: ActiveSession | None = await services.accounts.authenticate(request.cookies.get(SESSION_COOKIE))
    return result


def _actor(request: Request[Any, Any, Any], session: ActiveSession | None) -> Actor:
    client = request.client.host if request.client else None
    if session is None:
        return Actor(user_id=None, name="anonymous", ip=client)
    return Actor(
        user_id=session.user.id,
        name=session.user.display_name,
        ip=client,
        user_agent=(request.headers.get("user-agent") or "")[:300] or None,
    )


class OAuthPagesController(Controller):
    path = "/oauth/amazon"
    tags = ["oauth"]

    @get(
        "/callback",
        operation_id="amazonCallback",
        exclude_from_auth=True,
        media_type=MediaType.HTML,
        responses=_html_responses(400, 404, 409, 410, 422, 429, 502, 503, 504),
    )
    async def callback(
        self,
        services: NamedDependency[Services],
        request: Request[Any, Any, Any],
        oauth_state: Annotated[str | None, QueryParameter(name="state", max_length=2048, pattern=r"^[!-~]*$")] = None,
        selling_partner_id: _TOKEN = None,
        spapi_oauth_code: _TOKEN = None,
    ) -> Response[str]:
        """Amazon's redirect after consent: the new token waits in the draft until Save."""
        session = await _session(services, request)
        t = _translator(request, session)
        if not oauth_state or not selling_partner_id or not spapi_oauth_code:
            return _page(
                t,
                t.gettext("Amazon did not send a token"),
                "<p>"
                + html.escape(
                    t.gettext(
                        "The answer from Amazon was incomplete (the consent was perhaps cancelled). Nothing was stored."
                    )
                )
                + "</p>",
                400,
            )
        if not SELLING_PARTNER_ID.fullmatch(selling_partner_id):
            return _unreadable_seller(t)
        # The account holder's browser, when the flow began at an e-mailed link (app/amazon/consent_link_pages.py).
        browser = request.cookies.get(BROWSER_COOKIE)
        try:
            received = await services.oauth.complete(
                oauth_state, selling_partner_id, spapi_oauth_code, session, _actor(request, session), browser=browser
            )
        except DomainError as error:
            holder_language = None if session else await services.consent_link_holders.language_of_browser(browser)
            return failure_page(error, holder_language) if holder_language else _failure(error, t)
        if received.holder is not None:
            return done_page(received)
        grant = received.grant
        back = f"/companies/{received.company.id}/amazon?edit={received.edit_id}"
        message = {
            "type": "amazon-token",
            "editId": str(received.edit_id),
            "companyId": received.company.id,
            "region": grant.region.value,
            "sellingPartnerId": grant.selling_partner_id,
            "sellerChanged": grant.seller_changed,
        }
        payload = json.dumps({"message": message, "back": back}).replace("<", "\\u003c")
        script = (
            f"const r={payload};"
            "if(window.opener&&!window.opener.closed){window.opener.postMessage(r.message,window.location.origin);"
            "window.close();}else{window.location.replace(r.back);}"
        )
        verdict = ""
        if grant.verdict is not None:
            confirm = " " + t.gettext("Save asks you to confirm it.") if grant.verdict.needs_confirmation else ""
            verdict = f"<p>{html.escape(grant.verdict.message)}{html.escape(confirm)}</p>"
        received_text = t.gettext(
            "New token for {region} (seller {seller}) received — Save to store it.",
            region=grant.region.value,
            seller=grant.selling_partner_id,
        )
        body = (
            f"<p>{html.escape(received_text)}</p>{verdict}"
            f'<p><a href="{html.escape(back)}">{html.escape(t.gettext("Back to the draft"))}</a></p>'
        )
        return _page(t, t.gettext("Amazon token received"), body, 200, script)

    @get(
        "/login",
        operation_id="amazonLogin",
        exclude_from_auth=True,
        media_type=MediaType.HTML,
        responses={
            302: ResponseSpec(data_container=None, description="Not signed in: to the sign-in page, then back here"),
            **_html_responses(400, 403, 404, 409, 422, 429),
        },
    )
    async def login(
        self,
        services: NamedDependency[Services],
        request: Request[Any, Any, Any],
        amazon_callback_uri: Annotated[str | None, QueryParameter(max_length=2048)] = None,
        amazon_state: _TOKEN = None,
        selling_partner_id: _TOKEN = None,
        version: Annotated[str | None, QueryParameter(max_length=16)] = None,
    ) -> Response[Any]:
        """Amazon's Log-in URI: sign in if needed, then ask the user to confirm; a GET never writes anything."""
        if not amazon_callback_uri or not amazon_state or not selling_partner_id:
            return _incomplete_login(_translator(request, None))
        if not SELLING_PARTNER_ID.fullmatch(selling_partner_id):
            return _unreadable_seller(_translator(request, None))
        session = await _session(services, request)
        if session is None:
            # The account holder's browser, inside the consent an e-mailed link started: no ERP sign-in.
            held = await holder_login_page(
                services, request, amazon_callback_uri, amazon_state, selling_partner_id, version == "beta"
            )
            if held is not None:
                return held
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return Redirect(
                f"/login?next={quote(here, safe='')}",
                status_code=302,
                headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"},
            )
        t = _translator(request, session)
        try:
            plan = await services.login_uri.plan(
                amazon_callback_uri, amazon_state, selling_partner_id, session, beta=version == "beta"
            )
        except DomainError as error:
            return _failure(error, t)
        return _confirmation(plan, amazon_callback_uri, session.csrf_token, t)

    @post(
        "/login",
        operation_id="continueAmazonLogin",
        exclude_from_auth=True,
        status_code=303,
        media_type=MediaType.HTML,
        responses=_html_responses(400, 401, 403, 404, 409, 410, 422, 429),
    )
    async def continue_login(
        self,
        services: NamedDependency[Services],
        request: Request[Any, Any, Any],
        data: Annotated[RenewalConfirmation, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """The user confirmed (a same-site form with the session's CSRF token): continue at Amazon."""
        session = await _session(services, request)
        if session is None:
            held = await holder_login_continue(
                services, request, data.amazon_callback_uri, data.amazon_state, data.selling_partner_id, data.version
            )
            if held is not None:
                return held
        t = _translator(request, session)
        if session is None:
            ended = t.gettext("Your session has ended. Start the authorization again at Amazon.")
            return _page(
                t,
                t.gettext("Sign in first"),
                f'<p>{html.escape(ended)}</p><p><a href="/">{html.escape(t.gettext("Sign in"))}</a></p>',
                401,
            )
        if not same_site(request) or not hmac.compare_digest(data.csrf_token.encode(), session.csrf_token.encode()):
            refused = t.gettext("This confirmation did not come from this site's own page. Nothing was done.")
            return _page(t, t.gettext("Request refused"), f"<p>{html.escape(refused)}</p>", 403)
        callback_uri, amazon_state, seller = data.amazon_callback_uri, data.amazon_state, data.selling_partner_id
        if not callback_uri or not amazon_state or not seller or len(callback_uri) > 2048 or len(amazon_state) > 2048:
            return _incomplete_login(t)
        if not SELLING_PARTNER_ID.fullmatch(seller):
            return _unreadable_seller(t)
        try:
            plan = await services.login_uri.plan(
                callback_uri, amazon_state, seller, session, beta=data.version == "beta"
            )
            target = await services.login_uri.carry_out(
                plan, session, _actor(request, session), company_code=data.company_code[:64]
            )
        except DomainError as error:
            return _failure(error, t)
        return Redirect(
            target, status_code=303, headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
        )


def _incomplete_login(t: Translator) -> Response[str]:
    lacked = t.gettext("Amazon's request lacked a parameter. Start the authorization again at Amazon.")
    return _page(t, t.gettext("Incomplete request from Amazon"), f"<p>{html.escape(lacked)}</p>", 400)


def _unreadable_seller(t: Translator) -> Response[str]:
    unreadable = t.gettext("The selling partner ID in Amazon's answer is not one we can read. Nothing was stored.")
    return _page(t, t.gettext("Amazon did not send a token"), f"<p>{html.escape(unreadable)}</p>", 400)


def _confirmation(plan: LoginPlan, amazon_callback_uri: str, csrf_token: str, t: Translator) -> Response[str]:
    """ "Continue …?": the button POSTs the same parameters with the session's CSRF token (and, for a seller new
    here, the company the admin names)."""
    fields = {
        "amazon_callback_uri": amazon_callback_uri,
        "amazon_state": plan.amazon_state,
        "selling_partner_id": plan.selling_partner_id,
        "csrf_token": csrf_token,
        **({"version": "beta"} if plan.beta else {}),
    }
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">' for name, value in fields.items()
    )
    account = (
        t.gettext("vendor account {seller}", seller=plan.selling_partner_id)
        if plan.account_type == "vendor"
        else t.gettext("seller account {seller}", seller=plan.selling_partner_id)
    )
    names = {"account": account, "region": plan.region.value, "company": plan.company.code if plan.company else ""}
    waits = t.gettext("The new token will wait in your draft of the company's settings until you Save it.")
    if plan.kind == "continue":
        title = t.gettext("Continue connecting {company} for {region}?", **names)
        intro = t.gettext("Amazon confirmed your consent for {account}.", **names)
        choice = ""
    elif plan.kind == "renewal":
        title = t.gettext("Continue renewing the Amazon authorization of {company} for {region}?", **names)
        intro = t.gettext("Amazon asks to renew the authorization of {account}.", **names)
        choice = ""
    else:
        title = t.gettext("Connect Amazon {account} for {region}?", **names)
        intro = t.gettext(
            "Amazon asks to authorize this app for {account}, which no company of yours uses yet. Name the company "
            "(its account owner) this account is for.",
            **names,
        )
        label = html.escape(t.gettext("Company code"))
        choice = (
            f'<p><label for="company_code">{label}</label> '
            '<input id="company_code" name="company_code" required maxlength="32" autocomplete="off"></p>'
        )
    button, cancel = html.escape(t.gettext("Continue at Amazon")), html.escape(t.gettext("Cancel"))
    body = (
        f'<p>{html.escape(intro)} {html.escape(waits)}</p><form method="post" action="/oauth/amazon/login">'
        f'{hidden}{choice}<button type=submit>{button}</button> <a href="/">{cancel}</a></form>'
    )
    # The form's answer redirects to Amazon's page: the browser checks that redirect against form-action too.
    return _page(t, title, body, 200, form_action=f"'self' {origin_of(plan.callback)}")
