"""The impact of a proposed control: how much of a destination's imports of a product the adopting allies ship
(the trade the control reaches), how much comes from exporters that do not adopt it (how much it leaks, and
through whom), and a first-order estimate of the trade it diverts to them.

:func:`impact` is the one service function: the CLI (``kizuna controls impact``), the API (``/v1/controls/impact``)
and the console form call it and format its :class:`ControlImpact`. The model, its assumptions, what it does not
capture, and the shipped trade files are in ``data/trade/impact_model.yaml``; the ECCN → HS-6 table
(``data/trade/hs6_eccn_indicative.csv``) is indicative and every answer that uses it says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field

from kizuna.controls.codes import parse as parse_control
from kizuna.controls.trade import Flow, TradeFile, Wanted, read_flows
from kizuna.core.countries import country_name, to_alpha2
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.core.tables import read_table

_HS = re.compile(r"\d{2}(?:\d{2}){0,2}")
_ECCN_TOKEN = re.compile(r"(\d[A-E]\d{3})((?:\.[a-z0-9]+(?:-[a-z0-9])?)*)((?:/\.[a-z0-9.]+)*)")


# ---- the model file ----------------------------------------------------------------------------------------------

class DiversionModel(RuleModel):
    title: str
    formula: str
    symbols: dict[str, str]
    reference_tariff_equivalent: float = Field(gt=0)
    assumptions: list[str]
    citation: str
    citation_confidence: str


class Indicative(RuleModel):
    file: str
    label: str
    citation: str


class TradeDataset(RuleModel):
    file: str
    layout: str
    title: str
    source: str
    licence: str
    label: str
    partial_years: dict[int, str] = Field(default_factory=dict)


class ImpactModel(RuleModel):
    top_suppliers: int = Field(ge=1)
    definitions: dict[str, str]
    comtrade_basis: str
    diversion: DiversionModel
    not_captured: list[str]
    indicative: Indicative
    datasets: dict[str, TradeDataset]


def model() -> ImpactModel:
    """``data/trade/impact_model.yaml``, read once."""
    return bundled_rules("trade/impact_model.yaml", ImpactModel)


# ---- ECCN → HS-6 (indicative) and elasticities -------------------------------------------------------------------

@dataclass(frozen=True)
class HsLine:
    """A row of the indicative table: its HS codes, description, the ECCNs that typically fall under it."""

    codes: tuple[str, ...]
    description: str
    eccns: str
    note: str
    tokens: tuple[tuple[str, str], ...]  # (ECCN, paragraph path) pairs read from ``eccns``


@cache
def indicative_lines() -> tuple[HsLine, ...]:
    """The rows of ``data/trade/hs6_eccn_indicative.csv``."""
    table = read_table(bundled("trade", model().indicative.file))
    table.require("hs6", "description", "eccn_indicative", "note")
    lines = []
    for _, record in table.records():
        codes = tuple(m.group(0) for part in str(record["hs6"]).split(";") if (m := re.match(r"\d{4,6}", part.strip())))
        lines.append(HsLine(codes, str(record["description"]), str(record["eccn_indicative"]), str(record["note"]),
                            _eccn_tokens(str(record["eccn_indicative"]))))
    return tuple(lines)


def _eccn_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """``3A090.a/.b; 3B001.g-j`` → (3A090, a), (3A090, b), (3B001, g) … (3B001, j)."""
    tokens: list[tuple[str, str]] = []
    for match in _ECCN_TOKEN.finditer(text):
        code, path, alternatives = match.group(1), match.group(2).lstrip("."), match.group(3)
        paths = [path, *(alt for alt in alternatives.split("/.") if alt)]
        for one in paths:
            head, _, last = one.rpartition(".")
            if re.fullmatch(r"[a-z]-[a-z]", last):  # a range of paragraphs: g-j
                prefix = f"{head}." if head else ""
                tokens.extend((code, prefix + chr(c)) for c in range(ord(last[0]), ord(last[2]) + 1))
            else:
                tokens.append((code, one))
    return tuple(tokens)


def lines_for_eccn(eccn: str) -> list[HsLine]:
    """The indicative HS lines an ECCN (or one of its paragraphs) typically falls under: a row matches when it
    names the ECCN, a paragraph of it, or a paragraph the asked one lies in."""
    code, _, path = eccn.partition(".")
    found = []
    for line in indicative_lines():
        for token_code, token_path in line.tokens:
            if token_code == code and (not path or not token_path or path == token_path
                                       or path.startswith(token_path + ".") or token_path.startswith(path + ".")):
                found.append(line)
                break
    return found


@cache
def elasticities() -> dict[str, float]:
    """HS-6 → CEPII ProTEE 0.1 trade elasticity (lines with no estimate are left out)."""
    table = read_table(bundled("trade", "cepii_protee_0_1_hs6_trade_elasticities.csv"))
    table.require("HS6", "sigma")
    found = {}
    for _, record in table.records():
        sigma = str(record["sigma"]).strip()
        if sigma:
            found[str(record["HS6"]).strip().zfill(6)] = float(sigma)
    return found


# ---- the answer --------------------------------------------------------------------------------------------------

@dataclass
class ImpactRow:
    """One destination × product × adopter set."""

    destination: str
    product: str
    adopters: tuple[str, ...]
    year: int
    total_value: Decimal
    covered_value: Decimal
    by_exporter: dict[str, Decimal]
    basis: str
    diversion: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def covered_share(self) -> float | None:
        return float(self.covered_value / self.total_value) if self.total_value else None

    @property
    def foreign_availability_share(self) -> float | None:
        return float((self.total_value - self.covered_value) / self.total_value) if self.total_value else None

    def non_adopting(self) -> list[tuple[str, Decimal]]:
        """Non-adopting exporters, largest first (ties by code, so the order is fixed)."""
        rows = [(code, value) for code, value in self.by_exporter.items() if code not in self.adopters and value]
        return sorted(rows, key=lambda item: (-item[1], item[0]))

    def to_dict(self, top: int) -> dict[str, Any]:
        others = self.non_adopting()
        non_value = self.total_value - self.covered_value
        return {
            "destination": self.destination, "destination_name": country_name(self.destination),
            "product": self.product, "adopters": list(self.adopters), "year": self.year,
            "total_value": _number(self.total_value), "covered_value": _number(self.covered_value),
            "covered_share": self.covered_share, "foreign_availability_share": self.foreign_availability_share,
            "non_adopting_value": _number(non_value), "non_adopting_suppliers": len(others),
            "top_non_adopting_suppliers": [
                {"exporter": code, "name": _exporter_name(code), "value": _number(value),
                 "share": float(value / self.total_value),
                 **({"diversion_gain": self.diversion["diverted_value"] * float(value / non_value)}
                    if self.diversion.get("diverted_value") is not None else {})}
                for code, value in others[:top]],
            "basis": self.basis, "diversion": self.diversion, "notes": self.notes,
        }


@dataclass
class ControlImpact:
    """The answer: its rows and everything a reader needs to judge them."""

    rows: list[ImpactRow]
    source: dict[str, Any]
    products: list[dict[str, Any]]
    adopter_sets: list[tuple[str, ...]]
    year: int
    tariff_equivalent: float | None
    skipped: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON: the row's keys at the top level for one destination, product and adopter set, else ``rows``."""
        m = model()
        rows = [row.to_dict(m.top_suppliers) for row in self.rows]
        meta: dict[str, Any] = {
            "year": self.year, "unit": "USD", "trade": self.source, "products": self.products,
            "adopter_sets": [list(s) for s in self.adopter_sets], "tariff_equivalent": self.tariff_equivalent,
            "definitions": m.definitions,
            "diversion_model": {"title": m.diversion.title, "formula": m.diversion.formula,
                                "symbols": m.diversion.symbols, "assumptions": m.diversion.assumptions,
                                "reference_tariff_equivalent": m.diversion.reference_tariff_equivalent,
                                "citation": m.diversion.citation,
                                "citation_confidence": m.diversion.citation_confidence},
            "not_captured": m.not_captured, "skipped_rows": self.skipped,
        }
        if any(p.get("via_eccn") for p in self.products):
            meta["indicative"] = {"label": m.indicative.label, "citation": m.indicative.citation}
        if len(rows) == 1:
            return {**rows[0], **meta}
        return {"rows": rows, **meta}


