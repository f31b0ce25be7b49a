"""Licence assessment: the API (POST /v1/licensing/assess) and the console form (/licensing), with the printable
determination record (/licensing/record). Stateless: the form's query string is the whole case."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from kizuna.core.errors import KizunaError
from kizuna.licensing.assess import Assessment, assess
from kizuna.licensing.ear.rules import rules as ear_rules
from kizuna.licensing.record import record_html
from kizuna.licensing.service import build_shipment
from kizuna.web.templating import templates

router = APIRouter()


class PartyIn(BaseModel):
    role: Literal["end_user", "consignee", "intermediate", "purchaser"] = "end_user"
    name: str = Field(max_length=500)
    country: str | None = Field(None, max_length=2)
    headquarters: str | None = Field(None, max_length=2)


class AssessIn(BaseModel):
    """A shipment as the exporter states it (see ``kizuna licence assess --help``)."""

    exporter: str = Field("US", max_length=2, description="US or JP")
    destination: str = Field(max_length=2)
    item: str | None = Field(None, max_length=100, description="ECCN with paragraph, EAR99/none, chip, …")
    description: str | None = Field(None, max_length=2000)
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    end_use: str = Field("", max_length=2000)
    end_uses: list[str] = Field(default_factory=list, max_length=20)
    tpp: float | None = None
    die_area_mm2: float | None = None
    pd: float | None = None
    datacenter: bool | None = None


@router.post("/v1/licensing/assess", tags=["licensing"])
def assess_api(request: AssessIn) -> dict[str, Any]:
    """Does this shipment need a licence, under which rule, and why: every rule checked, with its paragraph and
    the edition of its text; "unknown" with the questions to ask when a fact is missing."""
    return _run(request).to_dict()


def _run(given: AssessIn) -> Assessment:
    facts = {} if given.datacenter is None else {"datacenter": "yes" if given.datacenter else "no"}
    shipment = build_shipment(given.exporter, given.destination, item=given.item, description=given.description,
                              parties=[(p.role, p.name, p.country, p.headquarters) for p in given.parties],
                              end_use=given.end_use, end_uses=given.end_uses, tpp=given.tpp,
                              die_area_mm2=given.die_area_mm2, pd=given.pd, facts=facts)
    return assess(shipment)


def _form(exporter: str, to: str, item: str, description: str, end_user: str, end_user_country: str,
          end_user_hq: str, consignee: str, consignee_country: str, end_use: str, end_uses: list[str], tpp: str,
          die_area: str, pd: str) -> AssessIn:
    parties = [PartyIn(role="end_user", name=end_user, country=end_user_country or None,
                       headquarters=end_user_hq or None),
               PartyIn(role="consignee", name=consignee, country=consignee_country or None)]
    return AssessIn(exporter=exporter, destination=to, item=item or None, description=description or None,
                    parties=[p for p in parties if p.name.strip()], end_use=end_use, end_uses=end_uses,
                    tpp=_number(tpp, "tpp"), die_area_mm2=_number(die_area, "die_area"), pd=_number(pd, "pd"))


def _number(text: str, field: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise KizunaError(f"{field}: {text!r} is not a number") from None


@router.get("/licensing", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, exporter: str = "US", to: str = "", item: str = "", description: str = "",
         end_user: str = "", end_user_country: str = "", end_user_hq: str = "", consignee: str = "",
         consignee_country: str = "", end_use: str = "", end_uses: list[str] = Query(default=[]),  # noqa: B008
         tpp: str = "", die_area: str = "", pd: str = "") -> HTMLResponse:
    values = {"exporter": exporter, "to": to, "item": item, "description": description, "end_user": end_user,
              "end_user_country": end_user_country, "end_user_hq": end_user_hq, "consignee": consignee,
              "consignee_country": consignee_country, "end_use": end_use, "end_uses": end_uses, "tpp": tpp,
              "die_area": die_area, "pd": pd}
    context: dict[str, Any] = {"active": "licensing", "form": values, "choices": ear_rules().end_use.choices,
                               "result": None, "error": "", "query": request.url.query}
    if to:
        try:
            result = _run(_form(**values))
            context.update(result=result, answer=result.to_dict())
        except (KizunaError, ValueError) as exc:
            context["error"] = str(exc)
    return templates.TemplateResponse(request, "licensing/page.html", context,
                                      status_code=400 if context["error"] else 200)


@router.get("/licensing/record", response_class=HTMLResponse, include_in_schema=False)
def record(request: Request, exporter: str = "US", to: str = "", item: str = "", description: str = "",
           end_user: str = "", end_user_country: str = "", end_user_hq: str = "", consignee: str = "",
           consignee_country: str = "", end_use: str = "", end_uses: list[str] = Query(default=[]),  # noqa: B008
           tpp: str = "", die_area: str = "", pd: str = "") -> HTMLResponse:
    """The determination record of the form's case, to print or file."""
    given = _form(exporter, to, item, description, end_user, end_user_country, end_user_hq, consignee,
                  consignee_country, end_use, end_uses, tpp, die_area, pd)
    return HTMLResponse(record_html(_run(given).report()))
