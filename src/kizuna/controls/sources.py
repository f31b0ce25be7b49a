"""The control lists Kizuna bundles (``data/controls/lists.yaml``): each file with the date its text is as of,
its citation and its confidence, as a :class:`~kizuna.core.evidence.Citation` every answer carries."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from kizuna.core.evidence import Citation, Confidence
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules

LevelName = Literal["verified", "secondary", "recalled"]


class ListSource(RuleModel):
    file: str
    as_of: str
    title: str
    citation: str
    url: str
    confidence: LevelName


def citation_confidence(level: str) -> Confidence:
    """Only a recalled fact is unconfirmed; a secondary one (a third-party transcription, a machine parse, a
    press report) is shown with its level beside it."""
    return Confidence.RECALLED if level == "recalled" else Confidence.VERIFIED


class ListsFile(RuleModel):
    """``data/controls/lists.yaml``: one entry per bundled list."""

    ccl: ListSource
    wassenaar: ListSource
    eu: ListSource
    jp_table1: ListSource
    jp_sme: ListSource
    nl: ListSource
    measures: ListSource
    crosswalk: ListSource


@cache
def list_sources() -> dict[str, ListSource]:
    lists = bundled_rules("controls/lists.yaml", ListsFile)
    return {name: getattr(lists, name) for name in ListsFile.model_fields}


def source(name: str) -> ListSource:
    return list_sources()[name]


def path_of(name: str) -> Path:
    return bundled("controls", source(name).file)


def citation(name: str) -> Citation:
    """The citation of one bundled list, dated, with its confidence level in the note."""
    item = source(name)
    return Citation(id=f"controls.{name}", text=item.title, citation=item.citation, url=item.url,
                    confidence=citation_confidence(item.confidence), note=f"confidence: {item.confidence}",
                    date=item.as_of)
