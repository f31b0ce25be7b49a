"""Licence assessment: the API (POST /v1/licensing/assess) and the console form (/licensing), with the printable
determination record (/licensing/record). Stateless: the form's query string is the whole case."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationError

from kizuna.core.errors import InputError, KizunaError
from kizuna.licensing.assess import LicenceAssessment, assess
from kizuna.licensing.ear.rules import rules as ear_rules
from kizuna.licensing.record import record_html
from kizuna.licensing.schemas import LicenceAssessmentOut
from kizuna.licensing.service import build_shipment
from kizuna.web.templating import templates

router = APIRouter()


class ShipmentPartyIn(BaseModel):
    role: Literal["end_user", "consignee", "intermediate", "purchaser"] = "end_user"
    name: str = Field(max_length=500)
    country: str | None = Field(None, max_length=2)
    headquarters: str | None = Field(None, max_length=2)


class ShipmentIn(BaseModel):
    """A shipment as the exporter states it (see ``kizuna licence assess --help``)."""

    exporter: str = Field("US", max_length=2, description="US or JP")
    destination: str = Field(max_length=2)
    item: str | None = Field(None, max_length=100, description="ECCN with paragraph, EAR99/none, chip, …")
    description: str | None = Field(None, max_length=2000)
    parties: list[ShipmentPartyIn] = Field(default_factory=list, max_length=20)
    end_use: str = Field("", max_length=2000)
    end_uses: list[str] = Field(default_factory=list, max_length=20)
    tpp: float | None = None
    die_area_mm2: float | None = None
    pd: float | None = None
    datacenter: bool | None = None
    facts: dict[str, str] = Field(default_factory=dict, max_length=50,
                                  description="Stated facts for the red flags, e.g. {\"cash_payment\": \"yes\"}")


@router.post("/v1/licensing/assess", tags=["licensing"], response_model=LicenceAssessmentOut)
def assess_api(request: ShipmentIn) -> dict[str, Any]:
    """Does this shipment need a licence, under which rule, and why: every rule checked, with its paragraph and
    the edition of its text; "unknown" with the questions to ask when a fact is missing."""
    return _run(request).to_dict()


def _run(given: ShipmentIn) -> LicenceAssessment:
    facts = dict(given.facts)
    if given.datacenter is not None:
        facts["datacenter"] = "yes" if given.datacenter else "no"
    shipment = build_shipment(given.exporter, given.destination, item=given.item, description=given.description,
                              parties=[(p.role, p.name, p.country, p.headquarters) for p in given.parties],
                              end_use=given.end_use, end_uses=given.end_uses, tpp=given.tpp,
                              die_area_mm2=given.die_area_mm2, pd=given.pd, facts=facts)
    return assess(shipment)


FIELDS = ("to", "item", "description", "end_user", "end_user_country", "end_user_hq", "consignee",
          "consignee_country", "intermediate", "intermediate_country", "end_use", "tpp", "die_area", "pd", "facts")


def _values(request: Request) -> dict[str, Any]:
    """The form's fields from the query string (the case is the query string: the record link repeats it)."""
    query = request.query_params
    return {"exporter": query.get("exporter", "US"), **{f: query.get(f, "").strip() for f in FIELDS},
            "end_uses": query.getlist("end_uses")}


def _form(values: dict[str, Any]) -> ShipmentIn:
    parties = [ShipmentPartyIn(role="end_user", name=values["end_user"], country=values["end_user_country"] or None,
                       headquarters=values["end_user_hq"] or None),
               ShipmentPartyIn(role="consignee", name=values["consignee"], country=values["consignee_country"] or None,
                       headquarters=None),
               ShipmentPartyIn(role="intermediate", name=values["intermediate"],
                               country=values["intermediate_country"] or None, headquarters=None)]
    return ShipmentIn(exporter=values["exporter"], destination=values["to"], item=values["item"] or None,
                    description=values["description"] or None, parties=[p for p in parties if p.name],
                    end_use=values["end_use"], end_uses=values["end_uses"], tpp=_number(values["tpp"], "tpp"),
                    die_area_mm2=_number(values["die_area"], "die_area"), pd=_number(values["pd"], "pd"),
                    facts=_facts(values["facts"]))


def _facts(text: str) -> dict[str, str]:
    """``cash_payment=yes, end_use_withheld=yes`` as a dict; InputError naming the field for anything else."""
    found: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, equals, value = part.partition("=")
        if not equals or not name.strip():
            raise InputError(f"{part!r} is not name=value", field="facts")
        found[name.strip()] = value.strip()
    return found


def _number(text: str, field: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{text!r} is not a number", field=field) from None


@router.get("/licensing", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request) -> HTMLResponse:
    values = _values(request)
    context: dict[str, Any] = {"active": "licensing", "form": values, "choices": ear_rules().end_use.choices,
                               "result": None, "error": "", "query": request.url.query}
    if values["to"]:
        try:
            result = _run(_form(values))
            context.update(result=result, answer=result.to_dict())
        except (KizunaError, ValidationError) as exc:
            context["error"] = str(exc)
    return templates.TemplateResponse(request, "licensing/page.html", context,
                                      status_code=400 if context["error"] else 200)


@router.get("/licensing/record", response_class=HTMLResponse, include_in_schema=False)
def record(request: Request) -> HTMLResponse:
    """The determination record of the form's case, to print or file."""
    return HTMLResponse(record_html(_run(_form(_values(request))).report()))
