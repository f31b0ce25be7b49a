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
from functools import cache, lru_cache
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
_OTHER_FLOWS = frozenset({"re-export", "re-import", "rx", "rm", "dx", "fm"})  # Comtrade's other flow words/codes


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
    for row in _rows(table):
        year, importer, hs = row.year("t"), row.country("j"), row.hs("k")
        result.years.add(year)
        if importer and wanted.keeps(year, importer, hs):
            exporter = row.country("i")
            if exporter:
                result.flows.append(Flow(year, exporter, importer, hs, row.value("v") * THOUSAND, "reconciled"))


def _read_comtrade(table: Table, wanted: Wanted, result: TradeFile) -> None:
    plus = result.layout == "comtrade+"
    year_col, flow_col, reporter_col, partner_col, hs_col, value_col = COMTRADE_PLUS if plus else COMTRADE
    totals = {c: total for c, total in _COMTRADE_PLUS_TOTALS.items() if c in table.header} if plus else {}
    for row in _rows(table):
        if any(row.text(c) not in (total, "") for c, total in totals.items()):
            _count(result, "breakdown rows (customs procedure, transport mode, second partner)")
            continue
        year = row.year(year_col)
        result.years.add(year)
        flow = row.text(flow_col).casefold()
        if flow not in ("m", "import", "x", "export"):
            # Re-exports and re-imports are not a country's own trade. Only known words name a count: a hostile
            # file of a million made-up flows must not make a million counters.
            _count(result, f"{row.text(flow_col)} rows" if flow in _OTHER_FLOWS else "rows of unknown flows")
            continue
        reporter, partner = row.country(reporter_col, result), row.country(partner_col, result)
        if reporter is None or partner is None:
            continue
        imports = flow in ("m", "import")
        importer, exporter = (reporter, partner) if imports else (partner, reporter)
        hs = row.hs(hs_col)
        if wanted.keeps(year, importer, hs):
            result.flows.append(Flow(year, exporter, importer, hs, row.value(value_col),
                                     "importer" if imports else "exporter"))


def _read_taiwan(table: Table, wanted: Wanted, result: TradeFile) -> None:
    names = taiwan_customs_countries()
    for row in _rows(table):
        year = row.year("Year")
        result.years.add(year)
        name = row.text("Country")
        if name not in names:
            raise row.error(f"destination {name!r} is not in data/trade/taiwan_customs_countries.csv", "Country")
        importer = names[name]
        if not importer:
            _count(result, f"{name} (not allocated to a country)")
            continue
        hs = row.hs("HS Code", numeric=False)[:6]  # CCC 11-digit lines: their first six digits are the HS-6 subheading
        if wanted.keeps(year, importer, hs):
            result.flows.append(Flow(year, "TW", importer, hs, row.value("Export Value (USD)"), "exporter"))


@cache
def taiwan_customs_countries() -> dict[str, str]:
    """Taiwan Customs' Chinese destination names -> ISO alpha-2 ('' for 其他國家, not a country)."""
    table = read_table(bundled("trade", "taiwan_customs_countries.csv"))
    return {str(record["name"]).strip(): str(record["alpha2"]).strip() for _, record in table.records()}


def _count(result: TradeFile, what: str) -> None:
    result.skipped[what] = result.skipped.get(what, 0) + 1


# ---- cells -------------------------------------------------------------------------------------------------------
# A BACI year has some ten million rows of a few thousand distinct codes: each distinct cell text is parsed once
# (the cached functions below, None for a bad cell; bounded caches, so a hostile file of millions of distinct
# codes costs time, not memory) and a row is read by column position, not as a dict.

def _rows(table: Table) -> Iterator[_Row]:
    """The table's records, as one :class:`_Row` moved from record to record (readers keep values, not rows)."""
    row = _Row(table.path, 0, [], {name: position for position, name in enumerate(table.header)})
    for row.line, row.cells in table.rows:
        yield row


@dataclass(slots=True)
class _Row:
    """The cells of one record, each read with the file, line and column of its error."""

    path: Path
    line: int
    cells: list[Any]
    index: dict[str, int]

    def text(self, column: str) -> str:
        position = self.index[column]
        value = self.cells[position] if position < len(self.cells) else ""
        if type(value) is str:
            return value.strip()
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an xlsx cell holds 842 as 842.0: a code, not a fraction
        return "" if value is None else str(value).strip()

    def error(self, message: str, column: str) -> InputError:
        return InputError(message, path=self.path, line=self.line, field=column)

    def year(self, column: str) -> int:
        text = self.text(column)
        year = _year(text)
        if year is None:
            raise self.error(f"{text!r} is not a year", column)
        return year

    def hs(self, column: str, *, numeric: bool = True) -> str:
        """An HS code; ``numeric``: the file may have written it as a number (BACI, Comtrade via a spreadsheet),
        so an HS-4 or HS-6 code of odd length lost its leading zero (10110 is 010110, live horses)."""
        text = self.text(column)
        code = _hs(text, numeric)
        if code is None:
            raise self.error(f"{text!r} is not an HS code (2 to 12 digits)", column)
        return code

    def value(self, column: str) -> Decimal:
        text = self.text(column).replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise self.error(f"{text!r} is not a number", column) from None
        if not value.is_finite() or value < 0:
            raise self.error(f"{text!r} is not a trade value (a number of zero or more)", column)
        return value

    def country(self, column: str, result: TradeFile | None = None) -> str | None:
        """Alpha-2 for a numeric code; None for a partner total (counted in ``result``); ``#NNN`` for a code that
        names no country (a partner such as "Areas, nes", kept: its trade is part of the total)."""
        text = self.text(column)
        found = _country(text)
        if found is None:
            raise self.error(f"{text!r} is not a numeric country code", column)
        code, total = found
        if total is not None:
            if result is not None:
                _count(result, f"partner totals ({total})")
            return None
        return code


@lru_cache(maxsize=65536)
def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) == 4 else None


@lru_cache(maxsize=65536)
def _hs(text: str, numeric: bool) -> str | None:
    if numeric and text.isdigit() and len(text) in (3, 5):
        text = "0" + text
    return text if text.isdigit() and 2 <= len(text) <= 12 else None


@lru_cache(maxsize=65536)
def _country(text: str) -> tuple[str, str | None] | None:
    """(alpha-2 or ``#NNN``, name of the partner total or None); None when ``text`` is no numeric code."""
    if not text.isdigit():
        return None
    code = int(text)
    return from_numeric(code) or f"#{code}", numeric_aggregate(code)
