"""Each regime's attribution rule applied to a graph: one party's share in another, and who stands behind a target.

Three kinds of arithmetic cover the regimes (``Regime.method``, from the cited data files):

- ``multiply``: integrated ownership (EU AMLR, US CTA, and ``none``);
- ``parent-full``: CFIUS, where a parent's interest counts as 100 % and other interests proportionally;
- ``aggregate-50``: OFAC's 50 % rule, the BIS Affiliates Rule and FEFTA's foreign-investor test, where an entity
  owned at or above the threshold in aggregate by flagged parties is flagged itself and its holdings then count in
  full, while holdings through unflagged entities do not count at all.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kizuna.core.entity import PartyKind
from kizuna.ownership.integrated import UNKNOWN_ASSUMPTION, Weights, integrated_column, parent_rule, weights
from kizuna.ownership.model import Graph, InterestKind, Share, Tri
from kizuna.ownership.rules import Regime

_EPS = 1e-12


@dataclass(slots=True)
class Holder:
    """A party behind the target under one regime, with its attributed share and whether it meets the threshold."""

    party: str
    name: str
    kind: str
    country: str | None
    share: Share | None
    meets: Tri
    basis: str  # ownership, control, listed, foreign …

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "name": self.name, "kind": self.kind, "country": self.country,
                "share": None if self.share is None else self.share.percent(),
                "share_label": "" if self.share is None else self.share.label(), "meets": self.meets.value,
                "basis": self.basis}


@dataclass(slots=True)
class RegimeAnswer:
    """One regime's answer about one target: the rule it applied, the answer and the parties behind it."""

    regime: Regime
    target: str
    answer: Tri
    headline: str
    holders: list[Holder] = field(default_factory=list)
    aggregate: Share | None = None
    status: str = "in force"
    assumptions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"regime": self.regime.code, "name": self.regime.name, "rule": self.regime.describe(),
                "status": self.status, "answer": self.answer.value, "headline": self.headline,
                "aggregate": None if self.aggregate is None else self.aggregate.percent(),
                "holders": [h.to_dict() for h in self.holders], "assumptions": self.assumptions,
                "citations": [c.to_dict() for c in self.regime.citations]}


def regime_weights(graph: Graph, regime: Regime) -> Weights:
    """The share matrices a regime counts: votes or ownership, with CFIUS's parent rule where it applies."""
    transform = parent_rule(regime.parent_threshold) if regime.method == "parent-full" else None
    return weights(graph, voting=regime.voting, transform=transform)


@dataclass(slots=True)
class Aggregate:
    """The fixed point of an aggregate-50 rule: which parties are flagged, and the aggregate share in each."""

    definite: set[str]  # flagged under every reading of the ranges
    possible: set[str]  # flagged under some reading (includes ``definite``)
    shares: dict[str, Share]  # aggregate direct share held by flagged parties, for every party

    def status(self, party: str) -> Tri:
        return Tri.YES if party in self.definite else Tri.UNDETERMINED if party in self.possible else Tri.NO


def aggregate(w: Weights, seeds_lo: Collection[str], seeds_hi: Collection[str], threshold: float) -> Aggregate:
    """Flag every entity held at or above ``threshold`` in aggregate by flagged parties, starting from the seeds.

    Runs once with minimum shares and definite seeds and once with maximum shares and possible seeds; each pass
    is a sparse matrix-vector product per layer of the chain.
    """
    low_flags, low_sums = flood(w.lo, _vector(w, seeds_lo), threshold)
    high_flags, high_sums = flood(w.hi, _vector(w, set(seeds_lo) | set(seeds_hi)), threshold)
    shares = {}
    for k, party in enumerate(w.ids):
        hi_value = min(float(high_sums[k]), 1.0)
        shares[party] = Share(min(float(low_sums[k]), hi_value), hi_value)
    return Aggregate({w.ids[k] for k in np.flatnonzero(low_flags)}, {w.ids[k] for k in np.flatnonzero(high_flags)},
                     shares)


def _vector(w: Weights, members: Collection[str]) -> np.ndarray:
    vector = np.zeros(w.size, dtype=bool)
    for party in members:
        if party in w.index:
            vector[w.index[party]] = True
    return vector


