"""Screening: ``POST /v1/screen`` and the console's search page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, model_validator

from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.party import Party
from kizuna.lists.registry import list_info
from kizuna.lists.store import ListStatus, SnapshotStore
from kizuna.screening.api import screen as screen_party
from kizuna.screening.api import screen_many
from kizuna.screening.options import check_batch, check_options, check_party
from kizuna.screening.schemas import HitOut
from kizuna.screening.service import get_screener
from kizuna.screening.tables import limits
from kizuna.web.i18n import gettext
from kizuna.web.results import PartyGroup, Run, entry_url, group_hits, linked_entries, to_csv, to_json
from kizuna.web.templating import templates

router = APIRouter()
PartyType = Literal["person", "organization", "any"]
_LIMITS = limits()


class PartyIn(BaseModel):
    """One party of a screening request, as the client sends it; ``to_party`` checks it into the core ``Party``."""

    name: str = Field(examples=["北京航空航天大学"], description="The party's name, in any script (at most "
                      f"{_LIMITS.max_name_length} characters).")
    id: str | None = Field(None, description="Your reference, echoed back.")
    country: str | None = Field(None, description="ISO 3166 alpha-2.", examples=["CN"])
    type: PartyType = "any"
    birth_date: str | None = Field(None, description="Date of birth (persons): YYYY-MM-DD, YYYY-MM or YYYY.")

    def to_party(self, prefix: str = "") -> Party:
        """The checked party (the command line's rules, ``options.check_party``); errors name ``prefix`` + field."""
        fields = {key: prefix + key for key in ("name", "id", "country", "type", "birth_date")}
        return check_party(self.name, id=self.id, country=self.country, entity_type=self.type,
                           birth_date=self.birth_date, fields=fields)


class ScreenRequest(BaseModel):
    """Either one party (``name`` …) or several (``parties``). Every field is checked by the same rules as the
    command line's options (``kizuna.screening.options``); the bounds are in ``data/screening/limits.yaml``."""

    name: str | None = None
    country: str | None = None
    type: PartyType = "any"
    birth_date: str | None = None
    parties: list[PartyIn] | None = Field(None, description=f"At most {_LIMITS.max_batch:,} parties, "
                                        f"{_LIMITS.max_batch_characters:,} name characters in all.")
    lists: list[str] | None = Field(None, description="Loaded list codes to screen against (default: every "
                                    "loaded list; GET /v1/lists shows them).")
    threshold: float | None = Field(None, description="Minimum score from 0 to 1 (default: the threshold of "
                                    "data/screening/scoring.yaml).")
    limit: int = Field(25, description=f"Most hits per party, 1 to {_LIMITS.max_limit}.")

    @model_validator(mode="after")
    def _one_or_many(self) -> ScreenRequest:
        if (self.name is None) == (self.parties is None):
            raise ValueError("give either 'name' or 'parties'")
        if self.parties is not None and not self.parties:
            raise ValueError("'parties' is empty: give at least one party")
        return self

    def all_parties(self) -> list[tuple[str, PartyIn]]:
        """Each party with the prefix its fields have in error messages."""
        if self.parties is not None:
            return [(f"parties[{i}].", party) for i, party in enumerate(self.parties)]
        assert self.name is not None
        return [("", PartyIn(name=self.name, id=None, country=self.country, type=self.type,
                             birth_date=self.birth_date))]


class PartyResult(BaseModel):
    id: str | None
    name: str
    hits: list[HitOut]


class ScreenResponse(BaseModel):
    snapshot: str
    threshold: float
    results: list[PartyResult]


@router.post("/v1/screen", response_model=ScreenResponse, tags=["screening"], responses={
    413: {"description": "More parties or name characters than one request may screen (limits.yaml)."},
    422: {"description": "A field that cannot be screened as given: an unknown or unloaded list, a threshold "
          "outside 0-1, an empty or over-long name, a date of birth that is not a date…"}})
def screen(request: ScreenRequest) -> ScreenResponse:
    """Screen one or many parties against the loaded lists; each hit says why and where it comes from."""
    screener = get_screener()
    options = check_options(screener.lists, lists=request.lists, threshold=request.threshold,
                            default_threshold=screener.threshold, limit=request.limit)
    given = request.all_parties()
    check_batch([party.name for _, party in given])
    parties = [party.to_party(prefix) for prefix, party in given]
    found = screen_many(parties, lists=options.lists, threshold=options.threshold, limit=options.limit,
                        screener=screener)
    results = [PartyResult(id=party.id, name=party.name, hits=[HitOut.model_validate(hit.to_dict()) for hit in hits])
               for (_, party), hits in zip(given, found, strict=True)]
    return ScreenResponse(snapshot=screener.snapshot_id, threshold=options.threshold, results=results)


# -- console ----------------------------------------------------------------------------------------------

_CONSOLE_LIMIT = 50  # hits fetched for the console (a card holds all its lists); more is said to be cut
_SHOWN = 10  # parties shown before "show all" (printing and exports always hold every party)


@dataclass(slots=True)
class _Search:
    """One console search: the form's values, what went wrong, and the grouped result."""

    q: str
    country: str
    type: PartyType
    lists: list[str]
    threshold: float | None
    error: str | None = None
    groups: list[PartyGroup] | None = None
    hit_count: int = 0
    run: Run | None = None
    loaded: list[ListStatus] = field(default_factory=list)  # the snapshot's lists: what the picker offers


def _threshold(request: Request, text: str) -> tuple[float | None, str | None]:
    if not text.strip():
        return None, None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:  # also refuses NaN
        return None, gettext(request, "threshold must be a number between 0 and 1, not {value}", value=repr(text))
    return value, None


def _unloaded(request: Request, wanted: list[str], loaded: list[ListStatus]) -> str | None:
    codes = {item.code for item in loaded}
    missing = [code for code in wanted if code not in codes]
    if not missing:
        return None
    return gettext(request, "not loaded: {missing}. Loaded lists: {loaded}",
                   missing=", ".join(missing), loaded=", ".join(sorted(codes)))


def _search(request: Request, q: str, country: str, type: PartyType, lists: list[str], threshold: str) -> _Search:
    screener = get_screener()
    cutoff, error = _threshold(request, threshold)
    search = _Search(q, country, type, lists, cutoff, error)
    store = SnapshotStore()
    snapshot = store.open(screener.snapshot_id)
    try:
        loaded = search.loaded = snapshot.lists()
        if not q.strip() or search.error:
            return search
        search.error = _unloaded(request, lists, loaded)
        if search.error:
            return search
        try:
            party = check_party(q, country=country or None, entity_type=type)
        except InputError as exc:
            search.error = str(exc)
            return search
        hits = screen_party(party, lists=lists, threshold=cutoff, limit=_CONSOLE_LIMIT, screener=screener)
        search.hit_count = len(hits)
        search.groups = group_hits(screener.index, snapshot, hits)
        screened = [item for item in loaded if not lists or item.code in lists]
        search.run = Run({"name": q.strip(), "country": country, "type": type if type != "any" else ""},
                         screener.snapshot_id, screener.threshold if cutoff is None else cutoff, screened)
        return search
    finally:
        snapshot.close()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    q: str = "",
    country: str = "",
    type: PartyType = "any",
    lists: list[str] = Param(default=[]),
    threshold: str = "",
) -> HTMLResponse:
    screener = get_screener()
    search = _search(request, q, country, type, lists, threshold)
    context: dict[str, Any] = {"s": search, "loaded_lists": search.loaded, "limit": _CONSOLE_LIMIT,
                               "default_threshold": screener.threshold, "snapshot": screener.snapshot_id,
                               "export_query": request.url.query, "shown": _SHOWN, "active": "screen"}
    return templates.TemplateResponse(request, "search.html", context, status_code=422 if search.error else 200)


