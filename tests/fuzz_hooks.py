"""Schemathesis hooks for the API fuzz test: sign in as the fuzz admin, aim cases at its own open drafts and real
records, and count per operation how many cases got past validation.

Aiming: a path parameter, header, query or body field that Schemathesis generated as valid (positive) is replaced,
in 7 cases of 8, by a real one the fuzz admin may use: its open draft of the fuzz company (begun again when Save or
Cancel closed it), the draft's consent link and the token mailed with it, the settings version as If-Match, the
draft's latest revision, a company, a user to deactivate, a running bulk test, a notification, Amazon's callback
address for the Log-in URI. Negative values and the 8th case stay as generated, so unknown IDs and malformed input
are still fuzzed. Every case sent with its operation's method is written to FUZZ_REPORT as "<operation>\t<status>".
"""

from __future__ import annotations

import os
import random
import re
import uuid
from collections import Counter
from typing import Any

import httpx
import schemathesis

AIMED_SHARE = 7 / 8
_random = random.Random(20261123)  # which cases are aimed, the same in every run
# The e-mailed links are limited per admin (30 an hour) and per company and region (5 an hour), refused attempts
# counted too: the cases that send or resend a link, or that use one up (withdraw, open) so that the hooks send the
# next, are aimed only this often, so that each of these operations gets its share.
AIM_LIMITS = {
    "POST /api/edits/{edit_id}/regions/{region}/consent-links": 6,
    "POST /api/edits/{edit_id}/consent-links/{link_id}/resend": 4,
    "DELETE /api/edits/{edit_id}/consent-links/{link_id}": 4,
    "POST /oauth/amazon/consent": 4,
}
_aimed: Counter[str] = Counter()
_CONSENT_TOKEN = re.compile(r"/oauth/amazon/consent/([A-Za-z0-9_-]{43})")


def _login() -> httpx.Response:
    response = httpx.post(
        f"{os.environ['FUZZ_BASE_URL']}/api/auth/login",
        json={"username": os.environ["FUZZ_USERNAME"], "password": os.environ["FUZZ_PASSWORD"]},
        timeout=30,
    )
    response.raise_for_status()
    return response


@schemathesis.auth()
class SessionAuth:
    """Signs in once (and again when Schemathesis refreshes auth) through the real login endpoint."""

    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        response = _login()
        return {"session": response.cookies["erp_session"], "csrf": response.json()["csrfToken"]}

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        case.cookies = {**(case.cookies or {}), "erp_session": data["session"]}
        case.headers = {**(case.headers or {}), "X-CSRF-Token": data["csrf"]}


