"""Monitoring over HTTP: ``/v1/monitoring/…`` (registers, parties, the alert feed, cases and their actions) and the
console pages (``/monitoring/registers``, ``/monitoring/alerts``, ``/monitoring/alerts/{id}``). Only analysts who
proved who they are get in: the API takes an analyst's token (``Authorization: Bearer``), the console a session
from ``/monitoring/sign-in``, and its forms carry a token derived from that session (CSRF). Every case action goes
through ``service.act``, the one place with the four-eyes rule."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kizuna.core import credentials
from kizuna.core.credentials import LockedOut, NotSignedIn
from kizuna.core.errors import KizunaError
from kizuna.monitoring import service
from kizuna.monitoring.analysts import Analyst
from kizuna.monitoring.cases import Alert
from kizuna.monitoring.registers import PartyInput
from kizuna.monitoring.store import StoredParty
from kizuna.web import signin
from kizuna.web.i18n import gettext
from kizuna.web.templating import templates
from kizuna.web.uploads import saved_upload

COOKIE = "kizuna_monitoring"


def _api_analyst(authorization: Annotated[str | None, Header(
        description="An analyst's API token: Bearer <token> (kizuna analysts token NAME).")] = None) -> Analyst:
    """The analyst an API request's token signs in; 401 for anyone else."""
    with service.opened() as store:
        try:
            return service.analysts.with_token(store, credentials.token_from_header(authorization))
        except NotSignedIn as exc:
            raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None


def _console_analyst(request: Request) -> Analyst:
    """The analyst signed in to the console; anyone else is sent to the sign-in page."""
    with service.opened() as store:
        try:
            return service.analysts.with_token(store, request.cookies.get(COOKIE))
        except NotSignedIn:
            # How a dependency redirects: the browser follows a 303's Location to the sign-in page.
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            raise HTTPException(303, headers={"Location": f"/monitoring/sign-in?next={target}"}) from None


ApiAnalyst = Annotated[Analyst, Depends(_api_analyst)]
ConsoleAnalyst = Annotated[Analyst, Depends(_console_analyst)]
Csrf = Annotated[str, Form()]
router = APIRouter()
api = APIRouter(dependencies=[Depends(_api_analyst)])


class RegisterPartyIn(BaseModel):
    name: str = Field(max_length=1000)
    id: str = Field("", max_length=200)
    kind: str = "any"
    country: str = ""
    aliases: list[str] = Field(default_factory=list, max_length=100)
    identifiers: list[str] = Field(default_factory=list, max_length=100)
    birth_date: str = ""
    owner: str = ""
    tags: list[str] = Field(default_factory=list, max_length=50)

    def given(self) -> PartyInput:
        return PartyInput(self.name, self.id, self.kind, self.country, self.aliases, self.identifiers,
                          self.birth_date, self.owner, self.tags)


class RegisterPartyOut(BaseModel):
    id: int
    register_name: str = Field(alias="register")
    party: dict[str, Any]
    owner: str
    tags: list[str]
    revision: int
    screened_on: str | None
    created_at: str
    updated_at: str


class RegisterOut(BaseModel):
    name: str
    created_at: str
    parties: int
    unscreened: int


class AlertOut(BaseModel):
    id: int
    party_id: int
    party: str
    list: str
    entry_id: str
    entry: str
    state: str
    score: float
    snapshot_id: str
    list_version: str
    assignee: str
    proposed: str | None
    proposed_by: str | None
    decided_by: str | None
    decided_at: str | None
    whitelist_until: str | None
    closed_reason: str | None
    created_at: str
    updated_at: str


class CaseOut(BaseModel):
    alert: AlertOut
    evidence: dict[str, Any]
    history: list[dict[str, Any]]
    audit: list[dict[str, Any]]


class ActionIn(BaseModel):
    action: str = Field(description="assign, comment, review, decide, approve or reject")
    decision: str | None = Field(None, description="for decide: cleared, confirmed or escalated")
    comment: str = Field("", max_length=5000)
    assignee: str | None = None
    whitelist_days: int | None = None


class RescreenOut(BaseModel):
    run: dict[str, Any]
    alerts_raised: int


def _alert_out(alert: Alert) -> dict[str, Any]:
    return {k: v for k, v in alert.to_dict().items() if k != "evidence"}


