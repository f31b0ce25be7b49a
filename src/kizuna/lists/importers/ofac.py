"""OFAC's legacy CSV release: sdn.csv / alt.csv / add.csv / sdn_comments.csv, and the non-SDN cons_*.csv.

Layout per OFAC's "dat_spec" (https://ofac.treasury.gov/sdn-list-data-formats-data-schemas): no header,
``-0-`` for null, joined on ``ent_num``. OFAC ends the primary, alias and address files with a Ctrl-Z byte
(0x1A): every copy in the project's research data does (2021, 2024, 2025 and 2026 releases; only the 2021
``sdn_comments.csv`` lacks it), so a file without it was cut off, at a row boundary or inside a row, and is
refused rather than loaded as a shorter list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from kizuna.core.countries import countries_in, to_alpha2
from kizuna.core.entity import (
    Entry,
    Identifier,
    Name,
    NameKind,
    PartyKind,
    Provenance,
    dedupe_names,
)
from kizuna.core.errors import InputError
from kizuna.core.tables import MalformedCsv, csv_rows
from kizuna.lists.importers.common import clean, iso_date, read_text
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

_PRIMARY_COLUMNS = ["ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type",
                    "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks"]
_TYPES = {"individual": PartyKind.PERSON, "vessel": PartyKind.VESSEL, "aircraft": PartyKind.AIRCRAFT}
_ALT_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}

# Remarks fields, as OFAC writes them: "DOB 13 May 1965; alt. DOB ...; nationality Iran; Passport X (Iran)".
_DOB = re.compile(r"(?:alt\. )?DOB (?:circa )?([^;]+)")
_NATIONALITY = re.compile(r"(?:alt\. )?(?:nationality|citizen) ([^;]+)")
_WEAK_AKA = re.compile(r"a\.k\.a\. '([^']+)'")
_ID = re.compile(r"(?:alt\. )?([A-Z][A-Za-z./ -]*?(?: No\.)?) ([A-Z0-9][A-Z0-9./-]*\d[A-Z0-9./-]*)"
                 r"(?: \(([^)]+)\))?$")


_END = "\x1a"


def _rows(path: Path, columns: int, *, ends_with_marker: bool = True) -> list[tuple[int, list[str]]]:
    """Rows with their line numbers; every row must have ``columns`` fields and quotes must close."""
    text = read_text(path)
    if ends_with_marker and not text.rstrip("\r\n").endswith(_END):
        raise InputError("the file does not end with OFAC's end-of-file byte (Ctrl-Z, 0x1A): it looks cut off "
                         "(download it again)", path=path, line=text.rstrip("\r\n").count("\n") + 1)
    rows: list[tuple[int, list[str]]] = []
    try:
        for line, row in csv_rows(path, text.replace(_END, ""), strict=True):
            if len(row) != columns:
                raise InputError(f"expected {columns} comma-separated fields, found {len(row)}", path=path, line=line)
            if not row[0].strip().isdigit():
                raise InputError(f"ent_num must be a number, found {row[0]!r}", path=path, line=line, field="ent_num")
            rows.append((line, row))
    except MalformedCsv as exc:
        raise InputError(f"{exc.message}: a quoted field does not close, the file looks cut off", path=path,
                         line=exc.line) from exc
    return rows


def _group(path: Path | None, columns: int, *, ends_with_marker: bool = True) -> dict[str, list[list[str]]]:
    grouped: dict[str, list[list[str]]] = defaultdict(list)
    if path is not None:
        for _, row in _rows(path, columns, ends_with_marker=ends_with_marker):
            grouped[row[0].strip()].append(row)
    return grouped


def _parse_remarks(remarks: str) -> tuple[list[str], list[str], list[Identifier], list[str]]:
    """Dates of birth, nationalities, identifiers and weak aliases buried in the Remarks column."""
    dobs, nationalities, identifiers, weak = [], [], [], []
    for part in (p.strip() for p in remarks.split(";")):
        if m := _DOB.fullmatch(part):
            dob = iso_date(m[1].split(" to ")[0])
            if dob:
                dobs.append(dob)
        elif m := _NATIONALITY.fullmatch(part):
            nationalities.append(m[1])
        elif m := _WEAK_AKA.search(part):
            weak.append(m[1])
        elif (m := _ID.fullmatch(part)) and not part.startswith(("Linked To", "Additional Sanctions")):
            identifiers.append(Identifier(m[1], m[2], to_alpha2(m[3]) if m[3] else None))
    return dobs, nationalities, identifiers, weak


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    """Join the primary file with its alias, address and comment files into entries."""
    code = list_code or "us-ofac-sdn"
    primary = files["primary"]
    alts = _group(files.get("alt"), 5)
    adds = _group(files.get("add"), 6)
    comments = {k: " ".join(r[1] for r in v)
                for k, v in _group(files.get("comments"), 2, ends_with_marker=False).items()}
    date = data_date or ""
    provenance = Provenance(code, origin, date, official_url(code))
    entries = []
    for line, row in _rows(primary, len(_PRIMARY_COLUMNS)):
        ent_num = row[0].strip()
        name = clean(row[1])
        if not name:
            continue
        kind = (clean(row[2]) or "").lower()
        if kind and kind not in _TYPES:
            raise InputError(f"SDN_Type must be individual, vessel, aircraft or -0- (entity), found {row[2]!r}",
                             path=primary, line=line, field="SDN_Type")
        remarks = " ".join(filter(None, [clean(row[11]), clean(comments.get(ent_num))])) or None
        dobs, nationalities, identifiers, weak = _parse_remarks(remarks or "")
        aliases = [Name(clean(a[3]) or "", _ALT_KINDS.get((clean(a[2]) or "aka").lower(), NameKind.ALIAS))
                   for a in alts.get(ent_num, []) if clean(a[3])]
        aliases += [Name(w, NameKind.WEAK) for w in weak]
        addresses = [", ".join(filter(None, (clean(a[2]), clean(a[3]), clean(a[4]))))
                     for a in adds.get(ent_num, [])]
        countries = countries_in([clean(a[4]) for a in adds.get(ent_num, [])] + nationalities
                                 + [clean(row[9])])
        entries.append(Entry(
            list_code=code,
            entry_id=ent_num,
            name=name,
            entity_type=_TYPES.get(kind, PartyKind.ORGANIZATION),
            provenance=provenance,
            aliases=dedupe_names(name, aliases),
            countries=countries,
            addresses=[a for a in addresses if a],
            identifiers=identifiers,
            dates_of_birth=dobs,
            programs=[p.strip(" []") for p in (clean(row[3]) or "").split("] [") if p.strip(" []")],
            remarks=remarks,
        ))
    # A newer alt/add file joined to an older primary file carries rows for entries the primary lacks.
    orphans = (set(alts) | set(adds)) - {e.entry_id for e in entries}
    warnings = [f"{len(orphans)} ent_num(s) in the alias/address files have no row in {primary.name}; "
                "they were not loaded"] if orphans else []
    return [ListData(code, date, origin, entries, warnings)]