def impact(trade: Path | None = None, *, dataset: str | None = None, hs: Sequence[str] = (),
           eccn: Sequence[str] = (), destinations: Sequence[str], adopters: Sequence[str] = (),
           compare: Sequence[Sequence[str]] = (), year: int | None = None,
           tariff_equivalent: float | None = None, name: str | None = None) -> ControlImpact:
    """The impact of a control adopted by ``adopters`` (and each set of ``compare``) on the exports of ``hs`` (or
    the indicative HS lines of ``eccn``) to ``destinations``, from the trade file ``trade`` or a shipped
    ``dataset``. ``name`` is how the file is shown (an upload's own name). ISO alpha-2 codes throughout."""
    source_path, layout, source = _source(trade, dataset, name)
    products = _products(hs, eccn)
    places = _countries(destinations, "--to")
    sets = _adopter_sets(adopters, compare)
    if tariff_equivalent is not None and not (tariff_equivalent > 0 and math.isfinite(tariff_equivalent)):
        raise InputError(f"{tariff_equivalent} is not a tariff equivalent (a number above 0, e.g. 0.25)",
                         field="--tariff-equivalent")
    wanted = Wanted(tuple(p["hs"] for p in products), frozenset(places), year)
    read = read_flows(source_path, wanted, layout=layout)
    chosen = _year(read, year, source_path)
    partial = model().datasets[dataset].partial_years.get(chosen) if dataset else None
    rows = []
    for product in products:
        for destination in places:
            flows = _product_flows(read, product["hs"], destination, chosen)
            for adopter_set in sets:
                rows.append(_row(flows, product["hs"], destination, adopter_set, chosen, tariff_equivalent,
                                 partial, read))
    return ControlImpact(rows, source, products, sets, chosen, tariff_equivalent, read.skipped)