def flood(matrix: Any, seeds: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Grow the flagged set (a boolean vector) until no entity reaches ``threshold`` in aggregate; returns the flags
    and each entity's aggregate direct share held by flagged parties."""
    transposed = matrix.T.tocsr()
    flags = seeds.copy()
    while True:
        sums = transposed @ flags.astype(float)
        grown = flags | (sums >= threshold - _EPS)
        if np.array_equal(grown, flags):
            return flags, sums
        flags = grown


def attribute(graph: Graph, owner: str, owned: str, regime: Regime) -> Share:
    """``owner``'s share in ``owned`` as ``regime`` counts it."""
    w = regime_weights(graph, regime)
    if regime.method == "aggregate-50":
        # As if only ``owner`` were flagged: its direct holdings plus those of entities it holds 50 % or more of.
        return aggregate(w, {owner}, set(), regime.threshold).shares[owned]
    return integrated_column(w, owned).get(owner, Share.exact(0.0))


def is_foreign(country: str | None, home: str) -> Tri:
    if country is None:
        return Tri.UNDETERMINED
    return Tri.NO if country == home else Tri.YES


def answer(graph: Graph, target: str, regime: Regime, listed: Mapping[str, Collection[str]] | None = None,
           as_of: str | None = None) -> RegimeAnswer:
    """Apply ``regime`` to ``target``. ``listed`` maps party ids to the list codes their screening hits are on."""
    if regime.method == "aggregate-50":
        result = _aggregate_answer(graph, target, regime, listed or {})
    elif regime.method == "parent-full":
        result = _parent_answer(graph, target, regime)
    else:
        result = _multiply_answer(graph, target, regime)
    if as_of:
        result.status = regime.status_on(as_of)
        if result.status != "in force":
            result.headline = f"[rule {result.status} on {as_of}] {result.headline}"
    if any(e.share is None and e.kind == InterestKind.OWNERSHIP for e in graph.edges):
        result.assumptions.append(UNKNOWN_ASSUMPTION)
    result.assumptions.extend(regime.notes())
    return result


def _party_holder(graph: Graph, party_id: str, share: Share | None, meets: Tri, basis: str) -> Holder:
    party = graph.parties[party_id]
    return Holder(party_id, party.name, party.kind.value, party.country, share, meets, basis)


def _combine(results: list[Tri]) -> Tri:
    if Tri.YES in results:
        return Tri.YES
    return Tri.UNDETERMINED if Tri.UNDETERMINED in results else Tri.NO


def _multiply_answer(graph: Graph, target: str, regime: Regime) -> RegimeAnswer:
    column = integrated_column(regime_weights(graph, regime), target)
    owners_with_owners = {e.owned for e in graph.edges}
    holders = []
    for party_id, share in column.items():
        party = graph.parties[party_id]
        if regime.owners == "natural-persons" and party.kind not in (PartyKind.PERSON, PartyKind.UNKNOWN):
            continue
        if regime.owners == "any" and party_id in owners_with_owners and regime.code == "none":
            continue  # for economic ownership, report the ultimate (top-of-chain) owners
        meets = share.at_least(regime.threshold) if regime.threshold else Tri.YES
        basis = "ownership" if party.kind != PartyKind.UNKNOWN else "ownership (unidentified owner)"
        holders.append(_party_holder(graph, party_id, share, meets, basis))
    qualifying = {target} | {p for p, s in column.items() if s.at_least(regime.threshold or 1.0) != Tri.NO}
    for edge in graph.edges:
        if (edge.kind == InterestKind.CONTROL and edge.owned in qualifying
                and set(edge.interest_types) & set(regime.control_interests)):
            holders.append(_party_holder(graph, edge.owner, None, Tri.YES,
                                         f"control ({', '.join(edge.interest_types)}) over "
                                         f"{graph.parties[edge.owned].name}"))
    holders.sort(key=lambda h: (h.share is None, -(h.share.hi if h.share else 0), h.name))
    if regime.code == "none":
        top = ", ".join(f"{h.name} {h.share.label()}" for h in holders if h.share is not None)
        return RegimeAnswer(regime, target, Tri.YES if holders else Tri.NO,
                            f"ultimate owners: {top or 'none in the data'}", holders)
    result = _combine([h.meets for h in holders])
    meeting = [h for h in holders if h.meets != Tri.NO]
    if meeting:
        names = "; ".join(f"{h.name} ({h.share.label() if h.share else h.basis})" for h in meeting)
        headline = f"beneficial owners or controllers: {names}"
    else:
        headline = f"no natural person reaches {regime.threshold * 100:g} % or controls by other means in the data"
    return RegimeAnswer(regime, target, result, headline, holders)


def _parent_answer(graph: Graph, target: str, regime: Regime) -> RegimeAnswer:
    column = integrated_column(regime_weights(graph, regime), target)
    home = "US"
    holders = []
    for party_id, share in column.items():
        meets = share.at_least(regime.threshold)
        if meets == Tri.NO:
            continue
        foreign = is_foreign(graph.parties[party_id].country, home)
        basis = {"yes": "foreign person", "no": "U.S. person", "undetermined": "country unknown"}[foreign.value]
        holders.append(_party_holder(graph, party_id, share, meets, basis))
    holders.sort(key=lambda h: (-(h.share.hi if h.share else 0), h.name))
    foreign_holders = [_combine([h.meets]) if h.basis == "foreign person" else
                       (Tri.UNDETERMINED if h.basis == "country unknown" and h.meets != Tri.NO else Tri.NO)
                       for h in holders]
    result = _combine(foreign_holders)
    names = "; ".join(f"{h.name} {h.share.label()} ({h.basis})" for h in holders if h.share)
    headline = (f"voting interests of {regime.threshold * 100:g} % or more (parent rule): {names}" if holders
                else f"no party holds {regime.threshold * 100:g} % or more of the votes under the parent rule")
    return RegimeAnswer(regime, target, result, headline, holders)


def seeds_for(graph: Graph, regime: Regime, listed: Mapping[str, Collection[str]]) -> tuple[set[str], set[str]]:
    """The parties an aggregate rule starts from: listed parties, or foreign parties for FEFTA."""
    if regime.owners == "foreign-parties":
        definite = {p.id for p in graph.parties.values() if is_foreign(p.country, regime.home_country) == Tri.YES}
        possible = {p.id for p in graph.parties.values()
                    if is_foreign(p.country, regime.home_country) == Tri.UNDETERMINED}
        return definite, possible
    wanted = set(regime.listed_lists)
    return {p for p, codes in listed.items() if wanted & set(codes)}, set()


def _aggregate_answer(graph: Graph, target: str, regime: Regime,
                      listed: Mapping[str, Collection[str]]) -> RegimeAnswer:
    definite, possible = seeds_for(graph, regime, listed)
    w = regime_weights(graph, regime)
    result = aggregate(w, definite, possible, regime.threshold)
    status = result.status(target)
    share = result.shares[target]
    holders = []
    for edge in graph.owners_of(target):
        owner_status = result.status(edge.owner)
        if owner_status != Tri.NO:
            basis = ("listed" if edge.owner in definite else "possibly foreign (country unknown)"
                     if edge.owner in possible and edge.owner not in definite else "meets the rule itself")
            if regime.owners == "foreign-parties" and edge.owner in definite:
                basis = "foreign"
            holders.append(_party_holder(graph, edge.owner, edge.measure(regime.voting), owner_status, basis))
    noun = {"us-ofac-50": ("blocked", "SDN-listed parties"),
            "us-bis-affiliates": ("an affiliate under the BIS 50 % rule", "Entity List / MEU parties"),
            "jp-fefta": ("a foreign investor", "foreign investors")}.get(regime.code, ("flagged", "flagged parties"))
    if target in definite:
        own = "listed itself" if regime.owners != "foreign-parties" else "foreign itself"
        headline = f"{graph.parties[target].name} is {own}"
    elif status == Tri.YES:
        headline = f"{noun[0]}: owned {share.label()} in aggregate by {noun[1]} (at least {regime.threshold:.0%})"
    elif status == Tri.UNDETERMINED:
        headline = (f"undetermined: {noun[1]} hold {share.label()} in aggregate, around the "
                    f"{regime.threshold:.0%} threshold")
    else:
        headline = f"not {noun[0]}: {noun[1]} hold {share.label()} in aggregate (below {regime.threshold:.0%})"
    answer_value = Tri.YES if target in definite else status
    return RegimeAnswer(regime, target, answer_value, headline, holders, share)
