"""Cyber maturity: the ``/v1/cyber`` API and the console pages (assessments, answer entry, reports, registry)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.core.pdf import render_pdf
from kizuna.cyber import schemas, service
from kizuna.cyber.answers import parse_rows, write_answers
from kizuna.cyber.catalog import REV2, catalog_ids, load_catalog
from kizuna.cyber.oscal import _drop_none, assessment_results, poam_document
from kizuna.cyber.profiles import crosswalk, japanese_profile
from kizuna.cyber.registry import STATUSES, Filters, list_registry, policy, register
from kizuna.cyber.report import family_titles, render_html
from kizuna.cyber.service import evaluate, evaluate_stored, import_answers, rules_for
from kizuna.cyber.store import CyberStore, PoamRecord
from kizuna.web.i18n import gettext
from kizuna.web.templating import templates
from kizuna.web.uploads import saved_upload

router = APIRouter()
StatusName = Literal["met", "not_met", "not_applicable", "partial"]


# --- API models --------------------------------------------------------------------------------------------------
class AnswerIn(BaseModel):
    objective_id: str | None = Field(None, examples=["3.1.1[a]"])
    requirement_id: str | None = Field(None, examples=["3.5.3"])
    status: StatusName
    evidence: str = ""
    links: list[str] = Field(default_factory=list)
    assessed_on: date | None = None
    poam: bool | None = Field(None, description="Whether the requirement has a plan of action (for the 3.12.2 rule).")


class ScoreRequest(BaseModel):
    catalog: str = REV2
    assessed_on: date | None = None
    answers: list[AnswerIn] = Field(min_length=1, max_length=5000)


class AssessmentIn(BaseModel):
    organization: str = Field(min_length=1, max_length=300)
    system: str = Field(min_length=1, max_length=300)
    catalog: str = REV2
    assessor: str = ""
    assessed_on: date


class RegistrationIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    country: str
    sector: str
    assessment_id: int | None = None
    sprs_score: int | None = None
    cmmc_status: Literal["final", "conditional", "not_eligible"] | None = None
    assessed_on: date | None = None
    assessor: str = ""
    evidence_summary: str = ""


class PoamIn(BaseModel):
    owner: str = Field(min_length=1)
    owners: dict[str, str] = Field(default_factory=dict, description="requirement / family / domain -> owner")
    due_days: int | None = Field(None, ge=0, le=3650)


def _rows(answers: list[AnswerIn]) -> list[tuple[int, dict[str, Any]]]:
    with_poam = any(a.poam is not None for a in answers)
    rows = []
    for index, a in enumerate(answers, start=1):  # the 'line' of an error is the answer's position
        row: dict[str, Any] = {"objective_id": a.objective_id or "", "requirement_id": a.requirement_id or "",
                               "status": a.status, "evidence": a.evidence, "links": " ".join(a.links),
                               "assessed_on": a.assessed_on.isoformat() if a.assessed_on else ""}
        if with_poam:
            row["poam"] = "yes" if a.poam else "no"
        rows.append((index, row))
    return rows


# --- API ---------------------------------------------------------------------------------------------------------
@router.get("/v1/cyber/catalogs", tags=["cyber"], response_model=list[schemas.CatalogOut])
def api_catalogs() -> list[dict[str, Any]]:
    """Catalogs that can be assessed (bundled NIST SP 800-171 Rev 2 and Rev 3, and imported ones)."""
    return [load_catalog(cid).to_summary() for cid in catalog_ids()]


@router.post("/v1/cyber/score", tags=["cyber"], response_model=schemas.EvaluationOut)
def api_score(request: ScoreRequest) -> dict[str, Any]:
    """Score answers (objective- or requirement-level): SPRS score, CMMC Level 2 status, every deduction and why.

    Errors name the answer by its index in ``answers`` (as ``line``)."""
    catalog = load_catalog(request.catalog)
    answers = parse_rows(_rows(request.answers), catalog, rules_for(catalog), "answers")
    return evaluate(catalog, answers, request.assessed_on or date.today()).to_dict()


@router.get("/v1/cyber/assessments", tags=["cyber"], response_model=list[schemas.AssessmentOut])
def api_assessments() -> list[dict[str, Any]]:
    with CyberStore() as store:
        return [r.to_dict() for r in store.assessments()]


@router.post("/v1/cyber/assessments", tags=["cyber"], status_code=201, response_model=schemas.AssessmentOut)
def api_create(body: AssessmentIn) -> dict[str, Any]:
    load_catalog(body.catalog)
    with CyberStore() as store:
        assessment_id = store.create(body.organization, body.system, body.catalog, body.assessor, body.assessed_on)
        return store.get(assessment_id).to_dict()


@router.get("/v1/cyber/assessments/{assessment_id}", tags=["cyber"], response_model=schemas.EvaluationOut)
def api_assessment(assessment_id: int, revision: int | None = None) -> dict[str, Any]:
    """A stored assessment evaluated: score, status, deductions, fixes, POA&M."""
    with CyberStore() as store:
        return evaluate_stored(store, assessment_id, revision).to_dict()


@router.put("/v1/cyber/assessments/{assessment_id}/answers", tags=["cyber"],
            response_model=schemas.SavedEvaluationOut)
def api_put_answers(assessment_id: int, answers: list[AnswerIn]) -> dict[str, Any]:
    """Store answers as a new revision (checked completely first; nothing is stored on error)."""
    with CyberStore() as store:
        catalog = load_catalog(store.get(assessment_id).catalog_id)
        parsed = parse_rows(_rows(answers), catalog, rules_for(catalog), "answers")
        revision = store.save_answers(assessment_id, parsed, note="saved through the API")
        return {"revision": revision, **evaluate_stored(store, assessment_id).to_dict()}


@router.get("/v1/cyber/assessments/{assessment_id}/history", tags=["cyber"],
            response_model=list[schemas.HistoryOut])
def api_history(assessment_id: int) -> list[dict[str, Any]]:
    """Every saved revision with the score and status it gives under today's rules."""
    with CyberStore() as store:
        return service.history(store, assessment_id)


