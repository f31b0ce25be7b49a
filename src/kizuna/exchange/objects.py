"""The STIX 2.1 objects nodes exchange: agency identities, denials, consultations, screening and investor notes,
and comments (STIX ``note``). Built and validated with the ``stix2`` library; handled as plain dicts elsewhere.

Kizuna's own types are defined by STIX extension definitions (``kizuna.exchange.extensions``): each new object
declares its type's ``new-sdo`` extension, and identities and notes declare the extension of their ``x_kizuna_``
properties. Objects stored before that declare nothing and are still read as they are.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import stix2
from stix2 import CustomObject
from stix2 import properties as p

from kizuna import controls
from kizuna.core.countries import to_alpha2
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.exchange.config import rules
from kizuna.exchange.extensions import object_extension, properties_extension
from kizuna.exchange.signing import SIGNATURE_PROPERTY

DENIAL = "x-kizuna-denial"
CONSULTATION = "x-kizuna-consultation"
SCREENING_NOTE = "x-kizuna-screening-note"
INVESTOR_NOTE = "x-kizuna-investor-note"
NOTE = "note"
IDENTITY = "identity"
EXCHANGED_TYPES = frozenset({DENIAL, CONSULTATION, SCREENING_NOTE, INVESTOR_NOTE, NOTE, IDENTITY})
# Properties nobody may put a granular marking on: without them the object is not an object.
UNMARKABLE = frozenset({"type", "spec_version", "id", "created", "modified", "created_by_ref", "object_marking_refs",
                        "granular_markings", SIGNATURE_PROPERTY, "status", "revoked"})


def _dict() -> p.DictionaryProperty:
    return p.DictionaryProperty(spec_version="2.1")


@CustomObject(DENIAL, [
    ("control_entries", p.ListProperty(_dict(), required=True)),
    ("item_description", p.StringProperty(required=True)),
    ("end_user", _dict()),
    ("consignee", _dict()),
    ("end_use", p.StringProperty()),
    ("destination", p.StringProperty()),
    ("reason", p.StringProperty()),
    ("denial_date", p.StringProperty(required=True)),
    ("review_date", p.StringProperty(required=True)),
    ("status", p.EnumProperty(["active", "revoked"], required=True)),
    ("status_reason", p.StringProperty()),
    (SIGNATURE_PROPERTY, p.StringProperty()),
], extension_name=object_extension(DENIAL))
class DenialObject:
    """A licence denial: the control entry, the item, the parties, the end use, the reason and its dates."""


@CustomObject(CONSULTATION, [
    ("denial_ref", p.ReferenceProperty(valid_types=[DENIAL], spec_version="2.1", required=True)),
    ("application", _dict()),
    ("question", p.StringProperty(required=True)),
    ("deadline", p.StringProperty(required=True)),
    ("status", p.EnumProperty(["open", "answered", "withdrawn"], required=True)),
    ("answer", p.StringProperty()),
    ("position", p.StringProperty()),
    ("answered_by_ref", p.ReferenceProperty(valid_types=["identity"], spec_version="2.1")),
    (SIGNATURE_PROPERTY, p.StringProperty()),
], extension_name=object_extension(CONSULTATION))
class Consultation:
    """A no-undercut consultation: the denial it concerns, the new application, the question, deadline, answer."""


@CustomObject(SCREENING_NOTE, [
    ("party", _dict()),
    ("hits", p.ListProperty(_dict())),
    ("finding", p.StringProperty(required=True)),
    (SIGNATURE_PROPERTY, p.StringProperty()),
], extension_name=object_extension(SCREENING_NOTE))
class ScreeningNote:
    """An analyst's screening finding about a party, with the list hits behind it."""


@CustomObject(INVESTOR_NOTE, [
    ("investor", _dict()),
    ("ownership_chain", p.ListProperty(_dict())),
    ("concerns", p.StringProperty(required=True)),
    (SIGNATURE_PROPERTY, p.StringProperty()),
], extension_name=object_extension(INVESTOR_NOTE))
class InvestorNote:
    """Counter-intelligence on a foreign investor: who it is, who owns it, what is of concern."""


