"""A memo priority as a filter on publication data: which works are in the area, and what filtering left out.

A work is in the area when one of its subjects (OpenAlex topics, subfields, fields, concepts, keywords) names one
of the area's terms: the CET 2024 areas the crosswalk gives the priority (``priority_crosswalk.csv``) and the
OpenAlex subject terms of ``priority_data.<priority>.terms`` (``data/research/rules.yaml``). A work without
subjects (the bundled sample is cut down to authorships) is in the area when it comes from the bundled file the
rule file names for the priority; in a user's own file it is kept and counted as "area not stated", so that
filtering never hides evidence it cannot judge.

The filter narrows what comes from works (the institutions on a researcher's works and their co-authors'); an
organisation's own listings, and employment, appointments and funding, hold whatever the area and are kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kizuna.research import priorities
from kizuna.research.rules import rules
from kizuna.research.works import Work

KEPT = ("an organisation's own listings, employment, appointments and funders are kept whatever the area: the "
        "rules they touch are not limited to a technology area")


@dataclass(frozen=True, slots=True)
class Area:
    """A memo priority with the terms that place a work in it."""

    priority: str
    terms: tuple[str, ...]  # casefolded
    works_file: str | None  # the bundled works file of this priority (rules.yaml), whose works are all in it

    def holds(self, work: Work, bundled_file: str | None) -> bool | None:
        """Whether ``work`` is in the area; None when it has no subjects and no bundled file says."""
        if work.subjects:
            return any(term in subject.casefold() for subject in work.subjects for term in self.terms)
        if bundled_file is not None:
            return bundled_file == self.works_file
        return None

    def select(self, works: Sequence[Work], source: str, bundled_file: str | None) -> tuple[list[Work],
                                                                                              AreaFilter]:
        """The works in the area (and those whose area is not stated), and the filter's account of them."""
        kept, unknown = [], 0
        for work in works:
            held = self.holds(work, bundled_file)
            unknown += held is None
            if held is not False:
                kept.append(work)
        return kept, AreaFilter(self.priority, source, len(works), len(kept) - unknown, unknown)


@dataclass(slots=True)
class AreaFilter:
    """What filtering by a priority did: works read and kept, affiliations from works outside the area left out."""

    priority: str
    source: str = ""  # the works file ("" when the check read no works)
    works: int = 0
    in_area: int = 0
    unknown: int = 0  # works without subjects, kept
    left_out: Counter[str] = field(default_factory=Counter)  # affiliations by kind

    def text(self, kept: bool = True) -> str:
        """One sentence for the CLI, the console and the report (``kept``: with what the filter never removes)."""
        if not self.source:
            return f"priority {self.priority}: nothing read from works to narrow; {KEPT}"
        said = f"priority {self.priority}: {self.in_area} of {self.works} works of {self.source} are in the area"
        if self.unknown:
            said += f", {self.unknown} more kept (their area is not stated)"
        left = sum(self.left_out.values())
        if left:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.left_out.items()))
            said += f"; {left} affiliation(s) found only on works outside it left out ({kinds})"
        return f"{said}; {KEPT}" if kept else said

    def to_dict(self) -> dict[str, Any]:
        return {"priority": self.priority, "works_file": self.source or None, "works": self.works,
                "works_in_area": self.in_area, "works_area_not_stated": self.unknown,
                "left_out": dict(sorted(self.left_out.items())), "text": self.text()}


def area(priority: str) -> Area:
    """The area of memo priority ``priority`` (InputError naming the known ones for anything else)."""
    name = priorities.canonical(priority)
    memo = [p for p in priorities.crosswalk() if p.row_type == "memo_priority" and p.memo_priorities[0] == name]
    data = rules().priority_data.get(name)
    terms = [*(t for row in memo for t in row.us_cet_areas), *(data.terms if data else [])]
    return Area(name, tuple(dict.fromkeys(t.casefold() for t in terms)), data.works if data else None)
