"""Research security: the API under /v1/research/… and the console pages /research (resolve an affiliation,
check an institution, file the report), /research/priorities and /research/coauthors (with charts)."""

from __future__ import annotations

import base64
import binascii
import io
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from kizuna.core.errors import InputError, KizunaError
from kizuna.core.pdf import render_pdf
from kizuna.core.report import CSV_HEADER, Report, csv_rows, to_html, to_json
from kizuna.core.schemas import ReportOut
from kizuna.core.tables import SafeCsvWriter
from kizuna.research import service
from kizuna.research.priorities import EXPORT_HEADER, memo_priorities
from kizuna.research.rules import rules
from kizuna.web.templating import templates
from kizuna.web.uploads import saved_upload

router = APIRouter()
_MAX = 500  # characters of a query; the resolver's own bound (data/research/rules.yaml) applies after


class ParentOut(BaseModel):
    ror_id: str
    name: str


class SourceOut(BaseModel):
    origin: str
    release: str
    record: str


class ResolveOut(BaseModel):
    query: str
    ror_id: str | None = Field(description="null when nothing matches")
    name: str | None
    country: str | None
    parent: ParentOut | None
    score: float
    matched_part: str
    reasons: list[str]
    source: SourceOut | None
    ror_release: str


class OrgOut(BaseModel):
    ror_id: str | None
    name: str


class DiligenceEvidenceOut(BaseModel):
    source: str
    entry: str
    citation: str
    date: str
    record: str
    confidence: str
    score: float | None = None


class AffiliationOut(BaseModel):
    text: str
    kind: str
    current: bool | None
    period: str
    source: str
    person: str


class DiligenceFindingOut(BaseModel):
    organisation: OrgOut
    listed: OrgOut
    relation: str
    rule: str
    rule_text: str
    rule_citation: dict[str, Any]
    confidence: str
    text: str
    evidence: list[DiligenceEvidenceOut]
    affiliations: list[AffiliationOut]


class DiligenceCheckOut(BaseModel):
    subject: str
    kind: str
    as_of: str
    outcome: str
    ror_release: str
    priority: str | None
    priority_filter: dict[str, Any] | None = Field(
        description="what the priority narrowed: works read and in the area, affiliations left out (null: no "
                    "priority given)")
    members: int
    findings: list[DiligenceFindingOut] = Field(
        description="empty when nothing is found (a non-hit is not a clearance)")
    resolved: list[dict[str, Any]]
    unresolved: list[dict[str, Any]]
    not_checked: list[dict[str, str]]
    rule_data_version: str


class PriorityOut(BaseModel):
    row_type: str
    title: str
    us_cet_ids: list[str]
    us_cet_areas: list[str]
    memo_priorities: list[str]
    jp_espa_areas: list[str]
    jp_cao2025_areas: list[str]
    moonshot_goals: list[str]
    overlap: str
    rationale: str
    citation: str
    confidence: str
    record: str


class StrengthOut(BaseModel):
    priority: str
    country: str | None
    countries: list[dict[str, Any]]
    institutions: list[dict[str, Any]]
    institution_pairs: list[dict[str, Any]]
    country_pairs: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    sources: list[str]
    notes: list[str]


Affiliation = Annotated[str, Param(description="An affiliation string in any script, or a ROR id.", max_length=_MAX,
                                   examples=["東京大学大学院工学系研究科"])]
PriorityParam = Annotated[str | None, Param(description="Memo priority: AI, quantum computing, "
                                            "high-energy-density science, biosecurity.", max_length=60)]


@router.get("/v1/research/resolve", tags=["research"], response_model=ResolveOut)
def resolve(affiliation: Affiliation, country: Annotated[str | None, Param(max_length=60)] = None,
            ) -> dict[str, Any]:
    """An affiliation string resolved to its ROR organisation and parent, with the score and the reasons
    (``ror_id`` null when nothing matches)."""
    return service.resolve_affiliation(affiliation, country).to_dict()


@router.get("/v1/research/check", tags=["research"], response_model=DiligenceCheckOut)
def check(query: Annotated[str, Param(description="An institution: name in any script, or ROR id.",
                                      max_length=_MAX, examples=["北京航空航天大学"])],
          priority: PriorityParam = None) -> dict[str, Any]:
    """Due diligence of an institution and its ROR parents against the restricted lists and the cited
    defence-linked data. A query about nationality or ethnicity is refused (422)."""
    return service.check(query, priority).to_dict()


