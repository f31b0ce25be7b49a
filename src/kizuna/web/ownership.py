"""Ownership: API under /v1/ownership and /v1/invest, and the console page that draws a target's graph."""

from __future__ import annotations

import io
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import AliasChoices, BaseModel, Field

from kizuna.core.errors import KizunaError
from kizuna.core.report import CSV_HEADER, Report, csv_rows, to_html, to_json
from kizuna.core.schemas import ReportOut
from kizuna.core.tables import SafeCsvWriter
from kizuna.ownership import service
from kizuna.ownership.layout import Layout, layered
from kizuna.ownership.load import FORMATS
from kizuna.ownership.report import Assessment
from kizuna.ownership.rules import REGIME_CODES
from kizuna.ownership.schemas import CheckOut, InvestOut, RegimeAnswerOut, RegimeOut, ShareOut, StoredGraphOut
from kizuna.ownership.triggers import CFIUS_RIGHTS, CFIUS_TID
from kizuna.web.i18n import gettext
from kizuna.web.templating import country_code, templates
from kizuna.web.uploads import saved_upload

router = APIRouter()
RegimeCode = Literal["eu-amlr", "us-cta", "us-cfius", "us-ofac-50", "us-bis-affiliates", "jp-fefta", "none"]


@router.get("/v1/ownership/regimes", tags=["ownership"], response_model=list[RegimeOut])
def list_regimes() -> list[dict[str, Any]]:
    """Every regime's attribution rule, threshold and citations (with what was verified)."""
    return [r.to_dict() for r in service.list_regimes()]


@router.get("/v1/ownership/graphs", tags=["ownership"], response_model=list[StoredGraphOut])
def graphs() -> list[dict[str, Any]]:
    """The loaded graphs."""
    return [asdict(g) for g in service.list_graphs()]


async def _store_upload(upload: UploadFile, name: str | None, fmt: str) -> dict[str, Any]:
    async with saved_upload(upload, "upload.json") as path:
        return asdict(service.load_upload(path, Path(upload.filename or path.name).name, name, fmt))


@router.post("/v1/ownership/graphs", tags=["ownership"], response_model=StoredGraphOut)
async def upload_graph(file: UploadFile = File(...), name: str | None = Form(None),
                       format: str = Form("auto")) -> dict[str, Any]:
    """Validate and store an ownership file (CSV, BODS 0.4, GLEIF API JSON, FollowTheMoney)."""
    return await _store_upload(file, name, format)


@router.get("/v1/ownership/graphs/{name}/share", tags=["ownership"], response_model=ShareOut)
def share(name: str, owner: str, owned: str, regime_code: RegimeCode = "none") -> dict[str, Any]:
    """An owner's share in a company as one regime counts it."""
    return service.share(service.open_stored(name), owner, owned, regime_code).to_dict()


@router.get("/v1/ownership/graphs/{name}/ubo", tags=["ownership"], response_model=RegimeAnswerOut)
def ubo(name: str, target: str, regime_code: RegimeCode = "eu-amlr", as_of: str | None = None) -> dict[str, Any]:
    """Beneficial owners and controllers of a target under one regime."""
    return service.ubo(service.open_stored(name), target, regime_code, as_of).to_dict()


@router.get("/v1/ownership/graphs/{name}/check", tags=["ownership"], response_model=CheckOut)
def check(name: str, target: str, as_of: str | None = None) -> dict[str, Any]:
    """Every regime's answer, the screening of the chain, derived statuses and declared-figure checks."""
    return service.check(service.open_stored(name), target, as_of).to_dict()


REPORT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@router.get("/v1/ownership/graphs/{name}/report", tags=["ownership"],
            responses={200: {"model": ReportOut,
                             "content": {t: {} for t in REPORT_TYPES.values() if t != "application/json"},
                             "description": "The ownership check as a report (the one Kizuna report shape)."}})
def report(name: str, target: str, as_of: str | None = None, format: Literal["json", "csv", "html"] = "json",
           ) -> Response:
    """The ownership check of a target as a report: findings with citations, ownership-path and list-hit
    evidence, the sources read and the rule-data version."""
    result = service.check_report(service.check(service.open_stored(name), target, as_of))
    if format == "json":
        body = to_json(result)
    elif format == "html":
        body = to_html(result)
    else:
        body = _csv_text(result)
    return Response(body, media_type=REPORT_TYPES[format])


