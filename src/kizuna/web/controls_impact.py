"""The impact of a proposed control: ``/v1/controls/impact`` (GET on shipped trade data, POST with an upload) and
the console form ``/controls/impact``; all three call ``kizuna.controls.impact.impact``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Query as Param
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from kizuna.controls import impact as service
from kizuna.core.errors import InputError
from kizuna.web.templating import templates
from kizuna.web.uploads import saved_upload

router = APIRouter()
DEFAULT_DATASET = "taiwan-8542"


class SupplierOut(BaseModel):
    exporter: str
    name: str
    value: int | float  # USD: whole values stay integers, as in the command's JSON
    share: float
    diversion_gain: float | None = None


class DiversionOut(BaseModel):
    formula: str
    tariff_equivalent: float
    tariff_equivalent_from: str
    elasticity: float | None
    share_shift: float | None
    diverted_value: float | None
    reason: str | None


class RowOut(BaseModel):
    destination: str
    destination_name: str
    product: str
    adopters: list[str]
    year: int
    total_value: int | float
    covered_value: int | float
    covered_share: float | None
    foreign_availability_share: float | None
    non_adopting_value: int | float
    non_adopting_suppliers: int
    top_non_adopting_suppliers: list[SupplierOut]
    basis: str
    diversion: DiversionOut
    notes: list[str]


class ControlImpactOut(BaseModel):
    """One destination, product and adopter set: the row's keys at the top level; several: ``rows``."""

    destination: str | None = None
    destination_name: str | None = None
    product: str | None = None
    adopters: list[str] | None = None
    total_value: int | float | None = None
    covered_value: int | float | None = None
    covered_share: float | None = None
    foreign_availability_share: float | None = None
    non_adopting_value: int | float | None = None
    non_adopting_suppliers: int | None = None
    top_non_adopting_suppliers: list[SupplierOut] | None = None
    basis: str | None = None
    diversion: DiversionOut | None = None
    notes: list[str] | None = None
    rows: list[RowOut] | None = None
    year: int
    unit: str
    trade: dict[str, str]
    products: list[dict[str, Any]]
    adopter_sets: list[list[str]]
    tariff_equivalent: float | None
    definitions: dict[str, str]
    diversion_model: dict[str, Any]
    not_captured: list[str]
    skipped_rows: dict[str, int]
    indicative: dict[str, str] | None = None


def _sets(values: list[str] | None) -> list[list[str]]:
    """Adopter sets from repeated values, each also split on spaces ("US,JP US,JP,NL")."""
    return [[one] for value in values or [] for one in value.split()]


def _run(trade: Path | None, dataset: str | None, hs: str, eccn: str, to: str, adopters: str,
         compare: list[str] | None, year: int | None, tariff_equivalent: float | None,
         name: str | None = None) -> service.ControlImpact:
    return service.impact(trade, dataset=dataset, hs=[hs], eccn=[eccn], destinations=[to], adopters=[adopters],
                          compare=_sets(compare), year=year, tariff_equivalent=tariff_equivalent, name=name)


HsParam = Annotated[str, Param(description="HS codes, comma-separated.", examples=["854231,854232"])]
EccnParam = Annotated[str, Param(description="ECCNs (mapped to HS-6 through the indicative table).")]
ToParam = Annotated[str, Param(description="Destinations, ISO alpha-2, comma-separated.", examples=["CN,HK"])]
AdoptersParam = Annotated[str, Param(description="Adopting countries, ISO alpha-2.", examples=["TW"])]
CompareParam = Annotated[list[str] | None, Param(description="Adopter sets to compare (repeat, or separate by "
                                                 "spaces): US,JP US,JP,NL.")]
YearParam = Annotated[int | None, Param(ge=1900, le=2100, description="Year (default: the latest in the file).")]
TariffParam = Annotated[float | None, Param(gt=0, description="The control's cost as an ad-valorem tariff "
                                            "equivalent for the diversion estimate (default: per 1 %).")]


@router.get("/v1/controls/impact", tags=["controls"], response_model=ControlImpactOut,
            response_model_exclude_unset=True)