# ---- steps -------------------------------------------------------------------------------------------------------

def _source(trade: Path | None, dataset: str | None, name: str | None) -> tuple[Path, str | None, dict[str, Any]]:
    if (trade is None) == (dataset is None):
        raise InputError("give a trade file (--trade FILE) or a shipped dataset (--dataset NAME), one of the two",
                         field="--trade")
    if dataset is not None:
        shipped = model().datasets.get(dataset)
        if shipped is None:
            raise InputError(f"no shipped dataset {dataset!r} (one of: {', '.join(model().datasets)})",
                             field="--dataset")
        return (bundled("trade", shipped.file), shipped.layout,
                {"dataset": dataset, "file": f"data/trade/{shipped.file}", "title": shipped.title,
                 "source": shipped.source, "licence": shipped.licence, "label": shipped.label})
    assert trade is not None
    return trade, None, {"file": name or trade.name}


def _products(hs: Sequence[str], eccn: Sequence[str]) -> list[dict[str, Any]]:
    products: dict[str, dict[str, Any]] = {}
    for code in _split(hs):
        code = code.replace(".", "")
        if not _HS.fullmatch(code):
            raise InputError(f"{code!r} is not an HS code (2, 4 or 6 digits)", field="--hs")
        products.setdefault(code, {"hs": code, "description": _description(code), "via_eccn": []})
    for text in _split(eccn):
        entry = parse_control(text, "us-eccn", field="--eccn")
        lines = lines_for_eccn(entry.code)
        if not lines:
            raise InputError(f"no HS line of the indicative table ({model().indicative.file}) lists {entry.code}",
                             field="--eccn")
        for line in lines:
            for code in line.codes:
                product = products.setdefault(code, {"hs": code, "description": line.description, "via_eccn": []})
                product["via_eccn"].append({"eccn": entry.code, "listed_as": line.eccns, "note": line.note,
                                            "indicative": True})
    if not products:
        raise InputError("give the products: --hs CODES or --eccn CODES", field="--hs")
    return list(products.values())


def _description(code: str) -> str:
    return next((line.description for line in indicative_lines() if code in line.codes), "")


def _countries(values: Sequence[str], option: str) -> list[str]:
    codes: list[str] = []
    for value in _split(values):
        code = to_alpha2(value) if len(value) == 2 else None
        if code is None:
            raise InputError(f"{value!r} is not an ISO alpha-2 country code", field=option)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise InputError("give at least one country (ISO alpha-2, comma-separated)", field=option)
    return codes


