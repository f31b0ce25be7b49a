"""Supply chain: the API under /v1/supplychain/… and the console page /supplychain (upload and results)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from kizuna.core.errors import KizunaError
from kizuna.core.schemas import Out
from kizuna.supplychain import service
from kizuna.web.templating import templates
from kizuna.web.uploads import saved_upload

router = APIRouter()


class VendorSignalOut(Out):
    kind: str
    value: str
    vendor: str
    status: str
    confidence: str
    explanation: str
    source: str
    score: float | None = None


class VendorRuleOut(Out):
    id: str
    title: str
    since: str
    entry: str
    citation: str
    url: str


class VendorFindingOut(Out):
    component: str
    name: str
    file: str
    line: int | None
    vendor: str
    outcome: str
    rule: str
    confidence: str
    text: str
    path: list[str]
    top_level: str
    signals: list[VendorSignalOut]
    rules: list[VendorRuleOut]
    scope: str | None = None


class ScannedFileOut(Out):
    file: str
    format: str
    spec_version: str
    reader: str
    items: int


class ClassConcentrationOut(Out):
    component_class: str = Field(alias="class")  # "class" in the JSON, as `kizuna supplychain scan --json` prints
    components: int
    suppliers: dict[str, float]
    countries: dict[str, float]
    supplier_hhi: float
    country_hhi: float
    highly_concentrated: bool
    single_points_of_failure: list[str]


class SupplyScenarioOut(Out):
    unavailable: str
    components: list[str]
    products: list[str]
    classes_without_supply: list[str]


class SupplyChainScanOut(Out):
    files: list[ScannedFileOut]
    findings: list[VendorFindingOut]
    reviews: list[VendorFindingOut]
    concentration: list[ClassConcentrationOut]
    scenarios: list[SupplyScenarioOut]
    rule_data_version: str
    outcome: str


async def _scan(files: list[UploadFile], without_country: str, without_supplier: str) -> service.ScanResult:
    async with contextlib.AsyncExitStack() as stack:
        paths = [await stack.enter_async_context(saved_upload(f, f"upload-{n}")) for n, f in enumerate(files)]
        countries = [c.strip() for c in without_country.split(",") if c.strip()]
        suppliers = [s.strip() for s in without_supplier.split(";") if s.strip()]
        names = [Path(f.filename or p.name).name for f, p in zip(files, paths, strict=True)]
        # a large inventory takes seconds: scanned in a worker thread, not on the event loop
        return await run_in_threadpool(service.scan_files, paths, names=names, without_countries=countries,
                                       without_suppliers=suppliers)


@router.post("/v1/supplychain/scan", tags=["supplychain"], response_model=SupplyChainScanOut)
async def scan(files: list[UploadFile] = File(...), without_country: str = Form(""),
               without_supplier: str = Form("")) -> dict[str, Any]:
    """Scan SBOMs (CycloneDX, SPDX), hardware BOMs and device inventories for covered vendors: findings with the
    rule each falls under, review items, concentration and what-if scenarios (``kizuna supplychain scan --json``)."""
    return (await _scan(files, without_country, without_supplier)).to_dict()


@router.get("/supplychain", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request) -> Any:
    """The console page: the upload form."""
    return templates.TemplateResponse(request, "supplychain/page.html", {"active": "supplychain", "result": None})


@router.post("/supplychain", response_class=HTMLResponse, include_in_schema=False)
async def page_scan(request: Request, files: list[UploadFile] = File(...), without_country: str = Form(""),
                    without_supplier: str = Form("")) -> Any:
    """The console page with the scan of the uploaded files (the form's errors shown on it)."""
    context: dict[str, Any] = {"active": "supplychain", "result": None, "without_country": without_country,
                               "without_supplier": without_supplier}
    try:
        context["result"] = await _scan(files, without_country, without_supplier)
    except KizunaError as exc:
        context["error"] = str(exc)
        return templates.TemplateResponse(request, "supplychain/page.html", context, status_code=422)
    return templates.TemplateResponse(request, "supplychain/page.html", context)
