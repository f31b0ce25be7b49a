"""The EU Financial Sanctions File (FSF): the consolidated list of persons, groups and entities subject to EU
financial sanctions, as the Commission's XML export (``xmlFullSanctionsList_1_1``).

Schema (namespace ``http://eu.europa.ec/fpi/fsd/export``): a root ``export`` with ``generationDate``, holding one
``sanctionEntity`` per listing (``logicalId``, ``euReferenceNumber``, ``unitedNationId``, ``designationDate``),
whose children are ``remark``, ``regulation`` (``programme``, ``numberTitle``, ``publicationDate``,
``entryIntoForceDate``; child ``publicationUrl``), ``subjectType`` (``code``: person, enterprise, vessel,
aircraft), ``nameAlias`` (``wholeName``, ``firstName``, ``middleName``, ``lastName``, ``nameLanguage``, ``strong``,
``function``, ``gender``), ``citizenship``, ``birthdate`` (``birthdate`` or ``year``/``monthOfYear``/
``dayOfMonth``; ``city``, ``countryIso2Code``), ``identification`` (``identificationTypeCode``, ``number``,
``latinNumber``, ``countryIso2Code``) and ``address`` (``street``, ``poBox``, ``city``, ``zipCode``, ``region``,
``place``, ``countryDescription``, ``countryIso2Code``). Each name alias is one language's spelling of the name:
all of them are kept, in every script.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from kizuna.core.countries import countries_in
from kizuna.core.entity import Entry, Identifier, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.xmlfiles import parse_xml
from kizuna.lists.importers.common import clean, iso_date
from kizuna.lists.model import ListData
from kizuna.lists.registry import official_url

CODE = "eu-fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
_TYPES = {"person": PartyKind.PERSON, "enterprise": PartyKind.ORGANIZATION, "vessel": PartyKind.VESSEL,
          "aircraft": PartyKind.AIRCRAFT}
_UNKNOWN_COUNTRY = {"UNKNOWN", "00"}
_LATIN = {"Latn", "Zyyy"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _line_of(path: Path, needle: str) -> int | None:
    """The line of the first occurrence of ``needle`` (an entity's ``logicalId="…"``), for an error message."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if needle.encode() in line:
                return number
    return None


def _name(alias: ET.Element) -> str | None:
    whole = clean(alias.get("wholeName"))
    if whole:
        return whole
    parts = [clean(alias.get(k)) for k in ("firstName", "middleName", "lastName")]
    return " ".join(p for p in parts if p) or None


def _country(element: ET.Element) -> str | None:
    code = clean(element.get("countryIso2Code"))
    if code and code.upper() not in _UNKNOWN_COUNTRY:
        return code
    description = clean(element.get("countryDescription"))
    return description if description and description.upper() not in _UNKNOWN_COUNTRY else None


def _birth_dates(entity: ET.Element) -> list[str]:
    dates = []
    for birth in _children(entity, "birthdate"):
        full = iso_date(birth.get("birthdate"))
        if full is None and clean(birth.get("year")):
            year, month, day = (clean(birth.get(k)) for k in ("year", "monthOfYear", "dayOfMonth"))
            full = iso_date(f"{year}-{int(month):02d}-{int(day):02d}" if month and day
                            else f"{year}-{int(month):02d}" if month else year)
        if full and full not in dates:
            dates.append(full)
    return dates


def _address(element: ET.Element) -> str:
    parts = [clean(element.get(k)) for k in ("street", "poBox", "city", "zipCode", "region", "place")]
    country = clean(element.get("countryDescription"))
    if country and country.upper() not in _UNKNOWN_COUNTRY:
        parts.append(country)
    return ", ".join(p for p in parts if p)


def _entry(entity: ET.Element, path: Path, provenance: Provenance) -> Entry:
    logical = clean(entity.get("logicalId"))
    where = f'logicalId="{logical}"'
    if not logical:
        raise InputError("a sanctionEntity without its logicalId", path=path, field="sanctionEntity.logicalId")
    subject = next(iter(_children(entity, "subjectType")), None)
    code = clean(subject.get("code")) if subject is not None else None
    kind = _TYPES.get((code or "").casefold())
    if kind is None:
        raise InputError(f"sanctionEntity {logical}: subjectType code {code!r} is not person, enterprise, vessel or "
                         "aircraft", path=path, line=_line_of(path, where), field="subjectType.code")
    names: list[Name] = []
    for alias in _children(entity, "nameAlias"):
        text = _name(alias)
        if text:
            strong = (alias.get("strong") or "true").casefold() != "false"
            name = Name(text, NameKind.ALIAS if strong else NameKind.WEAK)
            # a spelling in Cyrillic, Greek, Arabic or CJK is the name in its own script
            names.append(Name(text, NameKind.ORIGINAL) if strong and name.script not in _LATIN else name)
    if not names:
        raise InputError(f"sanctionEntity {logical} has no nameAlias with a name", path=path,
                         line=_line_of(path, where), field="nameAlias.wholeName")
    primary = next((n for n in names if n.kind is NameKind.ALIAS), names[0])
    identifiers = [Identifier("EU reference", ref)] if (ref := clean(entity.get("euReferenceNumber"))) else []
    if un := clean(entity.get("unitedNationId")):
        identifiers.append(Identifier("UN reference", un))
    for document in _children(entity, "identification"):
        number = clean(document.get("number")) or clean(document.get("latinNumber"))
        if number:
            identifiers.append(Identifier(clean(document.get("identificationTypeCode")) or "document", number,
                                          clean(document.get("countryIso2Code"))))
    regulations = _children(entity, "regulation")
    programmes = list(dict.fromkeys(p for r in regulations if (p := clean(r.get("programme")))))
    publication = [clean(u.text) for r in regulations for u in _children(r, "publicationUrl") if clean(u.text)]
    remarks = [t for r in _children(entity, "remark") if (t := clean(r.text))]
    countries = [_country(c) for c in _children(entity, "citizenship")]
    addresses = [a for a in (_address(e) for e in _children(entity, "address")) if a]
    return Entry(
        list_code=provenance.list_code,
        entry_id=logical,
        name=primary.text,
        entity_type=kind,
        provenance=provenance,
        aliases=dedupe_names(primary.text, [n for n in names if n is not primary]),
        countries=countries_in(countries),
        addresses=addresses,
        identifiers=identifiers,
        dates_of_birth=_birth_dates(entity),
        programs=programmes,
        listed_on=iso_date(entity.get("designationDate")),
        citation="; ".join(dict.fromkeys(t for r in regulations if (t := clean(r.get("numberTitle"))))) or None,
        remarks="; ".join([*remarks, *(f"regulation: {u}" for u in dict.fromkeys(publication))]) or None,
    )


def read(files: dict[str, Path], list_code: str | None, data_date: str | None, origin: str) -> list[ListData]:
    path = files["primary"]
    code = list_code or CODE
    root = parse_xml(path)
    if _local(root.tag) != "export" or (root.tag.startswith("{") and not root.tag.startswith(f"{{{NAMESPACE}}}")):
        raise InputError(f"root element is {root.tag!r}; expected the FSF's export in namespace {NAMESPACE}",
                         path=path, line=1)
    generated = iso_date(root.get("generationDate"))
    date = data_date or generated or ""
    if not date:
        raise InputError("export has no generationDate, so the data date is unknown (give --date)", path=path,
                         line=1, field="export.generationDate")
    provenance = Provenance(code, origin, date, official_url(code))
    entries = [_entry(entity, path, provenance) for entity in _children(root, "sanctionEntity")]
    return [ListData(code, date, origin, entries)]
