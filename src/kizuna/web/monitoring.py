"""Monitoring over HTTP: ``/v1/monitoring/…`` (registers, parties, the alert feed, cases and their actions) and the
console pages (``/monitoring/registers``, ``/monitoring/alerts``, ``/monitoring/alerts/{id}``). The analyst is named
by the ``X-Kizuna-User`` header (API) or the form's user field (console); every case action goes through
``service.act``, the one place with the four-eyes rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kizuna.core.errors import KizunaError
from kizuna.monitoring import service
from kizuna.monitoring.cases import Alert
from kizuna.monitoring.registers import PartyInput
from kizuna.monitoring.store import StoredParty
from kizuna.web.templating import templates
from kizuna.web.uploads import saved_upload

router = APIRouter()
UserHeader = Annotated[str, Header(alias="X-Kizuna-User",
                                   description="The analyst acting (required to change anything).")]


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

@router.get("/v1/monitoring/registers", tags=["monitoring"], response_model=list[RegisterOut])
def api_registers() -> list[dict[str, Any]]:
    """The registers with their party counts."""
    with service.opened() as store:
        return service.registers(store)


@router.get("/v1/monitoring/parties", tags=["monitoring"], response_model=list[RegisterPartyOut])
def api_parties(register: str | None = None, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """A register's parties (every register's when none is named)."""
    with service.opened() as store:
        return [_party_out(p) for p in service.parties(store, register, max(offset, 0), min(max(limit, 1), 1000))]


@router.post("/v1/monitoring/registers/{register}/parties", tags=["monitoring"], status_code=201,
             response_model=RegisterPartyOut)
def api_add_party(register: str, body: RegisterPartyIn, user: UserHeader = "") -> dict[str, Any]:
    """Add a party to a register (created if new) and screen it against the current lists."""
    with service.opened() as store:
        return _party_out(service.add_party(store, register, body.given(), user))


@router.put("/v1/monitoring/parties/{party_id}", tags=["monitoring"], response_model=RegisterPartyOut)
def api_edit_party(party_id: int, body: RegisterPartyIn, user: UserHeader = "") -> dict[str, Any]:
    """Replace a party's facts and screen it again."""
    with service.opened() as store:
        return _party_out(service.edit_party(store, party_id, body.given(), user))


class RemovedOut(BaseModel):
    id: int
    removed: bool


@router.delete("/v1/monitoring/parties/{party_id}", tags=["monitoring"], response_model=RemovedOut)
def api_remove_party(party_id: int, user: UserHeader = "") -> dict[str, Any]:
    """Take a party out of its register (its open alerts close)."""
    with service.opened() as store:
        service.remove_party(store, party_id, user)
    return {"id": party_id, "removed": True}


@router.post("/v1/monitoring/rescreen", tags=["monitoring"], response_model=RescreenOut)
def api_rescreen(full: bool = False, user: UserHeader = "") -> dict[str, Any]:
    """Re-screen the registers on the current snapshot (incrementally unless ``full``)."""
    with service.opened() as store:
        run, raised = service.rescreen_registers(store, service.cases.check_actor(user), full=full)
    return {"run": run.to_dict(), "alerts_raised": len(raised)}


@router.get("/v1/monitoring/alerts", tags=["monitoring"], response_model=list[AlertOut])
def api_alerts(since: int = 0, states: str = "", assignee: str | None = None, limit: int = 100,
               offset: int = 0) -> list[dict[str, Any]]:
    """The alert feed: newest first, or with ``since`` the alerts raised after that id, oldest first;
    ``states`` filters by comma-separated states."""
    chosen = tuple(s for s in states.split(",") if s)
    with service.opened() as store:
        return [_alert_out(a) for a in service.alerts(store, chosen, assignee, since, min(max(limit, 1), 1000),
                                                      max(offset, 0))]


@router.get("/v1/monitoring/alerts/{alert_id}", tags=["monitoring"], response_model=CaseOut)
def api_case(alert_id: int) -> dict[str, Any]:
    """A case: the alert, its frozen evidence, its history and its audit records."""
    with service.opened() as store:
        found = service.case(store, alert_id)
    return {"alert": _alert_out(found["alert"]), "evidence": found["alert"].evidence, "history": found["history"],
            "audit": found["audit"]}


