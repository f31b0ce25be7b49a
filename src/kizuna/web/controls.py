"""Control lists: the ``/v1/controls/…`` API and the console pages (CCL entries and search, the gap matrix, what
changed between two dates)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse

from kizuna.controls import schemas, service
from kizuna.controls.gaps import JURISDICTIONS
from kizuna.core.errors import KizunaError
from kizuna.web.templating import templates

router = APIRouter()
CategoryParam = Annotated[str, Param(description="CCL category or group: 3, 3B (empty: every row).",
                                     max_length=2)]
DateParam = Annotated[str | None, Param(description="YYYY-MM-DD", max_length=10)]


@router.get("/v1/controls/entry/{reference}", tags=["controls"], response_model=schemas.EntryOut)
def entry_api(reference: str) -> dict[str, Any]:
    """An ECCN or paragraph (``3A090.a.2``) or a Wassenaar code: text, notes, related controls, crosswalk rows
    with their confidence (the same as ``kizuna controls entry REF --json``)."""
    return service.entry(reference)


@router.get("/v1/controls/jp/{item}", tags=["controls"], response_model=schemas.JpItemOut)
def jp_item_api(item: str) -> dict[str, Any]:
    """An item (項) of Japan's 別表第一 (``7``, ``3の2``) from the e-Gov text, sentence by sentence."""
    return service.jp_item(item)


@router.get("/v1/controls/search", tags=["controls"], response_model=schemas.SearchOut)
def search_api(q: Annotated[str, Param(min_length=1, max_length=200)], category: CategoryParam = "",
               limit: Annotated[int, Param(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Paragraphs, notes and headings of the CCL holding every word of ``q``."""
    return service.search(q, category or None, limit)


ShowParam = Annotated[str, Param(description="all, unilateral (one jurisdiction alone) or unknown (rows with "
                                             "unknown cells).", max_length=20)]
ByParam = Annotated[str | None, Param(description="Only rows this jurisdiction controls: US, JP, NL, EU, KR, TW, WA.",
                                      max_length=2)]


@router.get("/v1/controls/gaps", tags=["controls"], response_model=schemas.GapsOut)
def gaps_api(category: CategoryParam = "", as_of: DateParam = None, show: ShowParam = "all",
             controlled_by: ByParam = None) -> dict[str, Any]:
    """The gap matrix: per item family, each jurisdiction's control, since when, code and confidence."""
    return service.gap_matrix(category, as_of, show, controlled_by)


@router.get("/v1/controls/diff", tags=["controls"], response_model=schemas.DiffOut)
def diff_api(date_from: Annotated[str, Param(alias="from", max_length=10)],
             date_to: Annotated[str, Param(alias="to", max_length=10)], category: CategoryParam = "") -> dict[str, Any]:
    """What changed between two dates: changed cells of the gap matrix and the measures in between."""
    return service.diff(date_from, date_to, category)


@router.get("/v1/controls/lists", tags=["controls"], response_model=schemas.ControlListsOut)
def lists_api() -> dict[str, Any]:
    """The bundled control lists, each with its date, citation and confidence."""
    return service.lists()


def _page(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    return templates.TemplateResponse(request, f"controls/{template}", {"active": "controls", **context})


@router.get("/controls", response_class=HTMLResponse, include_in_schema=False)
def index_page(request: Request, ref: str = "", q: str = "", category: str = "") -> HTMLResponse:
    """Look up an ECCN or paragraph, or search the CCL's text."""
    context: dict[str, Any] = {"ref": ref, "q": q, "category": category, "entry": None, "search": None,
                               "jp": None, "error": None, "lists": service.lists()["lists"]}
    try:
        jp_item = _jp_reference(ref)
        if jp_item:
            context["jp"] = service.jp_item(jp_item)
        elif ref.strip():
            context["entry"] = service.entry(ref)
        elif q.strip():
            context["search"] = service.search(q[:200], category or None, 100)
    except KizunaError as exc:
        context["error"] = str(exc)
    return _page(request, "index.html", context)


def _jp_reference(ref: str) -> str:
    """``jp 7``, ``7の項`` or ``jp 3の2``: an item of Japan's 別表第一 (else "")."""
    text = ref.strip()
    if text.lower().startswith("jp "):
        return text[3:].strip()
    return text if text.endswith("項") else ""


@router.get("/controls/gaps", response_class=HTMLResponse, include_in_schema=False)
def gaps_page(request: Request, category: str = "3B", as_of: str = "", show: str = "all",
              jurisdiction: str = "") -> HTMLResponse:
    """The gap matrix with filters: category, date, only gaps (unilateral or unknown), one jurisdiction."""
    context: dict[str, Any] = {"category": category, "as_of": as_of, "show": show, "jurisdiction": jurisdiction,
                               "jurisdictions": JURISDICTIONS, "matrix": None, "error": None}
    try:
        context["matrix"] = service.gap_matrix(category, as_of or None, show, jurisdiction or None)
    except KizunaError as exc:
        context["error"] = str(exc)
    return _page(request, "gaps.html", context)


@router.get("/controls/diff", response_class=HTMLResponse, include_in_schema=False)
def diff_page(request: Request, date_from: Annotated[str, Param(alias="from")] = "2023-10-16",
              date_to: Annotated[str, Param(alias="to")] = "2024-12-03", category: str = "") -> HTMLResponse:
    """What changed between two dates."""
    context: dict[str, Any] = {"date_from": date_from, "date_to": date_to, "category": category, "diff": None,
                               "error": None}
    try:
        context["diff"] = service.diff(date_from, date_to, category)
    except KizunaError as exc:
        context["error"] = str(exc)
    return _page(request, "diff.html", context)