@router.post("/v1/cyber/assessments/{assessment_id}/poam", tags=["cyber"], response_model=list[PoamRecord])
def api_poam(assessment_id: int, body: PoamIn) -> list[dict[str, Any]]:
    """Generate and store the POA&M from the unmet objectives."""
    with CyberStore() as store:
        return [i.to_dict() for i in service.make_poam(store, assessment_id, body.owner, body.owners, body.due_days)]


@router.get("/v1/cyber/assessments/{assessment_id}/oscal/{kind}", tags=["cyber"],
            responses={200: {"description": "The OSCAL JSON document (NIST OSCAL 1.1 schema).",
                             "model": schemas.OscalDocumentOut}})
def api_oscal(assessment_id: int, kind: Literal["assessment-results", "poam"]) -> JSONResponse:
    """OSCAL assessment-results or plan-of-action-and-milestones JSON."""
    with CyberStore() as store:
        ev = evaluate_stored(store, assessment_id)
    document = assessment_results(ev) if kind == "assessment-results" else poam_document(ev)
    return JSONResponse(_drop_none(document), headers={
        "Content-Disposition": f'attachment; filename="assessment-{assessment_id}-{kind}.json"'})


@router.get("/v1/cyber/registry", tags=["cyber"], response_model=list[schemas.RegistryRowOut])
def api_registry(
    min_score: int | None = None,
    status: Annotated[list[str] | None, Param()] = None,
    max_age_days: int | None = None,
    sector: str | None = None,
    country: str | None = None,
    trusted: bool = False,
) -> list[dict[str, Any]]:
    """Registered companies, each with its cyber score beside its restricted-party screening."""
    with CyberStore() as store:
        return [v.to_dict() for v in list_registry(store, _filters(min_score, status, max_age_days, sector, country,
                                                                   trusted))]


@router.post("/v1/cyber/registry", tags=["cyber"], status_code=201, response_model=schemas.RegisteredOut)
def api_register(body: RegistrationIn) -> dict[str, Any]:
    with CyberStore() as store:
        company_id = register(store, body.name, body.country, body.sector, assessment_id=body.assessment_id,
                              sprs_score=body.sprs_score, cmmc_status=body.cmmc_status,
                              assessed_on=body.assessed_on.isoformat() if body.assessed_on else None,
                              assessor=body.assessor, evidence_summary=body.evidence_summary)
    return {"company_id": company_id}


def _filters(min_score: int | None, status: list[str] | None, max_age_days: int | None, sector: str | None,
             country: str | None, trusted: bool) -> Filters:
    for value in status or []:
        if value not in STATUSES:
            raise InputError(f"status must be one of {', '.join(STATUSES)}", field="status")
    return Filters(min_score, tuple(status or ()), max_age_days, sector or None, country or None, trusted)


# --- console -----------------------------------------------------------------------------------------------------
def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, f"cyber/{name}", context, status_code=status_code)


