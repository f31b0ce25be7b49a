"""Trade flows for the impact of a proposed control: CEPII BACI, UN Comtrade and Taiwan Customs files, read into
bilateral flows (year, exporter, importer, HS code, value in USD).

Files are read through ``core.tables.stream_table`` (one line at a time: a BACI year is gigabytes) and filtered
while they are read, so only the flows of the asked products, destinations and year are kept. Every bad cell is an
InputError naming file, line and field. The layout is told by the header:

- CEPII BACI: ``t,i,j,k,v,q`` — year, exporter, importer (numeric codes), HS-6 product, value in thousand USD,
  quantity in tonnes;
- UN Comtrade, the classic CSV download (``Year``, ``Trade Flow``, ``Reporter Code``, ``Partner Code``,
  ``Commodity Code``, ``Trade Value (US$)``) or the Comtrade+ API/CSV (``refYear``, ``flowCode``,
  ``reporterCode``, ``partnerCode``, ``cmdCode``, ``primaryValue``), values in USD;
- Taiwan Customs exports by destination (``Year, Country, HS Code, Description, Export Value (USD)``), the layout
  of the file Kizuna ships: the exporter is Taiwan, destinations are named in Chinese
  (``data/trade/taiwan_customs_countries.csv``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.countries import from_numeric, numeric_aggregate
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.tables import Table, read_table, stream_table

BACI = ("t", "i", "j", "k", "v")
COMTRADE = ("Year", "Trade Flow", "Reporter Code", "Partner Code", "Commodity Code", "Trade Value (US$)")
COMTRADE_PLUS = ("refYear", "flowCode", "reporterCode", "partnerCode", "cmdCode", "primaryValue")
TAIWAN = ("Year", "Country", "HS Code", "Export Value (USD)")
LAYOUTS = {"baci": BACI, "comtrade": COMTRADE, "comtrade+": COMTRADE_PLUS, "taiwan-customs": TAIWAN}
THOUSAND = Decimal(1000)
# Comtrade+ breaks a flow down by customs procedure, mode of transport and second partner; the rows whose cell is
# the code below are the totals (UN Comtrade+ reference tables), and only those are read, or a flow counts twice.
_COMTRADE_PLUS_TOTALS = {"customsCode": "C00", "motCode": "0", "partner2Code": "0"}


@dataclass(frozen=True, slots=True)
class Flow:
    """One bilateral flow: ``exporter`` ships ``value`` USD of ``hs`` to ``importer`` in ``year``.

    ``exporter``/``importer`` are ISO alpha-2 codes, or ``#NNN`` for a numeric code that is no country (UN
    Comtrade's "Areas, nes"). ``basis`` is who reported it: ``importer``, ``exporter`` or ``reconciled`` (BACI)."""

    year: int
    exporter: str
    importer: str
    hs: str
    value: Decimal
    basis: str


@dataclass(frozen=True)
class Wanted:
    """What to keep while reading: HS codes (a flow is kept when its code starts with one), destinations, year
    (None: every year, the caller picks)."""

    products: tuple[str, ...]
    destinations: frozenset[str]
    year: int | None = None

    def keeps(self, year: int, importer: str, hs: str) -> bool:
        return ((self.year is None or year == self.year) and importer in self.destinations
                and hs.startswith(self.products))


@dataclass
class TradeFile:
    """The flows kept from one file, its layout and what was skipped (partner totals, other flows)."""

    path: Path
    layout: str
    flows: list[Flow]
    years: set[int]
    skipped: dict[str, int]


def read_flows(path: Path, wanted: Wanted, *, layout: str | None = None) -> TradeFile:
    """The flows of ``path`` that ``wanted`` keeps; the layout is told by the header unless given."""
    table = stream_table(path, strict=True)  # machine-written files: a stray quote is damage, not text
    name = layout or detect_layout(table)
    readers: dict[str, Callable[[Table, Wanted, TradeFile], None]] = {
        "baci": _read_baci, "comtrade": _read_comtrade, "comtrade+": _read_comtrade, "taiwan-customs": _read_taiwan}
    if name not in readers:
        raise InputError(f"unknown trade-file layout {name!r} (one of: {', '.join(readers)})", path=path)
    table.require(*LAYOUTS[name])
    result = TradeFile(path, name, [], set(), {})
    readers[name](table, wanted, result)
    return result


def detect_layout(table: Table) -> str:
    """The layout whose columns the header has; InputError on line 1 naming the layouts when none fits."""
    header = set(table.header)
    for name, columns in LAYOUTS.items():
        if header.issuperset(columns):
            return name
    expected = "; ".join(f"{name}: {', '.join(columns)}" for name, columns in LAYOUTS.items())
    raise InputError(f"not a trade file Kizuna reads: the header has none of the layouts ({expected})",
                     path=table.path, line=1)


# ---- the layouts -------------------------------------------------------------------------------------------------