def _csv_text(result: Report) -> str:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(result))
    return buffer.getvalue()


class InvestRequest(BaseModel):
    graph: str = Field(description="A loaded graph's name.")
    target: str
    investor: str
    stake: float = Field(gt=0, le=100, description="Percent acquired.")
    regime: Literal["jp-fefta", "us-cfius"]
    listed: bool | None = None
    sectors: list[str] = Field(default_factory=list, description="FEFTA sector codes.")
    financial_institution: bool = False
    sanctioned: bool = False
    tid: list[str] = Field(default_factory=list, description=f"CFIUS: {', '.join(CFIUS_TID)}.")
    rights: list[str] = Field(default_factory=list, description=f"CFIUS: {', '.join(CFIUS_RIGHTS)}.")
    export_licence: bool | None = Field(None, validation_alias=AliasChoices("export_licence", "export_license"),
                                        description="CFIUS: an export licence would be needed (also accepted "
                                                    "as export_license).")
    excepted_investor: bool = False
    note: bool = Field(False, description="Also return the investor note for the exchange.")
    as_of: str | None = Field(None, description="ISO date the rules are read at (default today).")


@router.post("/v1/invest/check", tags=["ownership"], response_model=InvestOut)
def invest_check(request: InvestRequest) -> dict[str, Any]:
    """Whether the acquisition needs FEFTA prior notification or a CFIUS mandatory declaration, and why."""
    options = service.InvestOptions(request.listed, request.sectors, request.financial_institution,
                                    request.sanctioned, request.tid, request.rights, request.export_licence,
                                    request.excepted_investor)
    return service.invest(service.open_stored(request.graph), request.target, request.investor,
                          request.stake / 100, request.regime, options, as_of=request.as_of,
                          note=request.note).to_dict()


def _draw(request: Request, result: Assessment) -> Layout:
    """The graph's layout; each box holds the party's name and a second text: kind, country, lists or 50 % flag."""
    graph, flagged = result.graph, result.derived_flags()
    metas: dict[str, str] = {}
    for party_id in result.chain:
        party = graph.parties[party_id]
        screen = result.screens.get(party_id)
        parts = [gettext(request, party.kind.value)]
        if party.country:
            parts.append(country_code(party.country))
        if screen and screen.hits:
            parts.append(" ".join(screen.lists))
        elif party_id in flagged:
            parts.append(flagged[party_id])
        metas[party_id] = " · ".join(parts)
    edges = result.edges()
    return layered(result.target, [(e["owner"], e["owned"]) for e in edges],
                   names={p: graph.parties[p].name for p in result.chain}, metas=metas,
                   labels={(e["owner"], e["owned"]): e["label"] for e in edges})


def _context(**values: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"active": "ownership", "graphs": service.list_graphs(), "graph": "", "target": "",
                               "as_of": "", "error": None, "parties": [], "assessment": None, "layout": None,
                               "formats": FORMATS, "regime_codes": REGIME_CODES, "sectors": service.sectors()}
    return {**context, **values}


@router.get("/ownership", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, graph: str = "", target: str = "", as_of: str = "") -> HTMLResponse:
    context = _context(graph=graph, target=target, as_of=as_of)
    try:
        if graph:
            loaded = service.open_stored(graph)
            owned = {e.owned for e in loaded.edges}
            context["parties"] = sorted(loaded.parties.values(), key=lambda p: (p.id not in owned, p.name))
            if target:
                result = service.check(loaded, target, as_of or None)
                context["assessment"] = result
                context["layout"] = _draw(request, result)
                context["flagged"] = result.derived_flags()
    except KizunaError as exc:
        context["error"] = str(exc)
    return templates.TemplateResponse(request, "ownership/page.html", context)


@router.post("/ownership/load", include_in_schema=False)
async def page_load(request: Request, file: UploadFile = File(...), name: str = Form(""),
                    format: str = Form("auto")) -> Any:
    try:
        info = await _store_upload(file, name or None, format)
    except KizunaError as exc:
        return templates.TemplateResponse(request, "ownership/page.html", _context(error=str(exc)),
                                          status_code=422)
    return RedirectResponse(f"/ownership?graph={info['name']}", status_code=303)
