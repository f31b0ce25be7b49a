"""The listed party: one entry of one list, with every fact traceable to its source."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from kizuna.core.scripts import detect_script


class PartyKind(StrEnum):
    """What a party is: the one kind enum of every capability (listed entries, owners, suppliers, vendors)."""

    PERSON = "person"
    ORGANIZATION = "organization"
    STATE = "state"  # a state or a state body (ministry, agency): the root of state ownership
    ARRANGEMENT = "arrangement"  # trusts, nominee and joint-holding arrangements
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"  # not stated, or an owner the source says exists but does not identify

    @classmethod
    def _missing_(cls, value: object) -> PartyKind | None:
        # Older ownership stores and CSV files wrote a company as "entity".
        return cls.ORGANIZATION if isinstance(value, str) and value.casefold() == "entity" else None

    @property
    def screened_as(self) -> PartyKind:
        """The kind a list entry of this party would have: a state body is listed as an organisation."""
        if self is PartyKind.STATE:
            return PartyKind.ORGANIZATION
        return PartyKind.UNKNOWN if self is PartyKind.ARRANGEMENT else self


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"  # also known as
    FORMER = "former"  # formerly known as
    WEAK = "weak"  # a low-quality alias the source itself flags (UN "Low", OFAC "weak aka")
    ORIGINAL = "original-script"  # the name in its own script, as the source gives it
    # the name as the list renders it in another script than the party's own: Japan's MOF and METI write Korean,
    # Russian or Arabic names in katakana (キム・ギョンイル = KIM KYONG IL) and translate organisations' names
    RENDERED = "rendered"


@dataclass(frozen=True, slots=True)
class Name:
    """One name of an entry, with its script and how the source qualifies it."""

    text: str
    kind: NameKind = NameKind.PRIMARY
    script: str = ""

    def __post_init__(self) -> None:
        if not self.script:
            object.__setattr__(self, "script", detect_script(self.text))


@dataclass(frozen=True, slots=True)
class Identifier:
    """A document or registry number as the source gives it."""

    type: str
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an entry came from: the list, the published file, its data date and the official URL."""

    list_code: str
    source: str  # the file (and origin) the entry was read from
    data_date: str  # ISO date the data is as of
    official_url: str


@dataclass(slots=True)
class Entry:
    """One listed party as its list publishes it, normalised to a common shape."""

    list_code: str
    entry_id: str
    name: str
    entity_type: PartyKind
    provenance: Provenance
    aliases: list[Name] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2
    addresses: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: str | None = None
    citation: str | None = None  # Federal Register or other legal citation
    remarks: str | None = None

    @property
    def names(self) -> list[Name]:
        """The primary name first, then every alias."""
        return [Name(self.name, NameKind.PRIMARY), *self.aliases]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``Entry.from_dict`` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            list_code=data["list_code"],
            entry_id=data["entry_id"],
            name=data["name"],
            entity_type=PartyKind(data["entity_type"]),
            provenance=Provenance(**data["provenance"]),
            aliases=[Name(a["text"], NameKind(a["kind"]), a["script"]) for a in data.get("aliases", [])],
            countries=list(data.get("countries", [])),
            addresses=list(data.get("addresses", [])),
            identifiers=[Identifier(**i) for i in data.get("identifiers", [])],
            dates_of_birth=list(data.get("dates_of_birth", [])),
            programs=list(data.get("programs", [])),
            listed_on=data.get("listed_on"),
            citation=data.get("citation"),
            remarks=data.get("remarks"),
        )


def stable_id(*parts: str | None) -> str:
    """A short, stable id for sources that publish none: a hash of the identifying fields."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return digest[:16]


def dedupe_names(primary: str, names: list[Name]) -> list[Name]:
    """Drop aliases that repeat the primary name or an earlier alias (ignoring case and spacing)."""
    seen = {" ".join(primary.casefold().split())}
    kept = []
    for name in names:
        key = " ".join(name.text.casefold().split())
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept
