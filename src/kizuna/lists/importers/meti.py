"""Japan METI End User List (外国ユーザーリスト), the Excel file METI publishes.

Columns: No. (a ``=ROW()-1`` formula), country (Japanese, newline, English), company (English name, then
often the Japanese/Chinese-script name in full- or half-width parentheses), aliases (one per line, each
starting with ・, a CJK form of the previous alias on its own line in parentheses), type of WMD concern
(Japanese words, newline, codes B,C,M,N) and conventional weapons (通常兵器 / CW).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kizuna.core.countries import to_alpha2
from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance, dedupe_names, stable_id
from kizuna.core.errors import InputError
from kizuna.core.scripts import is_cjk
from kizuna.core.xlsx import open_workbook
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

_HEADER_MARKERS = ("Country", "Company", "Also Known As")
_FIELDS = ("No.", "Country or Region", "Company or Organization", "Also Known As", "Type of WMD",
           "Conventional Weapons")
_PARENS = re.compile(r"[（(]([^（）()]*)[)）]")
# Concern categories, as METI's cover note (20250929_2.pdf) defines them.
_CONCERNS = {"生物": "B", "化学": "C", "ミサイル": "M", "核": "N"}
_CONCERN_NAMES = {"B": "biological", "C": "chemical", "M": "missile", "N": "nuclear"}


def _split_name(cell: str) -> tuple[str, list[str]]:
    """The English name and the CJK-script names given in parentheses."""
    originals = [m.strip() for m in _PARENS.findall(cell) if is_cjk(m)]
    latin = _PARENS.sub(lambda m: "" if is_cjk(m[1]) else m[0], cell)
    latin = " ".join(latin.split())
    return latin, originals


def _aliases(cell: str | None) -> list[Name]:
    names: list[Name] = []
    for raw in (cell or "").split("\n"):
        line = raw.strip().lstrip("・").strip()
        if not line:
            continue
        text, originals = _split_name(line)
        if text:
            names.append(Name(text, NameKind.ORIGINAL if is_cjk(text) else NameKind.ALIAS))
        names.extend(Name(o, NameKind.ORIGINAL) for o in originals)
    return names


def _concerns(wmd: str | None, conventional: str | None) -> list[str]:
    text = unicodedata.normalize("NFKC", wmd or "")
    codes = {code for word, code in _CONCERNS.items() if word in text}
    programs = [f"WMD-{c} ({_CONCERN_NAMES[c]})" for c in "BCMN" if c in codes]
    if conventional and "CW" in unicodedata.normalize("NFKC", conventional):
        programs.append("CW (conventional weapons)")
    return programs


def _data_date(path: Path) -> str | None:
    """METI names its files by revision date, e.g. 20250929_4.xlsx."""
    m = re.match(r"(\d{4})(\d{2})(\d{2})", path.name)
    return f"{m[1]}-{m[2]}-{m[3]}" if m else None


def _refuse_formulas(cells: list[object], path: Path, line: int) -> None:
    """Only METI's No. column is a formula (``=ROW()-1``); a formula (or text written as one) anywhere else
    is not a name, a country or a concern, and must never be stored as one."""
    for index in range(1, 6):
        value = cells[index]
        if isinstance(value, str) and value.lstrip().startswith("="):
            raise InputError(f"a formula ({value[:40]!r}) where METI's list has text", path=path, line=line,
                             field=_FIELDS[index])


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    workbook = open_workbook(path, data_only=False)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "") for c in next(rows, ())]
    if len(header) < 6 or not all(any(m in h for h in header) for m in _HEADER_MARKERS):
        raise InputError("header does not look like METI's End User List "
                         "(expected Country or Region / Company or Organization / Also Known As)",
                         path=path, line=1)
    code = list_code or "jp-meti-eul"
    date = data_date or _data_date(path) or ""
    provenance = Provenance(code, origin, date, official_url(code))
    entries = []
    for number, row in enumerate(rows, start=1):
        line = number + 1
        cells = [*row, *([None] * 6)][:6]
        if not any(cells[1:6]):
            continue
        _refuse_formulas(cells, path, line)
        country_cell, name_cell = str(cells[1] or ""), str(cells[2] or "").strip()
        if not name_cell:
            raise InputError("empty company name", path=path, line=line, field="Company or Organization")
        english_country = country_cell.split("\n")[-1].strip()
        country = to_alpha2(english_country)
        if country is None:
            raise InputError(f"unknown country or region {english_country!r}", path=path, line=line,
                             field="Country or Region")
        latin, originals = _split_name(name_cell)
        name = latin or originals.pop(0)
        aliases = [Name(o, NameKind.ORIGINAL) for o in originals] + _aliases(cells[3])
        entries.append(Entry(
            list_code=code,
            entry_id=stable_id(code, country, name),
            name=name,
            entity_type=PartyKind.ORGANIZATION,  # the column is "Company or Organization"
            provenance=provenance,
            aliases=dedupe_names(name, aliases),
            countries=[country],
            programs=_concerns(cells[4], cells[5]),
            remarks=f"METI End User List No. {number}",
        ))
    workbook.close()
    return [ListData(code, date, origin, entries)]