def _party_out(party: StoredParty) -> dict[str, Any]:
    return party.to_dict()


# -- API ---------------------------------------------------------------------------------------------------------

@api.get("/v1/monitoring/registers", tags=["monitoring"], response_model=list[RegisterOut])
def api_registers() -> list[dict[str, Any]]:
    """The registers with their party counts."""
    with service.opened() as store:
        return service.registers(store)


@api.get("/v1/monitoring/parties", tags=["monitoring"], response_model=list[RegisterPartyOut])
def api_parties(register: str | None = None, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """A register's parties (every register's when none is named)."""
    with service.opened() as store:
        return [_party_out(p) for p in service.parties(store, register, max(offset, 0), min(max(limit, 1), 1000))]


@api.post("/v1/monitoring/registers/{register}/parties", tags=["monitoring"], status_code=201,
             response_model=RegisterPartyOut)
def api_add_party(register: str, body: RegisterPartyIn, user: ApiAnalyst) -> dict[str, Any]:
    """Add a party to a register (created if new) and screen it against the current lists."""
    with service.opened() as store:
        return _party_out(service.add_party(store, register, body.given(), user))


@api.put("/v1/monitoring/parties/{party_id}", tags=["monitoring"], response_model=RegisterPartyOut)
def api_edit_party(party_id: int, body: RegisterPartyIn, user: ApiAnalyst) -> dict[str, Any]:
    """Replace a party's facts and screen it again."""
    with service.opened() as store:
        return _party_out(service.edit_party(store, party_id, body.given(), user))


class RemovedOut(BaseModel):
    id: int
    removed: bool


@api.delete("/v1/monitoring/parties/{party_id}", tags=["monitoring"], response_model=RemovedOut)
def api_remove_party(party_id: int, user: ApiAnalyst) -> dict[str, Any]:
    """Take a party out of its register (its open alerts close)."""
    with service.opened() as store:
        service.remove_party(store, party_id, user)
    return {"id": party_id, "removed": True}


@api.post("/v1/monitoring/rescreen", tags=["monitoring"], response_model=RescreenOut)
def api_rescreen(user: ApiAnalyst, full: bool = False) -> dict[str, Any]:
    """Re-screen the registers on the current snapshot (incrementally unless ``full``)."""
    with service.opened() as store:
        run, raised = service.rescreen_registers(store, user, full=full)
    return {"run": run.to_dict(), "alerts_raised": len(raised)}


@api.get("/v1/monitoring/alerts", tags=["monitoring"], response_model=list[AlertOut])
def api_alerts(since: int = 0, states: str = "", assignee: str | None = None, limit: int = 100,
               offset: int = 0) -> list[dict[str, Any]]:
    """The alert feed: newest first, or with ``since`` the alerts raised after that id, oldest first;
    ``states`` filters by comma-separated states."""
    chosen = tuple(s for s in states.split(",") if s)
    with service.opened() as store:
        return [_alert_out(a) for a in service.alerts(store, chosen, assignee, since, min(max(limit, 1), 1000),
                                                      max(offset, 0))]


@api.get("/v1/monitoring/alerts/{alert_id}", tags=["monitoring"], response_model=CaseOut)
def api_case(alert_id: int) -> dict[str, Any]:
    """A case: the alert, its frozen evidence, its history and its audit records."""
    with service.opened() as store:
        found = service.case(store, alert_id)
    return {"alert": _alert_out(found["alert"]), "evidence": found["alert"].evidence, "history": found["history"],
            "audit": found["audit"]}


@api.post("/v1/monitoring/alerts/{alert_id}/actions", tags=["monitoring"], response_model=AlertOut)
def api_act(alert_id: int, body: ActionIn, user: ApiAnalyst) -> dict[str, Any]:
    """One analyst action on a case; clearing and confirming need a second analyst's approval (four-eyes)."""
    with service.opened() as store:
        alert = service.act(store, alert_id, user, body.action, decision=body.decision, comment=body.comment,
                            assignee=body.assignee, whitelist_days=body.whitelist_days)
    return _alert_out(alert)


# -- console -----------------------------------------------------------------------------------------------------

# What the pages call states, decisions, actions and outcomes (the words "cleared" and "by" mean other things on
# the exchange pages, so the console says these in full).
LABELS = {
    "states": {"new": "new case", "in_review": "in review", "cleared": "cleared as a false positive",
               "confirmed": "confirmed as a true match", "escalated": "escalated", "closed": "closed"},
    "decisions": {"cleared": "clear: a false positive", "confirmed": "confirm: a true match", "escalated": "escalate"},
    "actions": {"review": "take into review", "decide": "decide", "approve": "approve another analyst's decision",
                "reject": "send a proposed decision back", "assign": "assign", "comment": "comment"},
    # A case's history in words: a decision that leaves the state as it was is a proposal awaiting a second analyst.
    "events": {"raised": "alert raised", "closed": "alert closed", "review": "taken into review",
               "assign": "assigned", "comment": "comment", "approve": "approved another analyst's proposal",
               "reject": "proposal sent back", "proposed": "proposed", "decided": "decided"},
    "messages": {"imported": "register imported and screened", "added": "party added and screened",
                 "saved": "party saved and screened again", "removed": "party removed"},
}


def _page(request: Request, name: str, analyst: Analyst, context: dict[str, Any],
          status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, f"monitoring/{name}", {
        **context, "labels": LABELS, "analyst": analyst, "csrf": signin.form_token(request, COOKIE)},
        status_code=status_code)


# -- console: signing in -----------------------------------------------------------------------------------------

def _sign_in_form(request: Request, next: str, error: str = "", status_code: int = 200) -> Response:
    token = signin.new_sign_in_token()
    response = templates.TemplateResponse(request, "monitoring/sign-in.html", {
        "active": "alerts", "next": next, "error": error, "login_csrf": token}, status_code=status_code)
    return signin.offer_sign_in(response, request, "/monitoring/sign-in", token)


@router.get("/monitoring/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(request: Request, next: str = "/monitoring/alerts") -> Response:
    return _sign_in_form(request, next)


@router.post("/monitoring/sign-in", include_in_schema=False)
def sign_in_submit(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
                   next: Annotated[str, Form()] = "/monitoring/alerts",
                   login_csrf: Annotated[str, Form()] = "") -> Response:
    if not signin.sign_in_form_ok(request, login_csrf):
        return _sign_in_form(request, next, gettext(request, "the sign-in form expired: try again"), 403)
    source = request.client.host if request.client else "unknown"
    try:
        with service.opened() as store:
            token = service.analysts.sign_in(store, name, password, f"console {source}")
    except LockedOut as exc:
        return _sign_in_form(request, next, str(exc), 429)
    except NotSignedIn:
        return _sign_in_form(request, next, gettext(request, "wrong analyst name or password"), 401)
    response = RedirectResponse(signin.safe_next(next, "/monitoring/"), status_code=303)
    signin.set_session(response, request, COOKIE, token, service.analysts.session_hours())
    response.delete_cookie(signin.SIGN_IN_COOKIE, path="/monitoring/sign-in")
    return response


@router.post("/monitoring/sign-out", include_in_schema=False)
def sign_out(request: Request, analyst: ConsoleAnalyst, csrf: Csrf) -> Response:
    signin.check_form_token(request, COOKIE, csrf)
    with service.opened() as store:
        service.analysts.sign_out(store, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/monitoring/sign-in", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# -- console: pages ----------------------------------------------------------------------------------------------

@router.get("/monitoring/registers", response_class=HTMLResponse, include_in_schema=False)
def registers_page(request: Request, analyst: ConsoleAnalyst, register: str = "", error: str = "",
                   message: str = "", status_code: int = 200) -> HTMLResponse:
    with service.opened() as store:
        rows = service.registers(store)
        shown = service.parties(store, register or None, 0, 500)
    return _page(request, "registers.html", analyst, {
        "active": "registers", "registers": rows, "parties": shown, "register": register, "error": error,
        "message": message}, status_code)


@router.post("/monitoring/registers/import", include_in_schema=False)
async def import_page(request: Request, analyst: ConsoleAnalyst, csrf: Csrf, name: Annotated[str, Form()],
                      file: Annotated[UploadFile, File()]) -> Response:
    try:
        signin.check_form_token(request, COOKIE, csrf)
        async with saved_upload(file, "register.csv") as path:
            with service.opened() as store:
                result = service.import_register(store, path, name, analyst)
    except KizunaError as exc:
        return registers_page(request, analyst, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/registers?register={quote(result.register)}&message=imported",
                            status_code=303)


def _form_party(name: str, ref: str, kind: str, country: str, aliases: str, owner: str, tags: str) -> PartyInput:
    return PartyInput(name, ref, kind or "any", country, [a for a in aliases.split(";") if a.strip()], [], "",
                      owner, [t for t in tags.split(";") if t.strip()])


@router.post("/monitoring/registers/parties", include_in_schema=False)
def add_page(request: Request, analyst: ConsoleAnalyst, csrf: Csrf,
             register_name: Annotated[str, Form(alias="register")], name: Annotated[str, Form()],
             ref: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "any",
             country: Annotated[str, Form()] = "", aliases: Annotated[str, Form()] = "",
             owner: Annotated[str, Form()] = "", tags: Annotated[str, Form()] = "") -> Response:
    try:
        signin.check_form_token(request, COOKIE, csrf)
        with service.opened() as store:
            service.add_party(store, register_name, _form_party(name, ref, kind, country, aliases, owner, tags),
                              analyst)
    except KizunaError as exc:
        return registers_page(request, analyst, register_name, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/registers?register={quote(register_name)}&message=added", status_code=303)


@router.post("/monitoring/parties/{party_id}", include_in_schema=False)
def edit_page(request: Request, analyst: ConsoleAnalyst, csrf: Csrf, party_id: int, name: Annotated[str, Form()],
              ref: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "any",
              country: Annotated[str, Form()] = "", aliases: Annotated[str, Form()] = "",
              owner: Annotated[str, Form()] = "", tags: Annotated[str, Form()] = "",
              remove: Annotated[str, Form()] = "") -> Response:
    try:
        signin.check_form_token(request, COOKIE, csrf)
        with service.opened() as store:
            register = service.get_party(store, party_id).register
            if remove:
                service.remove_party(store, party_id, analyst)
            else:
                service.edit_party(store, party_id, _form_party(name, ref, kind, country, aliases, owner, tags),
                                   analyst)
    except KizunaError as exc:
        return registers_page(request, analyst, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/registers?register={quote(register)}&message="
                            f"{'removed' if remove else 'saved'}", status_code=303)


@router.get("/monitoring/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page(request: Request, analyst: ConsoleAnalyst, state: str = "") -> HTMLResponse:
    with service.opened() as store:
        rows = service.alerts(store, (state,) if state else (), limit=500)
        counts = {s.value: len(service.alerts(store, (s.value,), limit=100000)) for s in service.cases.State}
    return _page(request, "alerts.html", analyst, {"active": "alerts", "alerts": rows, "state": state,
                                                   "counts": counts})


@router.get("/monitoring/alerts/{alert_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, analyst: ConsoleAnalyst, alert_id: int, error: str = "",
              status_code: int = 200) -> HTMLResponse:
    with service.opened() as store:
        found = service.case(store, alert_id)
    return _page(request, "case.html", analyst, {"active": "alerts", "alert": found["alert"],
                                                 "history": [_in_words(e) for e in found["history"]],
                                                 "audit": found["audit"], "error": error}, status_code)


def _in_words(event: dict[str, Any]) -> dict[str, Any]:
    """A history event with what happened as a label of ``LABELS["events"]`` (an action it does not know as
    recorded) and, for a decision, the decision."""
    action, _, decision = str(event["action"]).partition(" ")
    if action == "decide":
        action = "proposed" if event["state_from"] == event["state_to"] else "decided"
    return {**event, "what": LABELS["events"].get(action, event["action"]),
            "decision": decision if decision in LABELS["decisions"] else ""}


@router.post("/monitoring/alerts/{alert_id}", include_in_schema=False)
def act_page(request: Request, analyst: ConsoleAnalyst, csrf: Csrf, alert_id: int, action: Annotated[str, Form()],
             decision: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
             assignee: Annotated[str, Form()] = "") -> Response:
    try:
        signin.check_form_token(request, COOKIE, csrf)
        with service.opened() as store:
            service.act(store, alert_id, analyst, action, decision=decision or None, comment=comment,
                        assignee=assignee or None)
    except KizunaError as exc:  # a refused decision (four-eyes) included
        return case_page(request, analyst, alert_id, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/alerts/{alert_id}", status_code=303)


router.include_router(api)  # after every API route above: include_router copies the routes it finds
