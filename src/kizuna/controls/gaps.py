"""The gap matrix: one row per item family of the crosswalk, one cell per jurisdiction (US, JP, NL, EU, KR, TW,
Wassenaar) saying controlled / not controlled / unknown, since when, under which code and with which confidence,
as of a date. Unilateral rows (one jurisdiction alone controls) and unknown cells are marked.

Where each cell comes from, in order:

- the crosswalk row (``kizuna.controls.crosswalk``): its flag for the jurisdiction (``yes``/``partial`` →
  controlled, ``no``/``draft`` → not controlled, otherwise unknown), the first date in its date column (the EU/NL
  column is split at its ``NL …``/``EU …`` dates; "pre-2022"/"Annex I"/"WA baseline" mean both, before 2022) and
  its code column; Wassenaar is controlled where the row names a Wassenaar code (``3.B.1.b``), not where it says
  unilateral or plurilateral;
- a US date given to the month only (``2022-10``) is made exact by the US measure of that month naming the ECCN
  (87 FR 62186 of 2022-10-07 for 3A090); later dates in the column are revisions;
- the Dutch national measures (``nl_national_sme_measures.csv``) give the NL cell of the ECCNs they name its date
  and Dutch code; Japan's 23 SME items of 2023 (``jp_sme_23_items_2023.csv``) give an unknown JP cell of the ECCN
  they name its date, and are cited beside a JP cell that is already known;
- as of a date, a cell controlled only from a later date is "not controlled" (with the date it starts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kizuna.controls.allies import jp_sme_items, measures, nl_measures
from kizuna.controls.crosswalk import ControlCrosswalkRow, crosswalk
from kizuna.controls.sources import citation
from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation

JURISDICTIONS = ("US", "JP", "NL", "EU", "KR", "TW", "WA")
CONTROLLED, NOT_CONTROLLED, UNKNOWN = "controlled", "not controlled", "unknown"
PRE_2022 = "pre-2022"
_DATE = re.compile(r"\b(\d{4}-\d{2}(?:-\d{2})?)\b")
_WA_CODE = re.compile(r"^\d\.[A-E]\.\d+")
_BASELINE = re.compile(r"^(pre-2022|Annex I|WA baseline)", re.IGNORECASE)
_STATUS = {"yes": CONTROLLED, "partial": CONTROLLED, "no": NOT_CONTROLLED, "draft": NOT_CONTROLLED}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Cell:
    """One jurisdiction's control of one item family."""

    jurisdiction: str
    status: str
    since: str  # ISO date, YYYY-MM, "pre-2022" or ""
    code: str
    confidence: str  # verified / secondary / recalled
    note: str = ""
    revised: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()

    @property
    def unconfirmed(self) -> bool:
        return self.confidence == "recalled"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "since": self.since, "code": self.code, "confidence": self.confidence,
                "unconfirmed": self.unconfirmed, "note": self.note, "revised": list(self.revised),
                "sources": [c.label() for c in self.sources]}


@dataclass(slots=True)
class GapRow:
    family: str  # the crosswalk's US ECCN column
    code: str
    description: str
    confidence: str
    cells: dict[str, Cell]
    row: ControlCrosswalkRow
    flags: list[str] = field(default_factory=list)

    @property
    def controlled_by(self) -> list[str]:
        return [j for j, cell in self.cells.items() if cell.status == CONTROLLED]

    @property
    def unknown(self) -> list[str]:
        return [j for j, cell in self.cells.items() if cell.status == UNKNOWN]

    @property
    def unilateral(self) -> bool:
        return len(self.controlled_by) == 1

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "eccn": self.code, "description": self.description,
                "confidence": self.confidence, "unconfirmed": self.confidence == "recalled",
                "unilateral": self.unilateral, "controlled_by": self.controlled_by, "unknown": self.unknown,
                "cells": {j: c.to_dict() for j, c in self.cells.items()}, "crosswalk_line": self.row.line}


@dataclass(slots=True)
class GapMatrix:
    category: str
    as_of: str
    rows: list[GapRow]
    sources: list[Citation]

    def summary(self) -> dict[str, int]:
        return {"rows": len(self.rows), "unilateral": sum(r.unilateral for r in self.rows),
                "unknown_cells": sum(len(r.unknown) for r in self.rows),
                "unconfirmed_rows": sum(r.confidence == "recalled" for r in self.rows)}

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "as_of": self.as_of, "jurisdictions": list(JURISDICTIONS),
                "summary": self.summary(), "rows": [r.to_dict() for r in self.rows],
                "sources": [s.to_dict() for s in self.sources]}


