"""The one party type: a person, company, state body, vessel or arrangement that any capability screens, owns,
supplies or reports on — with its names in any script and where its facts were read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.core.entity import Identifier, Name, NameKind, PartyKind


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A short reference to a party inside a finding, an evidence record or a report subject."""

    id: str
    name: str
    kind: PartyKind = PartyKind.UNKNOWN
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind.value, "country": self.country}


@dataclass(slots=True)
class Party:
    """A party as a capability's own source describes it (an owner in a register, a cable supplier, a vendor, an
    end user on a licence application). ``source`` says where its facts were read (file and record, or a URL)."""

    name: str
    kind: PartyKind = PartyKind.UNKNOWN
    id: str = ""  # the caller's or the source's reference; the name when the source gives none
    aliases: list[Name] = field(default_factory=list)
    country: str | None = None  # ISO 3166-1 alpha-2 of nationality, jurisdiction or residence
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    birth_date: str | None = None  # persons: YYYY-MM-DD, YYYY-MM or YYYY
    source: str = ""
    source_url: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = self.name

    @property
    def names(self) -> list[Name]:
        """The name first, then every alias (in whatever script the source wrote them)."""
        return [Name(self.name, NameKind.PRIMARY), *self.aliases]

    def ref(self) -> PartyRef:
        return PartyRef(self.id, self.name, self.kind, self.country)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``Party.from_dict`` reads it back."""
        return {"id": self.id, "name": self.name, "kind": self.kind.value,
                "aliases": [{"text": a.text, "kind": a.kind.value, "script": a.script} for a in self.aliases],
                "country": self.country,
                "identifiers": [{"type": i.type, "value": i.value, "country": i.country} for i in self.identifiers],
                "addresses": list(self.addresses), "birth_date": self.birth_date, "source": self.source,
                "source_url": self.source_url, "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Party:
        return cls(name=data["name"], kind=PartyKind(data.get("kind", "unknown")), id=data.get("id", ""),
                   aliases=[Name(a["text"], NameKind(a.get("kind", "alias")), a.get("script", ""))
                            for a in data.get("aliases", [])],
                   country=data.get("country"),
                   identifiers=[Identifier(i["type"], i["value"], i.get("country"))
                                for i in data.get("identifiers", [])],
                   addresses=list(data.get("addresses", [])), birth_date=data.get("birth_date"),
                   source=data.get("source", ""), source_url=data.get("source_url", ""),
                   notes=list(data.get("notes", [])))