@router.post("/v1/research/team", tags=["research"], response_model=DiligenceCheckOut)
async def team(file: Annotated[UploadFile, File(description="The team (CSV or xlsx): member, openalex_author, "
                                                "affiliations, past_affiliations, funders.")],
               priority: PriorityParam = None) -> dict[str, Any]:
    """Due diligence of a proposal team: every member's affiliations, funders and OpenAlex co-authors' institutions
    (from the bundled works). A member given by name alone is listed as not checked; a nationality or ethnicity
    column is refused (422)."""
    async with saved_upload(file, "team.csv", rules().diligence.max_team_file_bytes) as path:
        return service.check_team(path, priority=priority).to_dict()


REPORT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
                "pdf": "application/pdf"}


@router.get("/v1/research/report", tags=["research"],
            responses={200: {"model": ReportOut, "content": {t: {} for t in REPORT_TYPES.values()},
                             "description": "The check as the report a research office files."}})
def report(query: Annotated[str, Param(max_length=_MAX)], priority: PriorityParam = None,
           format: Literal["json", "csv", "html", "pdf"] = "html") -> Response:
    """The institution check as a filed report (the shared renderer: JSON, CSV, HTML or PDF)."""
    return _report_response(service.check(query, priority).report(), format)


def _report_response(filed: Report, format: str, download: str | None = None) -> Response:
    """``filed`` rendered by the shared renderer; ``download``: sent as an attachment of that file name."""
    headers = {"Content-Disposition": f'attachment; filename="{download}"'} if download else None
    if format == "json":
        return Response(to_json(filed), media_type=REPORT_TYPES[format], headers=headers)
    if format == "html":
        return Response(to_html(filed), media_type=REPORT_TYPES[format], headers=headers)
    if format == "pdf":
        with tempfile.TemporaryDirectory() as folder:
            pdf = render_pdf(to_html(filed), Path(folder) / "report.pdf").read_bytes()
        return Response(pdf, media_type=REPORT_TYPES[format], headers=headers)
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(filed))
    return Response(buffer.getvalue(), media_type=REPORT_TYPES[format], headers=headers)


@router.get("/v1/research/priorities", tags=["research"], response_model=list[PriorityOut])
def priorities(priority: PriorityParam = None,
               search: Annotated[str | None, Param(max_length=100)] = None) -> list[dict[str, Any]]:
    """The priority crosswalk rows (CET 2024 ↔ ESPA ↔ CAO 2025 ↔ Moonshot ↔ memo), filtered."""
    return [row.to_dict() for row in service.priority_rows(priority, search)]


