"""UN Security Council Consolidated List, XML (schema https://www.un.org/sc/resources/sc-sanctions.xsd)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from kizuna.core.countries import countries_in, to_alpha2
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.xmlfiles import parse_xml
from kizuna.lists.importers.common import clean, iso_date
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

# The schema's sections, each required (sc-sanctions.xsd; an empty list still has both, each possibly empty).
_SECTIONS = {"INDIVIDUALS": "INDIVIDUAL", "ENTITIES": "ENTITY"}
_ALIAS_KINDS = {"good": NameKind.ALIAS, "a.k.a.": NameKind.ALIAS, "low": NameKind.WEAK, "f.k.a.": NameKind.FORMER}


def _text(element: ET.Element, tag: str) -> str | None:
    return clean(element.findtext(tag))


def _values(element: ET.Element, path: str) -> list[str]:
    return [v for v in (clean(e.text) for e in element.findall(path)) if v]


def _dates_of_birth(element: ET.Element) -> list[str]:
    dates = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        value = _text(dob, "DATE") or _text(dob, "YEAR") or _text(dob, "FROM_YEAR")
        iso = iso_date(value)
        if iso:
            dates.append(iso)
    return dates


def _addresses(element: ET.Element, tag: str) -> tuple[list[str], list[str | None]]:
    addresses, countries = [], []
    for address in element.findall(tag):
        parts = [_text(address, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        text = ", ".join(p for p in parts if p)
        if text:
            addresses.append(text)
        countries.append(_text(address, "COUNTRY"))
    return addresses, countries


def _documents(element: ET.Element) -> list[Identifier]:
    identifiers = []
    for doc in element.findall("INDIVIDUAL_DOCUMENT"):
        number = _text(doc, "NUMBER")
        if number:
            country = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
            identifiers.append(Identifier(_text(doc, "TYPE_OF_DOCUMENT") or "document", number,
                                          to_alpha2(country) if country else None))
    return identifiers


def _entry(element: ET.Element, person: bool, provenance: Provenance, path: Path) -> Entry:
    parts = [_text(element, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not name:
        reference = _text(element, "REFERENCE_NUMBER") or "without a reference number"
        raise InputError(f"<{element.tag}> {reference} has no name", path=path, field="FIRST_NAME")
    alias_tag = "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"
    aliases = []
    for alias in element.findall(alias_tag):
        text = _text(alias, "ALIAS_NAME")
        if text:
            aliases.append(Name(text, _ALIAS_KINDS.get((_text(alias, "QUALITY") or "").lower(), NameKind.ALIAS)))
    original = _text(element, "NAME_ORIGINAL_SCRIPT")
    if original:
        aliases.append(Name(original, NameKind.ORIGINAL))
    addresses, address_countries = _addresses(element, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS")
    nationalities = _values(element, "NATIONALITY/VALUE")
    return Entry(
        list_code=provenance.list_code,
        entry_id=_text(element, "REFERENCE_NUMBER") or _text(element, "DATAID") or name,
        name=name,
        entity_type=PartyKind.PERSON if person else PartyKind.ORGANIZATION,
        provenance=provenance,
        aliases=dedupe_names(name, aliases),
        countries=countries_in([*nationalities, *address_countries]),
        addresses=addresses,
        identifiers=_documents(element) if person else [],
        dates_of_birth=_dates_of_birth(element) if person else [],
        programs=[p for p in [_text(element, "UN_LIST_TYPE")] if p],
        listed_on=iso_date(_text(element, "LISTED_ON")),
        remarks=_text(element, "COMMENTS1"),
    )


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    """Read INDIVIDUALS and ENTITIES; the data date is the file's ``dateGenerated``."""
    path = files["primary"]
    root = parse_xml(path)
    if root.tag != "CONSOLIDATED_LIST":
        raise InputError(f"root element is <{root.tag}>, expected <CONSOLIDATED_LIST>", path=path, line=1)
    code = list_code or "un-sc"
    date = data_date or iso_date(root.get("dateGenerated")) or ""
    provenance = Provenance(code, origin, date, official_url(code))
    _check_sections(root, path)
    entries = [_entry(el, True, provenance, path) for el in root.iterfind("INDIVIDUALS/INDIVIDUAL")]
    entries += [_entry(el, False, provenance, path) for el in root.iterfind("ENTITIES/ENTITY")]
    return [ListData(code, date, origin, entries)]


def _check_sections(root: ET.Element, path: Path) -> None:
    """Exactly the schema's sections, holding only their own records: a renamed section would drop every
    record in it without a word."""
    found = [child.tag for child in root]
    unknown = [tag for tag in found if tag not in _SECTIONS]
    missing = [tag for tag in _SECTIONS if tag not in found]
    if unknown or missing:
        raise InputError(f"expected the sections <INDIVIDUALS> and <ENTITIES> (sc-sanctions.xsd); "
                         f"missing: {', '.join(missing) or 'none'}; unknown: {', '.join(unknown) or 'none'}",
                         path=path, line=1)
    for section, record in _SECTIONS.items():
        for child in root.iterfind(f"{section}/*"):
            if child.tag != record:
                raise InputError(f"<{section}> holds a <{child.tag}>; expected only <{record}>", path=path,
                                 field=section)
