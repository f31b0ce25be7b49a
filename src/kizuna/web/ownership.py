"""Ownership: API under /v1/ownership and /v1/invest, and the console page that draws a target's graph."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import AliasChoices, BaseModel, Field

from kizuna.core.errors import KizunaError
from kizuna.ownership.layout import Layout, layered
from kizuna.ownership.load import FORMATS
from kizuna.ownership.regimes import answer, attribute
from kizuna.ownership.report import assess, investor_note
from kizuna.ownership.rules import REGIME_CODES, fefta_sectors, regime, regimes
from kizuna.ownership.screen import listed_map, screen_parties
from kizuna.ownership.store import check_name, list_graphs, load_and_save, open_graph
from kizuna.ownership.triggers import CFIUS_RIGHTS, CFIUS_TID, cfius_check, fefta_check
from kizuna.web.i18n import gettext
from kizuna.web.templating import country_code, templates
from kizuna.web.uploads import saved_upload

router = APIRouter()
RegimeCode = Literal["eu-amlr", "us-cta", "us-cfius", "us-ofac-50", "us-bis-affiliates", "jp-fefta", "none"]


@router.get("/v1/ownership/regimes", tags=["ownership"])
def list_regimes() -> list[dict[str, Any]]:
    """Every regime's attribution rule, threshold and citations (with what was verified)."""
    return [r.to_dict() for r in regimes().values()]


@router.get("/v1/ownership/graphs", tags=["ownership"])
def graphs() -> list[dict[str, Any]]:
    """The loaded graphs."""
    return [asdict(g) for g in list_graphs()]


async def _store_upload(upload: UploadFile, name: str | None, fmt: str) -> dict[str, Any]:
    async with saved_upload(upload, "upload.json") as path:
        return asdict(load_and_save(path, check_name(name) if name else None, fmt))


@router.post("/v1/ownership/graphs", tags=["ownership"])
async def upload_graph(file: UploadFile = File(...), name: str | None = Form(None),
                       format: str = Form("auto")) -> dict[str, Any]:
    """Validate and store an ownership file (CSV, BODS 0.4, GLEIF API JSON, FollowTheMoney)."""
    return await _store_upload(file, name, format)


@router.get("/v1/ownership/graphs/{name}/share", tags=["ownership"])
def share(name: str, owner: str, owned: str, regime_code: RegimeCode = "none") -> dict[str, Any]:
    """An owner's share in a company as one regime counts it."""
    graph = open_graph(name)
    rule = regime(regime_code)
    owner_id, owned_id = graph.resolve(owner), graph.resolve(owned)
    result = attribute(graph, owner_id, owned_id, rule)
    return {"owner": owner_id, "owned": owned_id, "share": result.percent(), "regime": rule.code,
            "rule": rule.describe(), "citations": [c.to_dict() for c in rule.rules]}


@router.get("/v1/ownership/graphs/{name}/ubo", tags=["ownership"])
def ubo(name: str, target: str, regime_code: RegimeCode = "eu-amlr", as_of: str | None = None) -> dict[str, Any]:
    """Beneficial owners and controllers of a target under one regime."""
    graph = open_graph(name)
    target_id = graph.resolve(target)
    rule = regime(regime_code)
    listed = listed_map(screen_parties(graph, graph.ancestors(target_id))) if rule.method == "aggregate-50" else {}
    return answer(graph, target_id, rule, listed, as_of).to_dict()


@router.get("/v1/ownership/graphs/{name}/check", tags=["ownership"])
def check(name: str, target: str, as_of: str | None = None) -> dict[str, Any]:
    """Every regime's answer, the screening of the chain, derived statuses and declared-figure checks."""
    graph = open_graph(name)
    return assess(graph, graph.resolve(target), as_of).to_dict()


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


@router.post("/v1/invest/check", tags=["ownership"])
def invest_check(request: InvestRequest) -> dict[str, Any]:
    """Whether the acquisition needs FEFTA prior notification or a CFIUS mandatory declaration, and why."""
    graph = open_graph(request.graph)
    target, investor = graph.resolve(request.target), graph.resolve(request.investor)
    if request.regime == "jp-fefta":
        result = fefta_check(graph, target, investor, request.stake / 100, listed=request.listed,
                             sectors=request.sectors, financial_institution=request.financial_institution,
                             sanctioned=request.sanctioned)
    else:
        result = cfius_check(graph, target, investor, request.stake / 100, tid=request.tid,
                             export_licence=request.export_licence, rights=request.rights,
                             excepted_investor=request.excepted_investor)
    payload = result.to_dict()
    if request.note:
        payload["note"] = investor_note(assess(graph, investor), result)
    return payload


def _draw(request: Request, result: Any) -> Layout:
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
    context: dict[str, Any] = {"active": "ownership", "graphs": list_graphs(), "graph": "", "target": "",
                               "as_of": "", "error": None, "parties": [], "assessment": None, "layout": None,
                               "formats": FORMATS, "regime_codes": REGIME_CODES, "sectors": fefta_sectors()}
    return {**context, **values}


@router.get("/ownership", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, graph: str = "", target: str = "", as_of: str = "") -> HTMLResponse:
    context = _context(graph=graph, target=target, as_of=as_of)
    try:
        if graph:
            loaded = open_graph(graph)
            owned = {e.owned for e in loaded.edges}
            context["parties"] = sorted(loaded.parties.values(), key=lambda p: (p.id not in owned, p.name))
            if target:
                result = assess(loaded, loaded.resolve(target), as_of or None)
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