@router.get("/cyber", response_class=HTMLResponse, include_in_schema=False)
def assessments_page(request: Request, error: str = "") -> HTMLResponse:
    with CyberStore() as store:
        rows = []
        for record in store.assessments():
            ev = evaluate_stored(store, record.id)
            rows.append((record, ev))
    return _page(request, "index.html", {"active": "cyber", "rows": rows, "catalogs": catalog_ids(),
                                         "error": error, "today": date.today().isoformat()})


@router.post("/cyber/assessments", include_in_schema=False)
def create_page(request: Request, organization: Annotated[str, Form()], system: Annotated[str, Form()],
                catalog: Annotated[str, Form()] = REV2, assessor: Annotated[str, Form()] = "",
                assessed_on: Annotated[str, Form()] = "") -> Response:
    try:
        day = date.fromisoformat(assessed_on) if assessed_on else date.today()
        load_catalog(catalog)
        with CyberStore() as store:
            assessment_id = store.create(organization, system, catalog, assessor, day)
    except (KizunaError, ValueError) as exc:
        return assessments_page(request, error=str(exc))
    return RedirectResponse(f"/cyber/assessments/{assessment_id}", status_code=303)


def _overview(request: Request, assessment_id: int, message: str = "", error: str = "",
              status_code: int = 200) -> HTMLResponse:
    with CyberStore() as store:
        ev = evaluate_stored(store, assessment_id)
        history = store.history(assessment_id)
        scores = {h.revision: evaluate_stored(store, assessment_id, h.revision) for h in history[-10:]}
    return _page(request, "assessment.html", {
        "active": "cyber", "ev": ev, "record": ev.record, "progress": service.progress(ev), "titles": family_titles(ev),
        "history": history, "scores": scores, "message": message, "error": error}, status_code)


@router.get("/cyber/assessments/{assessment_id}", response_class=HTMLResponse, include_in_schema=False)
def assessment_page(request: Request, assessment_id: int, saved: int | None = None,
                    poam: int | None = None) -> HTMLResponse:
    message = (gettext(request, "saved revision {n}", n=saved) if saved else
               gettext(request, "POA&M generated: {n} items", n=poam) if poam is not None else "")
    return _overview(request, assessment_id, message=message)


@router.get("/cyber/assessments/{assessment_id}/family/{family_id}", response_class=HTMLResponse,
            include_in_schema=False)
def family_page(request: Request, assessment_id: int, family_id: str, error: str = "",
                status_code: int = 200) -> HTMLResponse:
    with CyberStore() as store:
        ev = evaluate_stored(store, assessment_id)
    family = service.family(ev.catalog, family_id)
    rules = rules_for(ev.catalog)
    results = {r.id: r for r in ev.report.requirements}
    jp = japanese_profile() if ev.catalog.id == REV2 else None
    return _page(request, "family.html", {
        "active": "cyber", "ev": ev, "record": ev.record, "family": family, "title": family_titles(ev)[family.id],
        "requirements": [ev.catalog.requirements[rid] for rid in family.requirement_ids], "results": results,
        "rules": rules, "jp": jp, "error": error}, status_code)


@router.post("/cyber/assessments/{assessment_id}/family/{family_id}", include_in_schema=False)
async def save_family(request: Request, assessment_id: int, family_id: str) -> Response:
    """Save one family's answers as a new revision; the other families' answers are carried over."""
    form = await request.form()
    with CyberStore() as store:
        catalog = load_catalog(store.get(assessment_id).catalog_id)
        rows: list[tuple[int, dict[str, Any]]] = []
        for rid in service.family(catalog, family_id).requirement_ids:
            for objective in catalog.requirements[rid].objectives:
                status = str(form.get(f"s::{objective.id}", ""))
                if status:
                    rows.append((len(rows) + 1, {
                        "objective_id": objective.id, "status": status,
                        "evidence": str(form.get(f"e::{objective.id}", "")),
                        "links": str(form.get(f"l::{objective.id}", "")),
                        "assessed_on": str(form.get(f"d::{objective.id}", ""))}))
            if form.get(f"p::{rid}"):
                rows.append((len(rows) + 1, {"requirement_id": rid, "status": "partial"}))
        try:
            revision = service.save_family(store, assessment_id, family_id, rows, author=str(form.get("author", "")))
        except InputError as exc:
            return family_page(request, assessment_id, family_id, error=str(exc), status_code=422)
    return RedirectResponse(f"/cyber/assessments/{assessment_id}?saved={revision}", status_code=303)


