"""What a screening request asks and what a hit says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.core.entity import PartyKind


@dataclass(frozen=True, slots=True)
class Query:
    """A party to screen. ``country`` is ISO alpha-2; ``birth_date`` an ISO date or year."""

    name: str
    country: str | None = None
    entity_type: PartyKind = PartyKind.UNKNOWN
    birth_date: str | None = None
    lists: tuple[str, ...] = ()


@dataclass(slots=True)
class Hit:
    """One listed entry that matches, with the name that matched and why."""

    list_code: str
    entry_id: str
    name: str  # the entry's primary name as the source writes it
    matched_name: str  # the listed name (primary or alias) that matched
    score: float
    explanation: str
    source_url: str
    data_date: str
    entity_type: str
    countries: list[str]
    parts: dict[str, Any] = field(default_factory=dict)  # score components, for the API and the console

    def summary(self) -> dict[str, Any]:
        """The fields a screen-file output line carries."""
        return {"list": self.list_code, "entry_id": self.entry_id, "name": self.name,
                "matched_name": self.matched_name, "score": round(self.score, 4),
                "explanation": self.explanation, "source_url": self.source_url, "data_date": self.data_date}

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary(), "entity_type": self.entity_type,
                "countries": self.countries, "parts": self.parts}
