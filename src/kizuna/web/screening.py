"""Screening: ``POST /v1/screen`` and the console's search page."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, model_validator

from kizuna.core.errors import InputError
from kizuna.lists.registry import known_lists
from kizuna.screening.model import Query
from kizuna.screening.options import check_batch, check_options, check_text, make_query
from kizuna.screening.service import get_screener
from kizuna.screening.tables import limits
from kizuna.web.templating import add_nav, templates

router = APIRouter()
add_nav("screen", "Screen", "/")
PartyType = Literal["person", "organization", "any"]
_LIMITS = limits()


class Party(BaseModel):
    name: str = Field(examples=["北京航空航天大学"], description="The party's name, in any script (at most "
                      f"{_LIMITS['max_name_length']} characters).")
    id: str | None = Field(None, description="Your reference, echoed back.")
    country: str | None = Field(None, description="ISO 3166 alpha-2.", examples=["CN"])
    type: PartyType = "any"
    birth_date: str | None = Field(None, description="Date of birth (persons): YYYY-MM-DD, YYYY-MM or YYYY.")


class ScreenRequest(BaseModel):
    """Either one party (``name`` …) or several (``parties``). Every field is checked by the same rules as the
    command line's options (``kizuna.screening.options``); the bounds are in ``data/screening/limits.yaml``."""

    name: str | None = None
    country: str | None = None
    type: PartyType = "any"
    birth_date: str | None = None
    parties: list[Party] | None = Field(None, description=f"At most {_LIMITS['max_batch']:,} parties, "
                                        f"{_LIMITS['max_batch_characters']:,} name characters in all.")
    lists: list[str] | None = Field(None, description="Loaded list codes to screen against (default: every "
                                    "loaded list; GET /v1/lists shows them).")
    threshold: float | None = Field(None, description="Minimum score from 0 to 1 (default: the threshold of "
                                    "data/screening/scoring.yaml).")
    limit: int = Field(25, description=f"Most hits per party, 1 to {_LIMITS['max_limit']}.")

    @model_validator(mode="after")
    def _one_or_many(self) -> ScreenRequest:
        if (self.name is None) == (self.parties is None):
            raise ValueError("give either 'name' or 'parties'")
        if self.parties is not None and not self.parties:
            raise ValueError("'parties' is empty: give at least one party")
        return self

    def all_parties(self) -> list[tuple[str, Party]]:
        """Each party with the prefix its fields have in error messages."""
        if self.parties is not None:
            return [(f"parties[{i}].", party) for i, party in enumerate(self.parties)]
        assert self.name is not None
        return [("", Party(name=self.name, id=None, country=self.country, type=self.type,
                           birth_date=self.birth_date))]


class HitOut(BaseModel):
    list_: str = Field(alias="list")
    entry_id: str
    name: str
    matched_name: str
    score: float
    explanation: str
    source_url: str
    data_date: str
    entity_type: str
    countries: list[str]
    parts: dict[str, Any]


class PartyResult(BaseModel):
    id: str | None
    name: str
    hits: list[HitOut]


class ScreenResponse(BaseModel):
    snapshot: str
    threshold: float
    results: list[PartyResult]


def _query(party: Party, lists: list[str] | None, prefix: str = "") -> Query:
    fields = {key: prefix + key for key in ("name", "country", "type", "birth_date")}
    if party.id is not None:
        check_text(party.id, prefix + "id")
    return make_query(party.name, country=party.country, entity_type=party.type, birth_date=party.birth_date,
                      lists=tuple(lists or ()), fields=fields)


@router.post("/v1/screen", response_model=ScreenResponse, tags=["screening"], responses={
    413: {"description": "More parties or name characters than one request may screen (limits.yaml)."},
    422: {"description": "A field that cannot be screened as given: an unknown or unloaded list, a threshold "
          "outside 0-1, an empty or over-long name, a date of birth that is not a date…"}})
def screen(request: ScreenRequest) -> ScreenResponse:
    """Screen one or many parties against the loaded lists; each hit says why and where it comes from."""
    screener = get_screener()
    options = check_options(screener.lists, lists=request.lists, threshold=request.threshold,
                            default_threshold=screener.threshold, limit=request.limit)
    parties = request.all_parties()
    check_batch([party.name for _, party in parties])
    queries = [(party, _query(party, list(options.lists), prefix)) for prefix, party in parties]
    results = [PartyResult(id=party.id, name=party.name,
                           hits=[HitOut(**h.to_dict()) for h in screener.screen(query, options.threshold,
                                                                                  options.limit)])
               for party, query in queries]
    return ScreenResponse(snapshot=screener.snapshot_id, threshold=options.threshold, results=results)


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
    error = None
    try:
        cutoff = float(threshold) if threshold.strip() else None
    except ValueError:
        cutoff, error = None, f"threshold must be a number between 0 and 1, not {threshold!r}"
    context: dict[str, Any] = {"q": q, "country": country, "type": type, "lists": lists, "hits": None,
                               "error": error, "known_lists": known_lists(), "threshold": cutoff,
                               "default_threshold": screener.threshold, "snapshot": screener.snapshot_id,
                               "active": "screen"}
    if q.strip() and error is None:
        try:
            query = _query(Party(name=q.strip()[:500], id=None, country=country or None, type=type, birth_date=None),
                           lists)
            context["hits"] = screener.screen(query, cutoff)
        except InputError as exc:
            context["error"] = str(exc)
    return templates.TemplateResponse(request, "search.html", context)