def _read_baci(table: Table, wanted: Wanted, result: TradeFile) -> None:
    for line, record in table.records():
        cell = _Cells(table.path, line, record)
        year, importer, hs = cell.year("t"), cell.country("j"), cell.hs("k")
        result.years.add(year)
        if importer and wanted.keeps(year, importer, hs):
            exporter = cell.country("i")
            if exporter:
                result.flows.append(Flow(year, exporter, importer, hs, cell.value("v") * THOUSAND, "reconciled"))


def _read_comtrade(table: Table, wanted: Wanted, result: TradeFile) -> None:
    plus = result.layout == "comtrade+"
    year_col, flow_col, reporter_col, partner_col, hs_col, value_col = COMTRADE_PLUS if plus else COMTRADE
    for line, record in table.records():
        cell = _Cells(table.path, line, record)
        if plus and any(str(record.get(c, total)).strip() not in (total, "") for c, total in
                        _COMTRADE_PLUS_TOTALS.items()):
            _count(result, "breakdown rows (customs procedure, transport mode, second partner)")
            continue
        year = cell.year(year_col)
        result.years.add(year)
        flow = str(record[flow_col]).strip().casefold()
        if flow not in ("m", "import", "x", "export"):
            _count(result, f"{record[flow_col]} rows")  # re-exports, re-imports: not a country's own trade
            continue
        reporter, partner = cell.country(reporter_col, result), cell.country(partner_col, result)
        if reporter is None or partner is None:
            continue
        imports = flow in ("m", "import")
        importer, exporter = (reporter, partner) if imports else (partner, reporter)
        hs = cell.hs(hs_col)
        if wanted.keeps(year, importer, hs):
            result.flows.append(Flow(year, exporter, importer, hs, cell.value(value_col),
                                     "importer" if imports else "exporter"))


def _read_taiwan(table: Table, wanted: Wanted, result: TradeFile) -> None:
    names = taiwan_customs_countries()
    for line, record in table.records():
        cell = _Cells(table.path, line, record)
        year = cell.year("Year")
        result.years.add(year)
        name = str(record["Country"]).strip()
        if name not in names:
            raise InputError(f"destination {name!r} is not in data/trade/taiwan_customs_countries.csv",
                             path=table.path, line=line, field="Country")
        importer = names[name]
        if not importer:
            _count(result, f"{name} (not allocated to a country)")
            continue
        hs = cell.hs("HS Code", numeric=False)[:6]  # CCC 11-digit lines: their first six digits are the HS-6 subheading
        if wanted.keeps(year, importer, hs):
            result.flows.append(Flow(year, "TW", importer, hs, cell.value("Export Value (USD)"), "exporter"))


@cache
def taiwan_customs_countries() -> dict[str, str]:
    """Taiwan Customs' Chinese destination names -> ISO alpha-2 ('' for 其他國家, not a country)."""
    table = read_table(bundled("trade", "taiwan_customs_countries.csv"))
    return {str(record["name"]).strip(): str(record["alpha2"]).strip() for _, record in table.records()}


def _count(result: TradeFile, what: str) -> None:
    result.skipped[what] = result.skipped.get(what, 0) + 1


# ---- cells -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Cells:
    """The cells of one record, each read with the file, line and column of its error."""

    path: Path
    line: int
    record: dict[Any, Any]

    def _text(self, column: str) -> str:
        value = self.record.get(column, "")
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an xlsx cell holds 842 as 842.0: a code, not a fraction
        return str(value).strip()

    def _error(self, message: str, column: str) -> InputError:
        return InputError(message, path=self.path, line=self.line, field=column)

    def year(self, column: str) -> int:
        text = self._text(column)
        if not (text.isdigit() and len(text) == 4):
            raise self._error(f"{text!r} is not a year", column)
        return int(text)

    def hs(self, column: str, *, numeric: bool = True) -> str:
        """An HS code; ``numeric``: the file may have written it as a number (BACI, Comtrade via a spreadsheet),
        so an HS-4 or HS-6 code of odd length lost its leading zero (10110 is 010110, live horses)."""
        text = self._text(column)
        if numeric and text.isdigit() and len(text) in (3, 5):
            text = "0" + text
        if not (text.isdigit() and 2 <= len(text) <= 12):
            raise self._error(f"{text!r} is not an HS code (2 to 12 digits)", column)
        return text

    def value(self, column: str) -> Decimal:
        text = self._text(column).replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise self._error(f"{text!r} is not a number", column) from None
        if not value.is_finite() or value < 0:
            raise self._error(f"{text!r} is not a trade value (a number of zero or more)", column)
        return value

    def country(self, column: str, result: TradeFile | None = None) -> str | None:
        """Alpha-2 for a numeric code; None for a partner total (counted in ``result``); ``#NNN`` for a code that
        names no country (a partner such as "Areas, nes", kept: its trade is part of the total)."""
        text = self._text(column)
        if not text.isdigit():
            raise self._error(f"{text!r} is not a numeric country code", column)
        code = int(text)
        total = numeric_aggregate(code)
        if total is not None:
            if result is not None:
                _count(result, f"partner totals ({total})")
            return None
        return from_numeric(code) or f"#{code}"


def flows_of(result: TradeFile, year: int) -> Iterator[Flow]:
    """The kept flows of one year."""
    return (flow for flow in result.flows if flow.year == year)