@router.post("/cyber/assessments/{assessment_id}/import", include_in_schema=False)
async def import_page(request: Request, assessment_id: int, file: Annotated[UploadFile, File()]) -> Response:
    try:
        async with saved_upload(file, "answers.csv") as path:
            with CyberStore() as store:
                revision = import_answers(store, assessment_id, path, author="console upload")
    except InputError as exc:
        return _overview(request, assessment_id, error=str(exc), status_code=422)
    return RedirectResponse(f"/cyber/assessments/{assessment_id}?saved={revision}", status_code=303)


@router.post("/cyber/assessments/{assessment_id}/poam", include_in_schema=False)
def poam_page(request: Request, assessment_id: int, owner: Annotated[str, Form()],
              due_days: Annotated[str, Form()] = "") -> Response:
    try:
        days = int(due_days) if due_days.strip() else None
        with CyberStore() as store:
            items = service.make_poam(store, assessment_id, owner, {}, days)
    except (InputError, ValueError) as exc:
        return _overview(request, assessment_id, error=str(exc), status_code=422)
    return RedirectResponse(f"/cyber/assessments/{assessment_id}?poam={len(items)}", status_code=303)


@router.get("/cyber/assessments/{assessment_id}/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(assessment_id: int) -> HTMLResponse:
    with CyberStore() as store:
        return HTMLResponse(render_html(evaluate_stored(store, assessment_id)))


@router.get("/cyber/assessments/{assessment_id}/report.pdf", include_in_schema=False)
def report_pdf(assessment_id: int) -> Response:
    with CyberStore() as store:
        html = render_html(evaluate_stored(store, assessment_id))
    with tempfile.TemporaryDirectory(prefix="kizuna-report-") as work:
        data = render_pdf(html, Path(work) / "report.pdf").read_bytes()
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="assessment-{assessment_id}-report.pdf"'})


@router.get("/cyber/assessments/{assessment_id}/answers.{fmt}", include_in_schema=False)
def export_page(assessment_id: int, fmt: Literal["csv", "xlsx"]) -> Response:
    with CyberStore() as store:
        ev = evaluate_stored(store, assessment_id)
    with tempfile.TemporaryDirectory(prefix="kizuna-export-") as work:
        path = Path(work) / f"answers.{fmt}"
        write_answers(path, ev.catalog, ev.answers)
        data = path.read_bytes()
    media = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="assessment-{assessment_id}.{fmt}"'})


@router.get("/cyber/profiles", response_class=HTMLResponse, include_in_schema=False)
def profiles_page(request: Request) -> HTMLResponse:
    return _page(request, "profiles.html", {"active": "cyber", "rows": crosswalk(), "jp": japanese_profile()})


@router.get("/cyber/registry", response_class=HTMLResponse, include_in_schema=False)
def registry_page(request: Request, min_score: str = "", status: Annotated[list[str] | None, Param()] = None,
                  max_age_days: str = "", sector: str = "", country: str = "", trusted: str = "",
                  error: str = "", status_code: int = 200) -> HTMLResponse:
    views: list[Any] = []
    try:
        filters = _filters(int(min_score) if min_score.strip() else None, status,
                           int(max_age_days) if max_age_days.strip() else None, sector, country, bool(trusted))
        with CyberStore() as store:
            views = list_registry(store, filters)
            assessments = store.assessments()
    except ValueError:
        error, assessments = gettext(request, "score and age must be whole numbers"), []
    except InputError as exc:
        error, assessments = str(exc), []
    return _page(request, "registry.html", {
        "active": "registry", "views": views, "statuses": STATUSES, "sectors": policy().sectors,
        "assessments": assessments, "error": error,
        "f": {"min_score": min_score, "status": status or [], "max_age_days": max_age_days, "sector": sector,
              "country": country, "trusted": trusted}}, status_code)


@router.post("/cyber/registry", include_in_schema=False)
def register_page(request: Request, name: Annotated[str, Form()], country: Annotated[str, Form()],
                  sector: Annotated[str, Form()], assessment_id: Annotated[str, Form()] = "",
                  evidence_summary: Annotated[str, Form()] = "") -> Response:
    try:
        with CyberStore() as store:
            register(store, name, country, sector, assessment_id=int(assessment_id) if assessment_id else None,
                     evidence_summary=evidence_summary)
    except (InputError, NotFoundError, ValueError) as exc:
        return registry_page(request, error=str(exc), status_code=422)
    return RedirectResponse("/cyber/registry", status_code=303)