def impact_shipped(to: ToParam, hs: HsParam = "", eccn: EccnParam = "", adopters: AdoptersParam = "",
                   compare: CompareParam = None, year: YearParam = None, tariff_equivalent: TariffParam = None,
                   dataset: Annotated[str, Param(description="A shipped trade file.")] = DEFAULT_DATASET,
                   ) -> dict[str, Any]:
    """The impact of a proposed control on a shipped trade file (the same answer as ``kizuna controls impact
    --dataset NAME --json``)."""
    return _run(None, dataset, hs, eccn, to, adopters, compare, year, tariff_equivalent).to_dict()


@router.post("/v1/controls/impact", tags=["controls"], response_model=ControlImpactOut,
             response_model_exclude_unset=True)
async def impact_upload(file: Annotated[UploadFile, File(description="CEPII BACI or UN Comtrade file (CSV/xlsx).")],
                        to: Annotated[str, Form()], hs: Annotated[str, Form()] = "",
                        eccn: Annotated[str, Form()] = "", adopters: Annotated[str, Form()] = "",
                        compare: Annotated[list[str] | None, Form()] = None,
                        year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
                        tariff_equivalent: Annotated[float | None, Form(gt=0)] = None) -> dict[str, Any]:
    """The impact of a proposed control on an uploaded trade file (``kizuna controls impact --trade FILE``)."""
    async with saved_upload(file, "trade.csv") as path:
        return _run(path, None, hs, eccn, to, adopters, compare, year, tariff_equivalent, name=path.name).to_dict()


@router.get("/controls/impact", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, to: str = "", hs: str = "", eccn: str = "", adopters: str = "", compare: str = "",
         year: str = "", tariff_equivalent: str = "", dataset: str = DEFAULT_DATASET) -> HTMLResponse:
    """The console form on a shipped trade file; it answers once a destination is given."""
    form = {"to": to, "hs": hs, "eccn": eccn, "adopters": adopters, "compare": compare, "year": year,
            "tariff_equivalent": tariff_equivalent, "dataset": dataset}
    return _answer(request, form, None, dataset) if to.strip() else _page(request, form)


@router.post("/controls/impact", response_class=HTMLResponse, include_in_schema=False)
async def page_upload(request: Request, file: Annotated[UploadFile | None, File()] = None,
                      to: Annotated[str, Form()] = "", hs: Annotated[str, Form()] = "",
                      eccn: Annotated[str, Form()] = "", adopters: Annotated[str, Form()] = "",
                      compare: Annotated[str, Form()] = "", year: Annotated[str, Form()] = "",
                      tariff_equivalent: Annotated[str, Form()] = "",
                      dataset: Annotated[str, Form()] = DEFAULT_DATASET) -> HTMLResponse:
    """The console form with the user's own trade file (else the shipped one chosen)."""
    if file is None or not file.filename:
        return page(request, to, hs, eccn, adopters, compare, year, tariff_equivalent, dataset)
    form = {"to": to, "hs": hs, "eccn": eccn, "adopters": adopters, "compare": compare, "year": year,
            "tariff_equivalent": tariff_equivalent, "dataset": ""}
    async with saved_upload(file, "trade.csv") as path:
        return _answer(request, form, path, None)


def _answer(request: Request, form: dict[str, str], trade: Path | None, dataset: str | None) -> HTMLResponse:
    """The page with the answer to ``form`` (or its error, naming an upload by the sender's file name)."""
    try:
        result = _run(trade, dataset, form["hs"], form["eccn"], form["to"], form["adopters"], [form["compare"]],
                      _number(form["year"], int, "year"), _number(form["tariff_equivalent"], float,
                                                                  "tariff equivalent"),
                      name=trade.name if trade else None)
    except InputError as exc:
        return _page(request, form, error=str(exc.renamed(trade, trade.name) if trade else exc))
    return _page(request, form, result)


def _page(request: Request, form: dict[str, str], result: service.ControlImpact | None = None,
          error: str | None = None) -> HTMLResponse:
    data = result.to_dict() if result else None
    context = {"active": "controls-impact", "form": form, "error": error, "data": data,
               "rows": (data.get("rows") or [data]) if data else [], "datasets": service.model().datasets,
               "money": service.money, "pct": service.share}
    return templates.TemplateResponse(request, "controls_impact/page.html", context,
                                      status_code=422 if error else 200)


def _number(text: str, kind: type, label: str) -> Any:
    if not text.strip():
        return None
    try:
        return kind(text.strip())
    except ValueError:
        raise InputError(f"{label} must be a number, not {text!r}", field=label) from None