class Records:
    """The fuzz admin's real drafts, links and records, made through the API in a session of its own and kept up to
    date from the answers the cases get, so that aiming a case rarely costs a request."""

    def __init__(self) -> None:
        self._http: httpx.Client | None = None
        self.company_id = int(os.environ["FUZZ_COMPANY_ID"])
        # The e-mailed links of another owner: the server allows 5 links per company and region an hour, so the links
        # the hooks send (to resend, withdraw and open them) leave the fuzz company's to the cases that send one.
        self.link_company_id = int(os.environ["FUZZ_LINK_COMPANY_ID"])
        self.companies = [int(c) for c in os.environ["FUZZ_COMPANY_IDS"].split(",")]
        self.victim_id = int(os.environ["FUZZ_VICTIM_ID"])
        self._drafts: dict[int, dict[str, Any]] = {}
        self._credentials: dict[str, Any] | None = None
        self._link: tuple[int, str] | None = None
        self._regions = ["NA", "EU", "FE"]
        self._run: int | None = None
        self._notification: int | None = None

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            login = _login()
            self._http = httpx.Client(
                base_url=os.environ["FUZZ_BASE_URL"],
                timeout=30,
                cookies={"erp_session": login.cookies["erp_session"]},
                headers={"X-CSRF-Token": login.json()["csrfToken"]},
            )
        return self._http

    def draft(self, company_id: int | None = None) -> dict[str, Any]:
        """The fuzz admin's open draft of the fuzz company (or another), begun (or found) when none is known."""
        company_id = company_id or self.company_id
        if company_id not in self._drafts:
            response = self.http.post(f"/api/companies/{company_id}/amazon/edits")
            assert response.status_code in (200, 201), response.text
            self._drafts[company_id] = response.json()
        return self._drafts[company_id]

    def link_draft(self) -> dict[str, Any]:
        return self.draft(self.link_company_id)

    def credentials_draft(self) -> dict[str, Any]:
        """The fuzz admin's open draft of the seller app's credentials."""
        if self._credentials is None:
            response = self.http.post("/api/integration-credentials/seller/production/edits")
            assert response.status_code in (200, 201), response.text
            self._credentials = response.json()
        return self._credentials

    def consent_link(self) -> tuple[int, str] | None:
        """An open e-mailed link of the link company's draft and its token, sent now when none is known (None: the
        server's limit on links is reached)."""
        if self._link is None:
            self._regions.append(region := self._regions.pop(0))
            sent = self.http.post(
                f"/api/edits/{self.link_draft()['id']}/regions/{region}/consent-links",
                json={"email": "holder@example.com"},
            )
            if sent.status_code != 201:
                return None
            self._link = (int(sent.json()["id"]), self._newest_mailed_token())
        return self._link

    def bulk_run(self) -> int | None:
        """A running bulk test (no worker runs: it runs until cancelled), started now when none is known."""
        if self._run is None:
            started = self.http.post("/api/bulk-tests", json={})
            if started.status_code == 409:
                started = self.http.get("/api/bulk-tests/current")
            self._run = int(started.json()["id"]) if started.status_code in (200, 201) and started.json() else None
        return self._run

    def notification(self) -> int | None:
        if self._notification is None:
            items = self.http.get("/api/notifications", params={"limit": 1}).json()["items"]
            self._notification = int(items[0]["id"]) if items else None
        return self._notification

    def learn(self, case: Any, status: int, response: Any) -> None:
        """What the answer to a case tells about the records: a draft closed or changed, a link or run used up."""
        path, method = case.operation.path, case.method.upper()
        params = case.path_parameters or {}
        edit_id = str(params.get("edit_id", ""))
        link_action = "/consent-links" in path
        ends_draft = (
            status == 410
            or (method == "DELETE" and status == 204 and not link_action)
            or (path.endswith("/save") and status == 200)
        )
        if self._credentials is not None and edit_id == str(self._credentials["id"]) and ends_draft:
            self._credentials = None
        for company_id, draft in list(self._drafts.items()):
            if edit_id != str(draft["id"]):
                continue
            if ends_draft:
                del self._drafts[company_id]
            elif path == "/api/edits/{edit_id}" and status == 200:  # read or changed: the draft as it is now
                self._drafts[company_id] = response.json()
        if link_action and status == 201 and self._of_links(edit_id):  # sent (again): its mail is the newest
            self._link = (int(response.json()["id"]), self._newest_mailed_token())
        elif link_action and status in (204, 404) and self._of_links(edit_id) and self._link_is(params.get("link_id")):
            self._link = None  # withdrawn, or gone (replaced by a link the fuzzer sent)
        elif path == "/oauth/amazon/consent" and 300 <= status < 400:
            self._link = None  # the holder pressed the button: the link is used up
        if path == "/api/bulk-tests/{run_id}/cancel" and str(params.get("run_id")) == str(self._run) and status != 404:
            self._run = None

    def _of_links(self, edit_id: str) -> bool:
        draft = self._drafts.get(self.link_company_id)
        return draft is not None and edit_id == str(draft["id"])

    def _link_is(self, link_id: Any) -> bool:
        return self._link is not None and str(link_id) == str(self._link[0])

    def _newest_mailed_token(self) -> str:
        mail = self.http.get("/api/outbox", params={"limit": 1}).json()["items"][0]
        token = _CONSENT_TOKEN.search(mail["body"])
        assert token is not None, "the newest mail holds an authorization link"
        return token[1]


RECORDS = Records()


