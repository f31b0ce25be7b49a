"""What a screening request asks and what a hit says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.core.entity import PartyKind
from kizuna.core.party import Party
from kizuna.screening.explain import Step, render, render_lines
from kizuna.screening.explain import to_dict as step_dict


@dataclass(frozen=True, slots=True)
class Query:
    """A party to screen. ``country`` is ISO alpha-2; ``birth_date`` an ISO date or year."""

    name: str
    country: str | None = None
    entity_type: PartyKind = PartyKind.UNKNOWN
    birth_date: str | None = None
    lists: tuple[str, ...] = ()

    @classmethod
    def of(cls, party: Party, name: str, lists: tuple[str, ...] = ()) -> Query:
        """The query screening ``party`` under ``name`` (its name or an alias), as a listed entry would be kinded."""
        return cls(name, country=party.country, entity_type=party.kind.screened_as, birth_date=party.birth_date,
                   lists=lists)


@dataclass(slots=True)
class Hit:
    """One listed entry that matches, with the name that matched and why: ``steps`` are the typed explanation
    (``kizuna.screening.explain``), ``explanation`` the same in words."""

    list_code: str
    entry_id: str
    name: str  # the entry's primary name as the source writes it
    matched_name: str  # the listed name (primary or alias) that matched
    score: float
    steps: list[Step]
    source_url: str
    data_date: str
    entity_type: str
    countries: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        """The steps in words, from the query to the score (the one renderer, ``explain.render``)."""
        return render(self.steps)

    @property
    def explanation_lines(self) -> list[str]:
        """The same words one step a line (the console's list)."""
        return render_lines(self.steps)

    def summary(self) -> dict[str, Any]:
        """The fields a screen-file output line carries."""
        return {"list": self.list_code, "entry_id": self.entry_id, "name": self.name,
                "matched_name": self.matched_name, "score": round(self.score, 4),
                "explanation": self.explanation, "source_url": self.source_url, "data_date": self.data_date}

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON, the explanation both in words and as its typed steps."""
        return {**self.summary(), "entity_type": self.entity_type, "countries": self.countries,
                "steps": [step_dict(step) for step in self.steps]}
