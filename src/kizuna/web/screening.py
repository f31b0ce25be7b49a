"""Screening: ``POST /v1/screen`` and the console's search page."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, model_validator

from kizuna.core.countries import to_alpha2
from kizuna.core.entity import EntityType
from kizuna.core.errors import InputError
from kizuna.lists.registry import known_lists
from kizuna.screening.model import Query
from kizuna.screening.service import get_screener
from kizuna.web.templating import add_nav, templates

router = APIRouter()
add_nav("screen", "Screen", "/")
PartyType = Literal["person", "organization", "any"]


class Party(BaseModel):
    name: str = Field(min_length=1, max_length=500, examples=["北京航空航天大学"])
    id: str | None = Field(None, description="Your reference, echoed back.")
    country: str | None = Field(None, description="ISO 3166 alpha-2.", examples=["CN"])
    type: PartyType = "any"
    birth_date: str | None = Field(None, description="ISO date or year (persons).")


class ScreenRequest(BaseModel):
    """Either one party (``name`` …) or several (``parties``)."""

    name: str | None = Field(None, min_length=1, max_length=500)
    country: str | None = None
    type: PartyType = "any"
    birth_date: str | None = None
    parties: list[Party] | None = Field(None, min_length=1, max_length=1000)
    lists: list[str] | None = Field(None, description="List codes to screen against (default: all).")
    threshold: float | None = Field(None, ge=0, le=1)
    limit: int = Field(25, ge=1, le=200)

    @model_validator(mode="after")
    def _one_or_many(self) -> ScreenRequest:
        if (self.name is None) == (self.parties is None):
            raise ValueError("give either 'name' or 'parties'")
        return self

    def all_parties(self) -> list[Party]:
        if self.parties is not None:
            return self.parties
        assert self.name is not None
        return [Party(name=self.name, id=None, country=self.country, type=self.type, birth_date=self.birth_date)]


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


def _query(party: Party, lists: list[str] | None) -> Query:
    country = to_alpha2(party.country) if party.country else None
    if party.country and country is None:
        raise InputError(f"unknown country {party.country!r} (use an ISO 3166 alpha-2 code)", field="country")
    entity_type = EntityType.UNKNOWN if party.type == "any" else EntityType(party.type)
    return Query(party.name, country, entity_type, party.birth_date, tuple(lists or ()))


@router.post("/v1/screen", response_model=ScreenResponse, tags=["screening"])
def screen(request: ScreenRequest) -> ScreenResponse:
    """Screen one or many parties against the loaded lists; each hit says why and where it comes from."""
    screener = get_screener()
    threshold = screener.threshold if request.threshold is None else request.threshold
    results = []
    for party in request.all_parties():
        hits = screener.screen(_query(party, request.lists), threshold, request.limit)
        results.append(PartyResult(id=party.id, name=party.name,
                                   hits=[HitOut(**h.to_dict()) for h in hits]))
    return ScreenResponse(snapshot=screener.snapshot_id, threshold=threshold, results=results)


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