def _positive(case: Any, location: str) -> bool:
    meta = case.meta
    component = meta.components.get(location) if meta is not None else None
    return component is None or str(component.mode) == "positive"


def _within_aim_limit(case: Any) -> bool:
    """Whether a case of an operation that sends an e-mailed link (or makes the hooks send one) may be aimed still."""
    limit = AIM_LIMITS.get(case.operation.label)
    if limit is None:
        return True
    meta = case.meta
    if meta is None or str(meta.generation.mode) != "positive" or _aimed[case.operation.label] >= limit:
        return False
    _aimed[case.operation.label] += 1
    return True


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _is_id(value: Any) -> bool:
    """A generated integer ID (the coverage phase sends path values as strings)."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def _aim_path(case: Any, path: str) -> None:
    params = case.path_parameters
    if not params or not _positive(case, "path"):
        return
    aimed = dict(params)
    if "edit_id" in aimed and _is_uuid(aimed["edit_id"]):
        credentials = path.startswith("/api/integration-credentials/")
        links = "/consent-links/{link_id}" in path
        draft = RECORDS.credentials_draft() if credentials else RECORDS.link_draft() if links else RECORDS.draft()
        aimed["edit_id"] = str(draft["id"])
    if _is_id(aimed.get("link_id")) and (link := RECORDS.consent_link()):
        aimed["link_id"] = link[0]
    if "token" in aimed and (link := RECORDS.consent_link()):
        aimed["token"] = link[1]
    if _is_id(aimed.get("company_id")):
        aimed["company_id"] = _random.choice(RECORDS.companies)
    if _is_id(aimed.get("user_id")):
        aimed["user_id"] = RECORDS.victim_id
    if _is_id(aimed.get("run_id")):
        aimed["run_id"] = RECORDS.bulk_run() or aimed["run_id"]
    if _is_id(aimed.get("notification_id")):
        aimed["notification_id"] = RECORDS.notification() or aimed["notification_id"]
    case.path_parameters = aimed


def _aim_change(case: Any, path: str) -> None:
    """Change and Save: the version the draft began from as If-Match, and the draft's latest revision."""
    draft = RECORDS.credentials_draft() if path.startswith("/api/integration-credentials/") else RECORDS.draft()
    if path.endswith("/save") and _positive(case, "header"):
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "if-match"}
        case.headers = {**headers, "If-Match": f'"{draft["baseVersion"]}"'}
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("revision"), int) and _positive(case, "body"):
        case.body = {**body, "revision": draft["revision"]}


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if _random.random() >= AIMED_SHARE or not _within_aim_limit(case):
        return
    path = case.operation.path
    _aim_path(case, path)
    changes = case.method.upper() == "PATCH" or path.endswith("/save")
    if changes and _is_uuid((case.path_parameters or {}).get("edit_id", "")):
        _aim_change(case, path)
    if path == "/oauth/amazon/login" and case.method.upper() == "GET" and _positive(case, "query"):
        # Amazon's Seller Central (the simulator's, by its real host name) calling the Log-in URI back.
        query = {k: v for k, v in (case.query or {}).items() if k != "amazon_callback_uri"}
        callback = f"{os.environ['FUZZ_SIMULATOR_URL']}/central/sellercentral.amazon.com/apps/authorize/callback"
        case.query = {
            "amazon_state": "fuzz",
            "selling_partner_id": "A1FUZZSELLER",
            **query,
            "amazon_callback_uri": callback,
        }
    if path == "/oauth/amazon/consent" and isinstance(case.body, dict) and _positive(case, "body"):
        link = RECORDS.consent_link()
        case.body = {**case.body, "token": link[1]} if link else case.body


@schemathesis.hook
def after_call(ctx: Any, case: Any, response: Any) -> None:
    RECORDS.learn(case, response.status_code, response)
    if case.method.upper() != case.operation.method.upper():
        return  # a probe with a method the operation does not have (405, or 204 to OPTIONS): not one of its cases
    with open(os.environ["FUZZ_REPORT"], "a") as report:
        report.write(f"{case.operation.label}\t{response.status_code}\n")
