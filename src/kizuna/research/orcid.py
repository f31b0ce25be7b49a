"""A researcher's documented affiliations from an ORCID record (the public data file's record 3.0 XML): every
employment, education, qualification, invited position, membership, service and distinction, and the funders of
every funding, with their dates. Parsed through ``kizuna.core.xmlfiles`` (no DTDs, no entities)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from kizuna.core.errors import InputError
from kizuna.core.xmlfiles import parse_xml
from kizuna.research.diligence import Affiliation

COMMON = "{http://www.orcid.org/ns/common}"
KINDS = {"employment-summary": "employment", "education-summary": "education",
         "qualification-summary": "qualification", "invited-position-summary": "invited position",
         "membership-summary": "membership", "service-summary": "service", "distinction-summary": "distinction",
         "funding-summary": "funding"}


def read_orcid(path: Path, today: date | None = None) -> tuple[str, list[Affiliation]]:
    """The ORCID iD of the record at ``path`` and its affiliations (current: no end date, or one not yet past)."""
    root = parse_xml(path)
    orcid = _text(root.find(f".//{COMMON}orcid-identifier/{COMMON}path"))
    if not orcid:
        raise InputError("not an ORCID record: no orcid-identifier", path=path, field="orcid-identifier")
    year = (today or date.today()).year
    found = []
    for element in root.iter():
        kind = KINDS.get(element.tag.rpartition("}")[2])
        if kind is None:
            continue
        name = _text(element.find(f"{COMMON}organization/{COMMON}name"))
        if not name:
            continue
        start = _text(element.find(f"{COMMON}start-date/{COMMON}year"))
        end = _text(element.find(f"{COMMON}end-date/{COMMON}year"))
        country = _text(element.find(f"{COMMON}organization/{COMMON}address/{COMMON}country")) or None
        current = not end or (end.isdigit() and int(end) >= year)
        found.append(Affiliation(name, kind, current=current, period=f"{start or '?'}–{end}" if start or end else "",
                                 source=f"ORCID {orcid} ({path.name}, {kind} {element.get('put-code', '')})",
                                 country=country, person=f"ORCID {orcid}"))
    return orcid, found


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""