def _dates(text: str) -> list[str]:
    """The dates a cell gives, first the start: "WA baseline; 3A090 scope added 2022-10" → pre-2022, then 2022-10."""
    found = _DATE.findall(text)
    return ([PRE_2022] if _BASELINE.match(text.strip()) else []) + found


def _status(flag: str) -> str:
    return _STATUS.get(flag.strip().lower(), UNKNOWN)


def _cell(row: ControlCrosswalkRow, jurisdiction: str, status: str, dates: list[str], code: str,
          note: str = "") -> Cell:
    return Cell(jurisdiction, status, dates[0] if dates and status == CONTROLLED else "", code, row.confidence,
                note, tuple(dates[1:]) if status == CONTROLLED else (), (row.citation(),))


def _us_cell(row: ControlCrosswalkRow) -> Cell:
    cell = _cell(row, "US", _status(row.flags["US"]), _dates(row.date_us), row.us_eccn)
    if len(cell.since) == 7:  # month only: the US measure of that month naming this ECCN gives the day
        for measure in measures():
            if measure.jurisdiction == "US" and measure.date.startswith(cell.since) and row.code[:5] in \
                    {c[:5] for c in measure.items}:
                return replace(cell, since=measure.date, sources=(*cell.sources, measure.cited()))
    return cell


def _eu_nl_cells(row: ControlCrosswalkRow) -> tuple[Cell, Cell]:
    """The crosswalk writes the EU and the Netherlands in one column: ``NL 2023-09-01; EU 2025-11-15``, or a
    baseline ("pre-2022 (Annex I)") that holds for both, the EU list applying in the Netherlands."""
    text, status = row.date_eu_nl, _status(row.flags["EU/NL"])
    nl_dates = re.findall(r"NL (\d{4}-\d{2}(?:-\d{2})?)", text)
    eu_dates = re.findall(r"EU (\d{4}-\d{2}(?:-\d{2})?)", text)
    if _BASELINE.match(text.strip()):
        nl_dates = eu_dates = [PRE_2022]
    through_eu = "EU Annex I applies in the Netherlands" if eu_dates and not nl_dates else ""
    eu_status = UNKNOWN if status == CONTROLLED and nl_dates and not eu_dates else status
    return (_cell(row, "NL", status, nl_dates or eu_dates, row.eu_code, through_eu),
            _cell(row, "EU", eu_status, eu_dates, row.eu_code))


def _nl_measure_cell(row: ControlCrosswalkRow, cell: Cell) -> Cell:
    for measure in nl_measures():
        if any(code in measure.us_codes for code in row.covers):
            return Cell("NL", CONTROLLED, measure.in_force, measure.nl_code, measure.confidence,
                        f"Dutch national measure: {measure.item}", (), (measure.citation(), *cell.sources))
    return cell


def _jp_cell(row: ControlCrosswalkRow) -> Cell:
    cell = _cell(row, "JP", _status(row.flags["JP"]), _dates(row.date_jp), row.jp_item)
    for item in jp_sme_items():
        if any(code in item.us_codes for code in row.covers):
            cited = item.citation()
            if cell.status == UNKNOWN:
                return Cell("JP", CONTROLLED, item.in_force, item.legal_basis, item.confidence,
                            f"one of Japan's 23 SME items of 2023 ({item.seq})", (), (cited, *cell.sources))
            return replace(cell, sources=(*cell.sources, cited))
    return cell


def _wa_cell(row: ControlCrosswalkRow) -> Cell:
    if _WA_CODE.match(row.wassenaar_code):
        return _cell(row, "WA", CONTROLLED, [PRE_2022] if row.regime_class.startswith("multilateral") else [],
                     row.wassenaar_code)
    return _cell(row, "WA", NOT_CONTROLLED, [], "", row.wassenaar_code)


_FLAG_NOTES = {"partial": "partly (the crosswalk row says which part)", "draft": "a draft measure, not in force"}


def _flagged(cell: Cell, flag: str) -> Cell:
    note = _FLAG_NOTES.get(flag.strip().lower())
    return replace(cell, note=f"{note}; {cell.note}" if cell.note else note) if note else cell


def cells_of(row: ControlCrosswalkRow) -> dict[str, Cell]:
    """Every jurisdiction's cell of one crosswalk row, not yet narrowed to a date."""
    cells = _cells(row)
    flags = {"US": "US", "JP": "JP", "NL": "EU/NL", "EU": "EU/NL", "KR": "KR", "TW": "TW"}
    return {j: _flagged(c, row.flags[flags[j]]) if j in flags else c for j, c in cells.items()}


