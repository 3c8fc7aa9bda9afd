"""Driving the simulator over HTTP as a selling partner's browser, the ERP and an SP-API client would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.amazon_sim import CALLBACK_PATH, LOGIN_PATH, SELLER_APP, DefaultApp
from app.amazon_sim.catalog import OPERATIONS
from app.amazon_sim.contract import ContractViolation, validate_request, validate_response
from tests.integration.amazon_sim.page_reader import Page, read_page

PUBLIC_URL = "http://erp.example.test"
CALLBACK = PUBLIC_URL + CALLBACK_PATH
USER_AGENT = "AcmeERP/0.1 (Language=Python/3.11)"
CHECKBOX = "I authorize {} to access my Amazon selling account"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str


class Amazon:
    """The simulator as seen from outside: pages, the token endpoint, SP-API and the admin API."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    # Seller Central ------------------------------------------------------------------------------------------------

    def open_consent(self, host: str, app: DefaultApp = SELLER_APP, **params: str) -> httpx.Response:
        query = {"application_id": app.application_id, "state": "state-123", **params}
        return self.client.get(f"/central/{host}/apps/authorize/consent", params=query)

    def confirm_on(self, page_response: httpx.Response, account: str | None, *, tick: bool = True) -> httpx.Response:
        """Choose the account shown as `account` (its selling partner ID), tick the box if asked, press Confirm."""
        page = read_page(page_response.text)
        assert page.form_action is not None, page.text
        assert page.buttons == ["Confirm"]
        data = dict(page.hidden)
        if account is not None:
            assert page.account_field is not None
            assert account in page.account_choices.values(), page.account_choices
            data[page.account_field] = account
        if tick:
            ((name, value),) = page.checkboxes.values()
            data[name] = value
        return self.client.post(page.form_action.removeprefix(_root(self.client)), data=data)

    def authorize(
        self, host: str, seller: str, app: DefaultApp = SELLER_APP, state: str = "state-123", **params: str
    ) -> dict[str, str]:
        """The whole consent: open the page, log in as `seller`, tick, Confirm; returns the redirect's parameters."""
        page = self.open_consent(host, app, state=state, **params)
        assert page.status_code == 200, page.text
        answer = self.confirm_on(page, seller)
        assert answer.status_code == 302, answer.text
        if answer.headers["location"].startswith(PUBLIC_URL + LOGIN_PATH):
            # The website workflow's Log-in URI step (a draft app, or when switched on): the app signs its user in
            # and sends the browser back to amazon_callback_uri with its state.
            login = redirect_parameters(answer)
            back = {"redirect_uri": params.get("redirect_uri", CALLBACK), "amazon_state": login["amazon_state"]}
            callback = login["amazon_callback_uri"]
            if callback.startswith("/"):  # relative to the Central site, as Amazon sometimes sends it
                callback = f"/central/{host}{callback}"
            answer = self.client.get(callback, params={**back, "state": state, **_version(login)})
            assert answer.status_code == 302, answer.text
        return redirect_parameters(answer)

    # Login with Amazon ---------------------------------------------------------------------------------------------

    def exchange(
        self, code: str, /, app: DefaultApp = SELLER_APP, redirect_uri: str = CALLBACK, **overrides: str
    ) -> httpx.Response:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            **overrides,
        }
        return self.client.post("/auth/o2/token", data=form)

    def refresh(self, refresh_token: str, /, app: DefaultApp = SELLER_APP, **overrides: str) -> httpx.Response:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            **overrides,
        }
        return self.client.post("/auth/o2/token", data=form)

    def connect(self, host: str, seller: str, app: DefaultApp = SELLER_APP) -> Tokens:
        """Consent and code exchange: the tokens an ERP would store."""
        answer = self.exchange(self.authorize(host, seller, app)["spapi_oauth_code"], app)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Tokens(body["access_token"], body["refresh_token"])

    # SP-API --------------------------------------------------------------------------------------------------------

    def sp_api(
        self,
        host: str,
        operation_id: str,
        access_token: str | None,
        params: dict[str, str] | None = None,
        *,
        valid_request: bool = True,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Call an operation; the request is checked against the model first, and the JSON answer after."""
        operation = OPERATIONS[operation_id]
        query = {name: [value] for name, value in (params or {}).items()}
        if valid_request:
            validate_request(operation.model, operation_id, "GET", operation.path, query)
        else:
            with pytest.raises(ContractViolation):
                validate_request(operation.model, operation_id, "GET", operation.path, query)
        headers = {"user-agent": USER_AGENT}
        if access_token is not None:
            headers["x-amz-access-token"] = access_token
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        response = self.client.get(f"/sp/{host}{operation.path}", params=params, headers=headers, **extra)
        validate_response(operation.model, operation_id, response.status_code, response.json())
        return response

    # Admin ---------------------------------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        self.client.post("/_admin/clock", json={"advanceSeconds": seconds}).raise_for_status()

    def fault(self, target: str, kind: str, **options: Any) -> None:
        self.client.post("/_admin/faults", json={"target": target, "kind": kind, **options}).raise_for_status()

    def counters(self) -> dict[str, int]:
        response = self.client.get("/_admin/counters")
        response.raise_for_status()
        counters: dict[str, int] = response.json()["counters"]
        return counters

    def register_app(self, **fields: Any) -> None:
        base = {
            "applicationId": "amzn1.sp.solution.test-app",
            "clientId": "amzn1.application-oa2-client.test",
            "clientSecret": "amzn1.oa2-cs.v1.test-secret",
            "name": "Test App",
            "redirectUris": [CALLBACK],
            "loginUri": PUBLIC_URL + "/oauth/amazon/login",
        }
        self.client.post("/_admin/apps", json={**base, **fields}).raise_for_status()


TEST_APP = DefaultApp(
    application_id="amzn1.sp.solution.test-app",
    client_id="amzn1.application-oa2-client.test",
    client_secret="amzn1.oa2-cs.v1.test-secret",
    name="Test App",
)


def _version(login: dict[str, str]) -> dict[str, str]:
    return {"version": login["version"]} if "version" in login else {}


def redirect_parameters(answer: httpx.Response) -> dict[str, str]:
    """The query parameters of a redirect's Location, one value each."""
    query = parse_qs(urlsplit(answer.headers["location"]).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


def page_of(response: httpx.Response) -> Page:
    assert response.headers["content-type"].startswith("text/html")
    return read_page(response.text)


def error_of(response: httpx.Response) -> dict[str, str]:
    """An SP-API error list's single error."""
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    error: dict[str, str] = errors[0]
    return error


def _root(client: httpx.Client) -> str:
    return client.base_url.path.rstrip("/")