def to_dict(obj: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(obj.serialize())
    return result


def validate(obj: dict[str, Any]) -> None:
    """Raise InputError unless ``obj`` is a valid STIX 2.1 object of a type nodes exchange."""
    if obj.get("type") not in EXCHANGED_TYPES:
        raise InputError(f"object type {obj.get('type')!r} is not exchanged")
    try:
        stix2.parse(obj, allow_custom=True)
    except Exception as exc:  # stix2 raises many exception types; all mean "not valid STIX"
        raise InputError(f"{obj.get('id', '?')}: not valid STIX 2.1: {exc}") from exc


def _text(value: str | None, field: str, required: bool = False) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise InputError("must not be empty", field=field)
    return text or None


def parse_party(name: str | None, country: str | None, address: str | None, field: str) -> Party | None:
    """A party (end user, consignee, investor) as typed, its country read to ISO alpha-2; None without a name."""
    text = _text(name, field)
    if text is None:
        return None
    code = None
    if country and country.strip():
        code = to_alpha2(country)
        if code is None:
            raise InputError(f"unknown country {country!r} (use an ISO 3166 alpha-2 code)", field=f"{field}-country")
    return Party(text, country=code, addresses=[address.strip()] if address and address.strip() else [])


def required_party(name: str | None, country: str | None, address: str | None, field: str) -> Party:
    """``parse_party`` for a party that must be named (an end user, a screened party, an investor)."""
    party = parse_party(name, country, address, field)
    if party is None:
        raise InputError("must not be empty", field=field)
    return party


def party_to_stix(party: Party) -> dict[str, str]:
    """The party as a STIX object carries it (``end_user``, ``consignee``, ``investor``, ``party``): name, country
    and first address; ``party_from_stix`` reads it back."""
    out = {"name": party.name}
    if party.country:
        out["country"] = party.country
    if party.addresses:
        out["address"] = party.addresses[0]
    return out


def party_from_stix(data: dict[str, Any], source: str = "") -> Party:
    """A party dict of a STIX object (as received, possibly with fields withheld) as a ``Party``."""
    address = data.get("address")
    return Party(str(data.get("name") or ""), country=data.get("country") or None,
                 addresses=[str(address)] if address else [], source=source)


def iso_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from None


def review_date(denied: date) -> date:
    """The date a denial lapses unless renewed: three years on (``rules.yaml``)."""
    years = int(rules()["denial"]["review_after_years"])
    try:
        return denied.replace(year=denied.year + years)
    except ValueError:  # 29 February
        return denied.replace(year=denied.year + years, day=28)


def control_entries(codes: list[str]) -> list[dict[str, str]]:
    if not codes:
        raise InputError("give at least one control entry", field="--control")
    return [controls.parse(code).to_dict() for code in codes]


def new_denial(*, creator: str, codes: list[str], item: str, end_user: Party, denial_date: str,
               consignee: Party | None = None, end_use: str | None = None, destination: str | None = None,
               reason: str | None = None, markings: list[str] | None = None,
               granular: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A new active denial; its review date is three years after the denial date."""
    denied = iso_date(denial_date, "--date")
    fields: dict[str, Any] = {
        "created_by_ref": creator, "control_entries": control_entries(codes),
        "item_description": _text(item, "--item", required=True), "end_user": party_to_stix(end_user),
        "denial_date": denied.isoformat(), "review_date": review_date(denied).isoformat(), "status": "active",
    }
    for name, value in (("consignee", party_to_stix(consignee) if consignee else None),
                        ("end_use", _text(end_use, "--end-use")), ("destination", _text(destination, "--destination")),
                        ("reason", _text(reason, "--reason"))):
        if value:
            fields[name] = value
    return _build(DenialObject, fields, markings, granular)


def new_consultation(*, creator: str, denial: dict[str, Any], application: dict[str, Any], question: str,
                     deadline: str, markings: list[str]) -> dict[str, Any]:
    return _build(Consultation, {"created_by_ref": creator, "denial_ref": denial["id"], "application": application,
                                 "question": question, "deadline": deadline, "status": "open"}, markings, None)


def new_screening_note(*, creator: str, party_: Party, hits: list[dict[str, Any]], finding: str,
                       markings: list[str], granular: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return _build(ScreeningNote, {"created_by_ref": creator, "party": party_to_stix(party_), "hits": hits,
                                  "finding": _text(finding, "--finding", required=True)}, markings, granular)


def new_investor_note(*, creator: str, investor: Party, chain: list[dict[str, Any]], concerns: str,
                      markings: list[str], granular: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"created_by_ref": creator, "investor": party_to_stix(investor),
                              "concerns": _text(concerns, "--concerns", required=True)}
    if chain:
        fields["ownership_chain"] = chain
    return _build(InvestorNote, fields, markings, granular)


def new_note(*, creator: str, about: list[str], content: str, markings: list[str],
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A comment on other objects (STIX ``note``); ``extra`` holds x_kizuna_ properties, e.g. a consultation answer."""
    fields: dict[str, Any] = {"created_by_ref": creator, "object_refs": about,
                              "content": _text(content, "--text", required=True), "object_marking_refs": markings,
                              **(extra or {})}
    fields["extensions"] = _properties_declaration()
    return to_dict(stix2.v21.Note(allow_custom=True, **fields))


def _properties_declaration() -> dict[str, dict[str, str]]:
    """The ``extensions`` entry of an identity or note: Kizuna's x_kizuna_ properties are defined there."""
    return {properties_extension(): {"extension_type": "toplevel-property-extension"}}


def new_identity(name: str, country: str) -> dict[str, Any]:
    """The STIX identity of an agency: an organisation in the national-government sector."""
    identity = stix2.v21.Identity(name=name, identity_class="organization", sectors=["government-national"],
                                  x_kizuna_country=country, allow_custom=True, extensions=_properties_declaration())
    return to_dict(identity)


def _build(cls: Any, fields: dict[str, Any], markings: list[str] | None,
           granular: list[dict[str, Any]] | None) -> dict[str, Any]:
    if markings:
        fields["object_marking_refs"] = markings
    if granular:
        for entry in granular:
            for selector in entry["selectors"]:
                if selector.split(".")[0] in UNMARKABLE:
                    raise InputError(f"{selector!r} cannot carry its own marking", field="granular marking")
        fields["granular_markings"] = granular
    try:
        return to_dict(cls(allow_custom=True, **fields))
    except stix2.exceptions.InvalidSelectorError as exc:
        raise InputError(f"a granular marking points at a field the object does not have ({exc})") from exc
    except stix2.exceptions.STIXError as exc:
        raise InputError(str(exc)) from exc


def new_version(obj: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The next version of an object (a later ``modified``); only the originator calls this."""
    current = stix2.parse(obj, allow_custom=True)
    updated = current.new_version(allow_custom=True, **changes)
    result = to_dict(updated)
    result.pop(SIGNATURE_PROPERTY, None)
    return result


def effective_status(obj: dict[str, Any], today: date | None = None) -> str:
    """A denial's status as it counts today: revoked, expired (past its review date) or active."""
    if obj.get("status") == "revoked" or obj.get("revoked"):
        return "revoked"
    if obj.get("type") == DENIAL and obj.get("review_date", "9999") < (today or date.today()).isoformat():
        return "expired"
    return str(obj.get("status", ""))