def _cells(row: ControlCrosswalkRow) -> dict[str, Cell]:
    nl, eu = _eu_nl_cells(row)
    return {"US": _us_cell(row), "JP": _jp_cell(row), "NL": _nl_measure_cell(row, nl), "EU": eu,
            "KR": _cell(row, "KR", _status(row.flags["KR"]), _dates(row.kr_status), row.kr_status),
            "TW": _cell(row, "TW", _status(row.flags["TW"]), _dates(row.tw_status), row.tw_status),
            "WA": _wa_cell(row)}


def as_of_date(cell: Cell, as_of: str | None) -> Cell:
    """The cell on ``as_of``: a control that starts later is "not controlled" yet (its date kept in the note)."""
    if as_of is None or cell.status != CONTROLLED or not cell.since or cell.since == PRE_2022:
        return cell
    if cell.since[:len(as_of)] > as_of[:len(cell.since)]:
        return replace(cell, status=NOT_CONTROLLED, note=f"controlled from {cell.since}" +
                       (f"; {cell.note}" if cell.note else ""))
    return replace(cell, revised=tuple(d for d in cell.revised if d <= as_of))


def check_date(value: str | None, field_name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        if not _ISO.match(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value[:40]!r} is not a date (YYYY-MM-DD)", field=field_name) from None
    return value


SHOW = ("all", "unilateral", "unknown")


def matrix(category: str = "", as_of: str | None = None, show: str = "all",
           controlled_by: str | None = None) -> GapMatrix:
    """The gap matrix of the crosswalk rows whose ECCN starts with ``category`` (``3``, ``3B``; "" for all), on
    ``as_of``; ``show`` keeps only unilateral rows or rows with unknown cells, ``controlled_by`` only the rows one
    jurisdiction controls (that jurisdiction's list as of the date)."""
    as_of = check_date(as_of, "--as-of")
    if show not in SHOW:
        raise InputError(f"show {show!r}: one of {', '.join(SHOW)}", field="--show")
    if controlled_by and controlled_by.upper() not in JURISDICTIONS:
        raise InputError(f"{controlled_by!r} is not one of {', '.join(JURISDICTIONS)}", field="--controlled-by")
    wanted = category.strip().upper()
    if wanted and not re.fullmatch(r"\d[A-E]?", wanted):
        raise InputError(f"{category!r} is not a CCL category (a digit, or a digit and a group: 3, 3B)",
                         field="--category")
    rows = []
    for row in crosswalk():
        if wanted and not row.code.startswith(wanted):
            continue
        cells = {j: as_of_date(c, as_of) for j, c in cells_of(row).items()}
        gap = GapRow(row.us_eccn, row.code, row.description, row.confidence, cells, row)
        if (show == "unilateral" and not gap.unilateral) or (show == "unknown" and not gap.unknown) or (
                controlled_by and cells[controlled_by.upper()].status != CONTROLLED):
            continue
        rows.append(gap)
    sources = [citation(name) for name in ("crosswalk", "measures", "nl", "jp_sme")]
    return GapMatrix(wanted or "all", as_of or "", rows, sources)


@dataclass(frozen=True, slots=True)
class Change:
    family: str
    jurisdiction: str
    before: Cell
    after: Cell

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "jurisdiction": self.jurisdiction, "before": self.before.status,
                "after": self.after.status, "since": self.after.since or self.before.since,
                "code": self.after.code or self.before.code, "confidence": self.after.confidence,
                "unconfirmed": self.after.unconfirmed, "sources": [c.label() for c in self.after.sources]}


def diff(date_from: str, date_to: str, category: str = "") -> dict[str, Any]:
    """What changed between two dates: every cell whose status differs, and the dated measures in between."""
    start, end = check_date(date_from, "--from"), check_date(date_to, "--to")
    if start is None or end is None or start > end:
        raise InputError(f"--from {date_from} must be a date on or before --to {date_to}", field="--from")
    before, after = matrix(category, start), matrix(category, end)
    changes = [Change(a.family, j, b.cells[j], a.cells[j]) for b, a in zip(before.rows, after.rows, strict=True)
               for j in JURISDICTIONS if b.cells[j].status != a.cells[j].status]
    changes.sort(key=lambda c: (c.after.since, c.jurisdiction, c.family))
    between = [m for m in measures() if start < m.date <= end]
    return {"from": start, "to": end, "category": after.category,
            "changes": [c.to_dict() for c in changes], "measures": [m.to_dict() for m in between],
            "summary": {"changed_cells": len(changes), "measures": len(between),
                        "by_jurisdiction": {j: sum(c.jurisdiction == j for c in changes) for j in JURISDICTIONS
                                            if any(c.jurisdiction == j for c in changes)}},
            "sources": [s.to_dict() for s in after.sources]}
