"""Japan Ministry of Finance: persons subject to asset freezes (資産凍結等の措置の対象者), MOF's Excel workbook.

Layout (``shisantouketsuYYYYMMDD.xlsx``): an index sheet ``一覧``, then one sheet per programme
(``29.ロシア連邦(個人)``).
Each programme sheet has title and note rows, then a header row starting ``告示日付, 告示番号, 日本語表記, 英語表記``;
the other columns differ per sheet (aliases, former names, date of birth, passport, address, ...). A row with a
number but no name (``2018.6.29削除``) is a delisting and not an entry; a sheet whose title says ``【解除】`` is a
lifted programme with no header. Every live row has a katakana/kanji name (日本語表記), kept as a name in its own
right (``NameKind.RENDERED``: MOF's rendering of a foreign name, not the party's own spelling), and usually an
English one (英語表記), the primary name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from kizuna.core.countries import countries_in
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.scripts import is_cjk
from kizuna.core.tables import workbook_sheets
from kizuna.lists.importers.common import cell_date, infer_entity_type, refuse_formula, xlsx_text
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

CODE = "jp-mof-asset-freeze"
HEADER = ("告示日付", "告示番号", "日本語表記", "英語表記")
_LIFTED = "【解除】"
_UNKNOWN = {"不明", "なし", "-", "－", "―"}
# "(a)", "（b）", "(aa)" item markers, and the separators MOF puts between aliases
_ITEM = re.compile(r"[(（]\s*[a-z]{1,2}\s*[)）]")
_SEPARATORS = re.compile(r"[\n；;、]|(?<=[)）])\s*,\s*")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_ORIGINAL_SCRIPT = re.compile(r"[(（]\s*original script\s*[:：]\s*([^()（）]+)[)）]", re.IGNORECASE)
_EDGES = " ,.)（）("  # punctuation left at the ends of a name once its item marker is cut off
_AKA = re.compile(r"^(?:a\.?k\.?a\.?|f\.?k\.?a\.?|別称|別名|旧称)\s*[:：、,]?\s*", re.IGNORECASE)


def _kind_of_column(header: str) -> NameKind | None:
    """Which alias column a header is: weak (確定に十分でない), former (旧称, 過去, 以前), or alias (別名, 別称)."""
    if "確定に十分でない" in header:
        return NameKind.WEAK
    if header == "旧称" or "以前" in header or "過去" in header:
        return NameKind.FORMER
    if "別名" in header or "別称" in header:
        return NameKind.ALIAS
    return None


def _columns(header: list[str]) -> dict[str, list[int]]:
    """Column indexes by role."""
    roles: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        if name in HEADER:
            role = name
        elif (kind := _kind_of_column(name)) is not None:
            role = f"alias:{kind.value}"
        elif "生年月日" in name:
            role = "dob"
        elif "旅券" in name:
            role = "passport"
        elif name in ("ID番号", "身分登録番号", "身分証番号"):
            role = "id"
        elif name == "国連参照番号":
            role = "un"
        elif name == "国籍":
            role = "nationality"
        elif "住所" in name or "所在地" in name:
            role = "address"
        elif name == "その他の情報":
            role = "other"
        else:
            continue
        roles.setdefault(role, []).append(index)
    return roles


def _names_in(cell: Any) -> list[str]:
    """The separate names in an alias cell: split at item markers and separators, a parenthesised Latin (or
    katakana) form of a name given as a name of its own; 不明 (unknown) dropped."""
    text = unicodedata.normalize("NFKC", str(cell or ""))
    text = re.sub(r"\n\s*(?=・)", "", text)  # a katakana name wrapped before its next word's ・
    names: list[str] = []
    for part in _SEPARATORS.split(_ITEM.sub("\n", text)):
        if "," in part and not is_cjk(part):
            pieces = [p.strip() for p in part.split(",")]
            if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):  # "A Corp, B Corp", not "Kim, Jong"
                names += [n for p in pieces for n in _names_in(p)]
                continue
        part = _AKA.sub("", part.strip(_EDGES))
        inner = [p.strip() for p in _PAREN.findall(part)]
        outer = " ".join(_PAREN.sub(" ", part).split())
        for name in (outer, *inner):
            name = _AKA.sub("", name.strip(" ,.")).strip()
            if name and name not in _UNKNOWN and any(ch.isalpha() for ch in name):
                names.append(name)
    return names


def _primary(english: str, japanese: str) -> tuple[str, list[Name]]:
    """The primary name (English, else the Japanese) and the names given beside it."""
    originals = [Name(" ".join(m.split()), NameKind.ORIGINAL) for m in _ORIGINAL_SCRIPT.findall(english)]
    english = " ".join(_ORIGINAL_SCRIPT.sub(" ", english).split())
    # MOF's 日本語表記 renders a foreign name in katakana (or translates it): not the party's own spelling
    names = [Name(japanese, NameKind.RENDERED)] if japanese else []
    return (english or japanese), names + originals


def _entity_type(sheet: str, english: str, has_birth_date: bool) -> PartyKind:
    if "個人" in sheet or has_birth_date:
        return PartyKind.PERSON
    if "団体" in sheet or "銀行" in sheet:
        return PartyKind.ORGANIZATION
    return infer_entity_type(english)


def _data_date(path: Path, notice_dates: list[str]) -> str:
    """MOF names each release by its date (shisantouketsu20260305.xlsx); else the newest notice date."""
    if m := re.search(r"(20\d{2})(\d{2})(\d{2})", path.name):
        return f"{m[1]}-{m[2]}-{m[3]}"
    return max(notice_dates, default="")


def _values(cells: list[Any], indexes: list[int]) -> list[Any]:
    return [cells[i] for i in indexes if i < len(cells) and cells[i] not in (None, "")]


def _row_entry(sheet: str, cells: list[Any], roles: dict[str, list[int]], *, path: Path, line: int,
               provenance: Provenance) -> Entry | None:
    """One programme row as an entry; None for a delisting (a number and a date, no name)."""
    cells = [*cells, *([""] * (max(i for idx in roles.values() for i in idx) + 1 - len(cells)))]
    number = xlsx_text(cells[roles["告示番号"][0]])
    japanese = xlsx_text(cells[roles["日本語表記"][0]])
    english_cell = str(cells[roles["英語表記"][0]] or "")
    for role in ("日本語表記", "英語表記"):
        refuse_formula(cells[roles[role][0]], path=path, line=line, field=f"{sheet}!{role}")
    if not japanese and not english_cell.strip():
        return None
    if not number:
        raise InputError("a named row without its notice number", path=path, line=line, field=f"{sheet}!告示番号")
    name, beside = _primary(english_cell, japanese)
    aliases = list(beside)
    for role, indexes in roles.items():
        if role.startswith("alias:"):
            kind = NameKind(role.split(":", 1)[1])
            for value in _values(cells, indexes):
                aliases += [Name(n, NameKind.RENDERED if is_cjk(n) else kind) for n in _names_in(value)]
    births = [d for v in _values(cells, roles.get("dob", [])) for d in _dates_in(v)]
    notices = [d for d in (cell_date(p) for p in re.split(r"\s+", str(cells[roles["告示日付"][0]] or "")))
               if d]
    identifiers = [Identifier(kind, value) for role, kind in (("passport", "passport"), ("id", "national id"),
                                                               ("un", "UN reference"))
                   for value in _identifiers(_values(cells, roles.get(role, [])))]
    sheet_number = sheet.split(".", 1)[0].strip()
    markers = [text for mark, text in (("*", "also designated under the UN Security Council measures"),
                                       ("#", "designated in concert with the US, the EU and others")) if mark in number]
    return Entry(
        list_code=provenance.list_code,
        entry_id=f"{sheet_number}-{''.join(number.split())}",
        name=name,
        entity_type=_entity_type(sheet, name, bool(births)),
        provenance=provenance,
        aliases=dedupe_names(name, aliases),
        countries=countries_in([n for v in _values(cells, roles.get("nationality", [])) for n in _names_in(v)]),
        addresses=[a for v in _values(cells, roles.get("address", [])) for a in _lines(v)],
        identifiers=identifiers,
        dates_of_birth=births,
        programs=[sheet.split(".", 1)[-1].strip()],
        listed_on=notices[0] if notices else None,
        remarks="; ".join([f"MOF sheet {sheet}, notice No. {number}", *markers,
                           *(xlsx_text(v) for v in _values(cells, roles.get("other", [])))]),
    )


def _dates_in(value: Any) -> list[str]:
    if (single := cell_date(value)) is not None:
        return [single]
    text = unicodedata.normalize("NFKC", str(value))
    found = re.findall(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}年", _ITEM.sub(" ", text))
    return list(dict.fromkeys(d for d in (cell_date(f) for f in found) if d))


def _lines(value: Any) -> list[str]:
    return [t for t in (" ".join(p.split()) for p in _ITEM.sub("\n", str(value)).split("\n"))
            if t and t not in _UNKNOWN]


def _identifiers(values: list[Any]) -> list[str]:
    return [t for v in values for t in _lines(v)]


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    code = list_code or CODE
    pending: list[tuple[str, list[Any], dict[str, list[int]], int]] = []
    seen_sheets = 0
    for title, rows in workbook_sheets(path, formulas=True):
        if title.strip() == "一覧":
            continue
        seen_sheets += 1
        roles: dict[str, list[int]] | None = None
        for line, cells in rows:
            if roles is None:
                if xlsx_text(cells[0]) == HEADER[0]:
                    header = [xlsx_text(c) for c in cells]
                    if tuple(header[:4]) != HEADER:
                        raise InputError(f"header starts {', '.join(header[:4])}; expected {', '.join(HEADER)}",
                                         path=path, line=line, field=title)
                    roles = _columns(header)
                continue
            pending.append((title, cells, roles, line))
        if roles is None and _LIFTED not in title:
            raise InputError(f"no header row starting {', '.join(HEADER)} in a programme sheet", path=path,
                             field=title)
    if not seen_sheets:
        raise InputError("no programme sheets: not MOF's asset-freeze workbook", path=path)
    notices = [d for _, cells, roles, _ in pending
               for d in (cell_date(p) for p in str(cells[roles["告示日付"][0]] or "").split()) if d]
    date = data_date or _data_date(path, notices)
    provenance = Provenance(code, origin, date, official_url(code))
    entries = [entry for title, cells, roles, line in pending
               if (entry := _row_entry(title, cells, roles, path=path, line=line, provenance=provenance))]
    return [ListData(code, date, origin, entries)]