def _adopter_sets(adopters: Sequence[str], compare: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = []
    for group, option in ([(adopters, "--adopters")] if _split(adopters) else []) + [(c, "--compare") for c in compare]:
        one = tuple(_countries(group, option))
        if one not in sets:
            sets.append(one)
    if not sets:
        raise InputError("give the adopting countries: --adopters US,JP (or --compare US,JP US,JP,NL)",
                         field="--adopters")
    return sets


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _year(read: TradeFile, year: int | None, path: Path) -> int:
    if not read.years:
        raise InputError("the trade file has no rows", path=path)
    if year is None:
        return max(read.years)
    if year not in read.years:
        raise InputError(f"the trade file has no flows of {year} (it has {_years(read.years)})", field="--year")
    return year


def _years(years: set[int]) -> str:
    ordered = sorted(years)
    return f"{ordered[0]}–{ordered[-1]}" if len(ordered) > 2 else ", ".join(map(str, ordered))


def _product_flows(read: TradeFile, product: str, destination: str, year: int) -> list[Flow]:
    """The flows of ``product`` to ``destination``: the rows of the code itself when the file has them, else its
    sub-lines (8542 from 854231 …), one level only, and for UN Comtrade one reporting basis only."""
    flows = [f for f in read.flows if f.year == year and f.importer == destination and f.hs.startswith(product)]
    exact = [f for f in flows if f.hs == product]
    if exact:
        flows = exact
    elif len({len(f.hs) for f in flows}) > 1:
        levels = ", ".join(sorted({f.hs for f in flows}, key=len)[:3])
        raise InputError(f"the file gives {product} at several levels of detail ({levels} …); ask for one of them",
                         path=read.path, field="--hs")
    own = [f for f in flows if f.basis == "importer"]
    return own or flows


def _row(flows: list[Flow], product: str, destination: str, adopters: tuple[str, ...], year: int,
         tariff_equivalent: float | None, partial: str | None, read: TradeFile) -> ImpactRow:
    by_exporter: dict[str, Decimal] = {}
    for flow in flows:
        by_exporter[flow.exporter] = by_exporter.get(flow.exporter, Decimal(0)) + flow.value
    total = sum(by_exporter.values(), Decimal(0))
    covered = sum((v for code, v in by_exporter.items() if code in adopters), Decimal(0))
    basis = _basis(flows, read)
    row = ImpactRow(destination, product, adopters, year, total, covered, by_exporter, basis, {})
    row.diversion = _diversion(row, tariff_equivalent)
    row.notes = _notes(row, partial)
    return row


def _basis(flows: list[Flow], read: TradeFile) -> str:
    if read.layout == "baci":
        return "CEPII BACI (reconciled importer and exporter reports)"
    if read.layout == "taiwan-customs":
        return "exporter-reported (Taiwan Customs exports)"
    if any(f.basis == "importer" for f in flows):
        return "importer-reported (the destination's own imports); " + model().comtrade_basis
    return "exporter-reported (mirror flows: the destination reports none); " + model().comtrade_basis


def _diversion(row: ImpactRow, tariff_equivalent: float | None) -> dict[str, Any]:
    m = model().diversion
    t = tariff_equivalent if tariff_equivalent is not None else m.reference_tariff_equivalent
    answer: dict[str, Any] = {"formula": m.formula, "tariff_equivalent": t,
                              "tariff_equivalent_from": "user" if tariff_equivalent is not None else "reference",
                              "elasticity": None, "share_shift": None, "diverted_value": None, "reason": None}
    elasticity = elasticities().get(row.product) if len(row.product) == 6 else None
    share = row.covered_share
    if len(row.product) != 6:
        answer["reason"] = f"ProTEE gives elasticities per HS-6 line; {row.product} is not one"
    elif elasticity is None or elasticity >= 0:
        answer["reason"] = f"ProTEE 0.1 has no (negative) elasticity for {row.product}"
    elif share is None:
        answer["reason"] = "no trade in the file to divert"
    else:
        shift = elasticity * math.log1p(t) * share * (1 - share) + 0.0  # + 0.0: no "-0.0" when nothing moves
        answer["elasticity"] = elasticity
        if abs(shift) > share:
            answer["reason"] = (f"the first-order shift ({shift:.3f}) exceeds the covered share ({share:.3f}): the "
                                "linear form has broken down at this tariff equivalent")
        else:
            answer["share_shift"] = shift
            answer["diverted_value"] = -shift * float(row.total_value) + 0.0
    return answer


def _notes(row: ImpactRow, partial: str | None) -> list[str]:
    notes = []
    exporters = sorted(row.by_exporter)
    if not row.total_value:
        notes.append(f"the file has no exports of {row.product} to {row.destination} in {row.year}")
    elif len(exporters) == 1:
        notes.append(f"one exporter only in the file ({exporters[0]}): total_value is its trade, not the "
                     "destination's imports from the world, so the shares are 1 or 0 by construction and nothing "
                     "can be diverted")
    if partial:
        notes.append(f"{row.year} is a partial year: {partial}")
    return notes


def _exporter_name(code: str) -> str:
    return f"code {code[1:]} (not a country)" if code.startswith("#") else country_name(code)


def _number(value: Decimal) -> int | float:
    """A value for JSON: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def money(value: float | None) -> str:
    """A USD value as the CLI and the console show it: 48.52 bn, 3.10 m."""
    if value is None:
        return "—"
    return f"{value / 1e9:,.2f} bn" if abs(value) >= 1e8 else f"{value / 1e6:,.2f} m"


def share(value: float | None) -> str:
    """A share as a percentage with one decimal."""
    return "—" if value is None else f"{value:.1%}"
