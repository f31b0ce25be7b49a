"""Screening every party in a target's chain through ``kizuna.screening.screen_many`` (all lists, all scripts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.core.entity import PartyKind
from kizuna.core.evidence import Evidence, EvidenceKind, Reason
from kizuna.core.party import Party
from kizuna.ownership.model import Graph
from kizuna.screening import Hit, screen_many
from kizuna.screening.screener import Screener


@dataclass(slots=True)
class PartyScreen:
    """The screening result of one party: its hits, best first, and the lists they are on."""

    party: Party
    hits: list[Hit] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.party.name

    @property
    def lists(self) -> list[str]:
        return sorted({h.list_code for h in self.hits})

    def evidence(self) -> list[Evidence]:
        """Each hit as a list-hit evidence record: the entry, its score and why it matched."""
        return [Evidence(EvidenceKind.LIST_HIT, f"{self.party.name} matches {h.list_code} entry {h.name!r}",
                         self.party.ref(), h.score,
                         (Reason("name-match", h.explanation, {"matched_name": h.matched_name}),),
                         data={"list": h.list_code, "entry_id": h.entry_id, "source_url": h.source_url,
                               "data_date": h.data_date})
                for h in self.hits]

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party.id, "name": self.party.name, "lists": self.lists,
                "hits": [h.to_dict() for h in self.hits]}


def _unidentified(party: Party) -> bool:
    """An owner the source says exists but does not name: nothing to screen."""
    return party.kind == PartyKind.UNKNOWN and party.name.startswith(("Unspecified", "unknown"))


# Hits asked for per party (the CLI's largest --limit), so that every list naming the party is among them
_WIDE = 200


def screen_parties(graph: Graph, party_ids: list[str], screener: Screener | None = None,
                   limit: int = 5) -> dict[str, PartyScreen]:
    """Screen each party under its names (with its country and kind) at the scoring file's threshold.

    A party keeps its ``limit`` best hits and the best hit of every other list that names it: whether an owner is
    on the SDN List must not depend on how many other lists name it too, as a cut of its best hits overall would
    (the allied lists name Rosoboronexport with the same score as OFAC does, and sort before it).
    """
    named = [graph.parties[p] for p in party_ids if not _unidentified(graph.parties[p])]
    found = screen_many(named, limit=_WIDE, screener=screener)
    hits = {party.id: _best_and_every_list(party_hits, limit) for party, party_hits in zip(named, found, strict=True)}
    return {p: PartyScreen(graph.parties[p], hits.get(p, [])) for p in party_ids}


def _best_and_every_list(hits: list[Hit], limit: int) -> list[Hit]:
    """The first ``limit`` hits, then the best hit of each list they leave out, best first."""
    chosen = hits[:limit]
    lists = {hit.list_code for hit in chosen}
    for hit in hits[limit:]:
        if hit.list_code not in lists:
            lists.add(hit.list_code)
            chosen.append(hit)
    return chosen


def listed_map(screens: dict[str, PartyScreen]) -> dict[str, list[str]]:
    """Party id → list codes it has hits on (only parties with hits)."""
    return {p: s.lists for p, s in screens.items() if s.hits}