@router.post("/v1/monitoring/alerts/{alert_id}/actions", tags=["monitoring"], response_model=AlertOut)
def api_act(alert_id: int, body: ActionIn, user: UserHeader = "") -> dict[str, Any]:
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
    "messages": {"imported": "register imported and screened", "added": "party added and screened",
                 "saved": "party saved and screened again", "removed": "party removed"},
}


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, f"monitoring/{name}", {**context, "labels": LABELS},
                                      status_code=status_code)


@router.get("/monitoring/registers", response_class=HTMLResponse, include_in_schema=False)
def registers_page(request: Request, register: str = "", error: str = "", message: str = "",
                   status_code: int = 200) -> HTMLResponse:
    with service.opened() as store:
        rows = service.registers(store)
        shown = service.parties(store, register or None, 0, 500)
    return _page(request, "registers.html", {"active": "registers", "registers": rows, "parties": shown,
                                             "register": register, "error": error, "message": message}, status_code)


@router.post("/monitoring/registers/import", include_in_schema=False)
async def import_page(request: Request, name: Annotated[str, Form()], user: Annotated[str, Form()],
                      file: Annotated[UploadFile, File()]) -> Response:
    try:
        async with saved_upload(file, "register.csv") as path:
            with service.opened() as store:
                result = service.import_register(store, path, name, user)
    except KizunaError as exc:
        return registers_page(request, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/registers?register={result.register}&message=imported", status_code=303)


def _form_party(name: str, ref: str, kind: str, country: str, aliases: str, owner: str, tags: str) -> PartyInput:
    return PartyInput(name, ref, kind or "any", country, [a for a in aliases.split(";") if a.strip()], [], "",
                      owner, [t for t in tags.split(";") if t.strip()])


@router.post("/monitoring/registers/parties", include_in_schema=False)
def add_page(request: Request, register_name: Annotated[str, Form(alias="register")], user: Annotated[str, Form()],
             name: Annotated[str, Form()], ref: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "any",
             country: Annotated[str, Form()] = "", aliases: Annotated[str, Form()] = "",
             owner: Annotated[str, Form()] = "", tags: Annotated[str, Form()] = "") -> Response:
    try:
        with service.opened() as store:
            service.add_party(store, register_name, _form_party(name, ref, kind, country, aliases, owner, tags), user)
    except KizunaError as exc:
        return registers_page(request, register_name, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/registers?register={register_name}&message=added", status_code=303)


@router.post("/monitoring/parties/{party_id}", include_in_schema=False)
def edit_page(request: Request, party_id: int, user: Annotated[str, Form()], name: Annotated[str, Form()],
              ref: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "any",
              country: Annotated[str, Form()] = "", aliases: Annotated[str, Form()] = "",
              owner: Annotated[str, Form()] = "", tags: Annotated[str, Form()] = "",
              remove: Annotated[str, Form()] = "") -> Response:
    try:
        with service.opened() as store:
            register = service.get_party(store, party_id).register
            if remove:
                service.remove_party(store, party_id, user)
            else:
                service.edit_party(store, party_id, _form_party(name, ref, kind, country, aliases, owner, tags), user)
    except KizunaError as exc:
        return registers_page(request, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/registers?register={register}&message="
                            f"{'removed' if remove else 'saved'}", status_code=303)


@router.get("/monitoring/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page(request: Request, state: str = "") -> HTMLResponse:
    with service.opened() as store:
        rows = service.alerts(store, (state,) if state else (), limit=500)
        counts = {s.value: len(service.alerts(store, (s.value,), limit=100000)) for s in service.cases.State}
    return _page(request, "alerts.html", {"active": "alerts", "alerts": rows, "state": state, "counts": counts})


@router.get("/monitoring/alerts/{alert_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, alert_id: int, error: str = "", status_code: int = 200) -> HTMLResponse:
    with service.opened() as store:
        found = service.case(store, alert_id)
    return _page(request, "case.html", {"active": "alerts", "alert": found["alert"], "history": found["history"],
                                        "audit": found["audit"], "error": error}, status_code)


@router.post("/monitoring/alerts/{alert_id}", include_in_schema=False)
def act_page(request: Request, alert_id: int, user: Annotated[str, Form()], action: Annotated[str, Form()],
             decision: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
             assignee: Annotated[str, Form()] = "") -> Response:
    try:
        with service.opened() as store:
            service.act(store, alert_id, user, action, decision=decision or None, comment=comment,
                        assignee=assignee or None)
    except KizunaError as exc:  # a refused decision (four-eyes) included
        return case_page(request, alert_id, error=str(exc), status_code=422)
    return RedirectResponse(f"/monitoring/alerts/{alert_id}", status_code=303)