@router.get("/results.{fmt}", include_in_schema=False)
def export_results(
    request: Request,
    fmt: Literal["csv", "json"],
    q: str,
    country: str = "",
    type: PartyType = "any",
    lists: list[str] = Param(default=[]),
    threshold: str = "",
) -> Response:
    """The console's current result as a file: the run's metadata first, then every hit with its entry's facts."""
    search = _search(request, q, country, type, lists, threshold)
    if search.error or search.run is None or search.groups is None:
        return JSONResponse({"detail": search.error or "give a name to screen (q)"}, status_code=422)
    stamp = search.run.screened_at.replace(":", "").replace("-", "")[:15]
    filename = f"kizuna-screening-{stamp}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    base = str(request.base_url).rstrip("/")
    if fmt == "csv":
        # A BOM so that spreadsheet programs read the UTF-8 (Japanese and other scripts) correctly.
        return Response("\ufeff" + to_csv(search.run, search.groups, base), media_type="text/csv; charset=utf-8",
                        headers=headers)
    return JSONResponse(to_json(search.run, search.groups, base), headers=headers)


@router.get("/entries/{list_code}/{entry_id:path}", response_class=HTMLResponse, include_in_schema=False)
def entry_page(request: Request, list_code: str, entry_id: str) -> HTMLResponse:
    """One listed entry as its list publishes it: every field, its provenance and its links to other lists."""
    screener = get_screener()
    snapshot = SnapshotStore().open(screener.snapshot_id)
    try:
        entry = snapshot.entry(list_code, entry_id)
        status = next((s for s in snapshot.lists() if s.code == list_code), None)
    except NotFoundError as exc:
        return templates.TemplateResponse(request, "entry.html", {"entry": None, "error": str(exc),
                                                                  "active": "screen"}, status_code=404)
    finally:
        snapshot.close()
    linked = [(code, eid, name, entry_url(code, eid))
              for code, eid, name in linked_entries(screener.index, list_code, entry_id)]
    return templates.TemplateResponse(request, "entry.html", {
        "entry": entry, "info": list_info(list_code), "status": status, "linked": linked,
        "snapshot": screener.snapshot_id, "error": None, "active": "screen"})