@router.get("/research/priorities.csv", include_in_schema=False)
def priorities_csv(priority: PriorityParam = None,
                   search: Annotated[str | None, Param(max_length=100)] = None) -> Response:
    """The priority crosswalk rows as CSV (formula-safe)."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(row.row() for row in service.priority_rows(priority, search))
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="priority-crosswalk.csv"'})


@router.get("/v1/research/coauthors", tags=["research"], response_model=StrengthOut)
def coauthors(priority: Annotated[str, Param(max_length=60, examples=["quantum computing"])],
              country: Annotated[str | None, Param(min_length=2, max_length=2)] = None,
              year: Annotated[int | None, Param(ge=1900, le=2100)] = None) -> dict[str, Any]:
    """Who is strong in a priority area, and who already works together."""
    return service.strength(priority, country, None, year).to_dict()


# -- console pages ---------------------------------------------------------------------------------------------

@router.get("/research", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, affiliation: str = "", query: str = "", priority: str = "") -> HTMLResponse:
    context: dict[str, Any] = {"affiliation": affiliation, "query": query, "priority": priority,
                               "priorities": memo_priorities()}
    try:
        if affiliation.strip():
            context["resolved"] = service.resolve_affiliation(affiliation[:_MAX]).to_dict()
        if query.strip():
            context["checked"] = service.check(query[:_MAX], priority or None).to_dict()
    except KizunaError as exc:
        context["error"] = str(exc)
    return templates.TemplateResponse(request, "research/index.html", {"active": "research", **context},
                                      status_code=422 if "error" in context else 200)


@router.get("/research/team", response_class=HTMLResponse, include_in_schema=False)
def team_page(request: Request) -> HTMLResponse:
    return _team_page(request, {})


@router.post("/research/team", include_in_schema=False)
async def team_check_page(request: Request, file: Annotated[UploadFile | None, File()] = None,
                          carried: Annotated[str, Form()] = "",
                          filename: Annotated[str, Form(max_length=200)] = "",
                          priority: Annotated[str, Form(max_length=60)] = "",
                          format: Annotated[Literal["page", "json", "csv", "html", "pdf"], Form()] = "page",
                          ) -> Response:
    """A team file checked: the result page, or its report as a download. The page carries the file back
    (base64, within the size limit) so that the downloads check the same file without keeping it here."""
    context: dict[str, Any] = {"priority": priority}
    try:
        upload = file if file is not None and file.filename else _carried_upload(carried, filename)
        async with saved_upload(upload, "team.csv", rules().diligence.max_team_file_bytes) as path:
            result = service.check_team(path, priority=priority or None)
            data = path.read_bytes()
    except KizunaError as exc:
        return _team_page(request, {**context, "error": str(exc)}, 422)
    if format != "page":
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(result.subject).stem)[:60] or "team"
        return _report_response(result.report(), format, f"research-team-{stem}.{format}")
    return _team_page(request, {**context, "checked": result.to_dict(), "filename": result.subject,
                                "carried": base64.b64encode(data).decode("ascii")})


def _carried_upload(carried: str, filename: str) -> UploadFile:
    """The team file the result page carried back, as an upload (checked again like any other)."""
    if not carried:
        raise InputError("choose a team file (CSV or xlsx) to upload", field="file")
    try:
        data = base64.b64decode(carried, validate=True)
    except binascii.Error:
        raise InputError("the carried team file is damaged: upload it again", field="file") from None
    return UploadFile(io.BytesIO(data), filename=Path(filename).name or "team.csv")


def _team_page(request: Request, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, "research/team.html",
                                      {"active": "research", "priorities": memo_priorities(),
                                       "max_bytes": rules().diligence.max_team_file_bytes, **context},
                                      status_code=status_code)


@router.get("/research/priorities", response_class=HTMLResponse, include_in_schema=False)
def priorities_page(request: Request, priority: str = "", search: str = "") -> HTMLResponse:
    context: dict[str, Any] = {"priority": priority, "search": search, "priorities": memo_priorities()}
    try:
        context["rows"] = service.priority_rows(priority or None, search[:100] or None)
    except KizunaError as exc:
        context["error"], context["rows"] = str(exc), []
    return templates.TemplateResponse(request, "research/priorities.html", {"active": "research", **context},
                                      status_code=422 if "error" in context else 200)


@router.get("/research/coauthors", response_class=HTMLResponse, include_in_schema=False)
def coauthors_page(request: Request, priority: str = "quantum computing", country: str = "JP") -> HTMLResponse:
    context: dict[str, Any] = {"priority": priority, "country": country, "priorities": memo_priorities()}
    try:
        result = service.strength(priority, country[:2] or None)
        context["result"] = result.to_dict()
        context["charts"] = _charts(result.to_dict())
    except KizunaError as exc:
        context["error"] = str(exc)
    return templates.TemplateResponse(request, "research/coauthors.html", {"active": "research", **context},
                                      status_code=422 if "error" in context else 200)


def _charts(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Horizontal bar charts (drawn as inline SVG by the template): label, value, bar width in percent."""
    charts = []
    for key, title, label in (("countries", "Works by country", lambda r: r["country"]),
                              ("institutions", "Works by institution", lambda r: r["name"]),
                              ("partners", "Co-authored works with partner countries", lambda r: r["country"]),
                              ("country_pairs", "Co-authored works by country pair",
                               lambda r: f"{r['a']}–{r['b']}")):
        rows = result[key][:12]
        if rows:
            top = max(r["works"] for r in rows) or 1
            charts.append({"key": key, "title": title,
                           "bars": [{"label": label(r), "value": r["works"], "width": round(100 * r["works"] / top, 1)}
                                    for r in rows]})
    return charts
