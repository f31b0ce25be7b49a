"""The assessment of one target: its chain, every party screened, each regime's answer, derived statuses, the
checks of declared figures; the investor note shared through the exchange; and both as ``core.report.Report``
(findings with citations, ownership-path and list-hit evidence) for the one JSON/CSV/HTML/PDF renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kizuna.core.evidence import Citation, Finding, Outcome
from kizuna.core.paths import bundled
from kizuna.core.report import Report, data_version
from kizuna.ownership.claims import ClaimCheck, check_claims
from kizuna.ownership.model import Graph, Tri
from kizuna.ownership.paths import path_evidence
from kizuna.ownership.regimes import RegimeAnswer, aggregate, answer, regime_weights, seeds_for
from kizuna.ownership.rules import REGIME_CODES, regime
from kizuna.ownership.screen import PartyScreen, listed_map, screen_parties
from kizuna.ownership.triggers import TriggerResult, state_share
from kizuna.screening.screener import Screener


@dataclass(slots=True)
class Assessment:
    """Everything Kizuna can say about who owns and controls ``target``."""

    graph: Graph
    target: str
    as_of: str
    chain: list[str]  # the target and every party with a chain of interests to it, nearest first
    screens: dict[str, PartyScreen]
    answers: dict[str, RegimeAnswer]
    statuses: list[str] = field(default_factory=list)
    claims: list[ClaimCheck] = field(default_factory=list)

    def derived_flags(self) -> dict[str, str]:
        """Chain parties an aggregate 50 % rule flags without being listed themselves (e.g. blocked by ownership)."""
        flagged: dict[str, str] = {}
        listed = listed_map(self.screens)
        for code, label in (("us-ofac-50", "blocked (OFAC 50 % rule)"), ("us-bis-affiliates", "BIS affiliate")):
            rule = regime(code)
            definite, possible = seeds_for(self.graph, rule, listed)
            if not definite and not possible:
                continue
            flags = aggregate(regime_weights(self.graph, rule), definite, possible, rule.threshold)
            for party in self.chain:
                status = flags.status(party)
                if party not in definite and status != Tri.NO:
                    share = flags.shares[party].label()
                    text = f"{label}: owned {share} in aggregate by listed parties"
                    flagged.setdefault(party, text if status == Tri.YES else f"possibly {text}")
        return flagged

    def edges(self) -> list[dict[str, Any]]:
        members = set(self.chain)
        return [{"owner": e.owner, "owned": e.owned, "kind": e.kind.value, "interests": e.interest_types,
                 "share": None if e.share is None else e.share.percent(),
                 "label": e.label(), "source": e.source}
                for e in self.graph.edges if e.owner in members and e.owned in members]

    def to_dict(self) -> dict[str, Any]:
        parties = []
        for party_id in self.chain:
            party = self.graph.parties[party_id]
            screen = self.screens.get(party_id)
            parties.append({"id": party_id, "name": party.name, "kind": party.kind.value, "country": party.country,
                            "listed_company": self.graph.listed_company(party_id), "notes": party.notes,
                            "source": party.source, "screening": screen.to_dict() if screen else None})
        return {"target": self.target, "target_name": self.graph.parties[self.target].name, "as_of": self.as_of,
                "source": self.graph.source, "parties": parties, "edges": self.edges(),
                "answers": {code: a.to_dict() for code, a in self.answers.items()}, "statuses": self.statuses,
                "claims": [c.to_dict() for c in self.claims if c.claim.owned in self.chain]}


def assess(graph: Graph, target: str, as_of: str | None = None, screener: Screener | None = None) -> Assessment:
    """Screen the chain of ``target`` and apply every regime to it."""
    day = as_of or date.today().isoformat()
    chain = graph.ancestors(target)
    screens = screen_parties(graph, chain, screener)
    listed = listed_map(screens)
    answers = {code: answer(graph, target, regime(code), listed, day) for code in REGIME_CODES}
    result = Assessment(graph, target, day, chain, screens, answers, claims=check_claims(graph))
    result.statuses = _statuses(result)
    return result


def _statuses(result: Assessment) -> list[str]:
    """The derived statuses an analyst reads first."""
    graph, target = result.graph, result.target
    found = []
    for code in ("us-ofac-50", "us-bis-affiliates"):
        item = result.answers[code]
        if item.answer != Tri.NO:
            found.append(f"{item.regime.code}: {item.headline}")
    for party, text in result.derived_flags().items():
        if party != target:
            found.append(f"{graph.parties[party].name}: {text}")
    listed = [s for s in result.screens.values() if s.hits]
    for screen in listed:
        best = screen.hits[0]
        found.append(f"{screen.name} matches {best.list_code} entry {best.name!r} (score {best.score:.2f}): "
                     "confirm the match")
    state = state_share(graph, target)
    if state.hi > 0:
        found.append(f"state ownership: states and state bodies hold {state.label()} (integrated)")
    fefta = result.answers["jp-fefta"]
    if fefta.answer != Tri.NO and graph.parties[target].country in (None, "JP"):
        found.append(f"jp-fefta: {fefta.headline}")
    return found


def investor_note(assessment: Assessment, trigger: TriggerResult | None = None) -> dict[str, Any]:
    """The investor note as a plain dict, for sharing through the allied exchange
    (``kizuna exchange share investor-note``).

    It carries the investor, its ownership chain with shares, each regime's answer, the concerns (screening hits and
    derived statuses) and every citation the answers rest on.
    """
    graph = assessment.graph
    citations: dict[str, dict[str, Any]] = {}
    for item in assessment.answers.values():
        for citation in item.regime.citations:
            citations[citation.id] = citation.to_dict()
    if trigger is not None:
        for finding in trigger.findings + trigger.questions:
            for citation in finding.citations:
                citations[citation.id + ":" + trigger.regime] = citation.to_dict()
    return {
        "kind": "kizuna.investor-note",
        "version": 1,
        "as_of": assessment.as_of,
        "investor": {"id": assessment.target, "name": graph.parties[assessment.target].name,
                     "country": graph.parties[assessment.target].country},
        "source": graph.source,
        "chain": {"parties": [{"id": p, "name": graph.parties[p].name, "kind": graph.parties[p].kind.value,
                               "country": graph.parties[p].country} for p in assessment.chain],
                  "edges": [{k: v for k, v in e.items() if k != "source"} for e in assessment.edges()]},
        "regimes": {code: {"rule": a.regime.describe(), "answer": a.answer.value, "headline": a.headline,
                           "status": a.status, "citations": [c.id for c in a.regime.citations]}
                    for code, a in assessment.answers.items()},
        "concerns": assessment.statuses,
        "screening": [s.to_dict() for s in assessment.screens.values() if s.hits],
        "filing": trigger.to_dict() if trigger is not None else None,
        "citations": list(citations.values()),
    }


def rule_data_version() -> str:
    """The fingerprint of every ownership rule file (regimes, trigger tables, sectors, interest types)."""
    return data_version(p for p in bundled("ownership").rglob("*.yaml"))


def _graph_source(graph: Graph) -> Citation:
    return Citation("graph", f"{graph.source_format} ownership file", graph.source)


def _regime_finding(assessment: Assessment, item: RegimeAnswer) -> Finding:
    evidence = [e for h in item.holders if h.share is not None and h.meets != Tri.NO
                for e in path_evidence(assessment.graph, h.party, assessment.target, h.share, item.regime.code)]
    outcome = item.answer.outcome if item.status == "in force" else Outcome.NOT_APPLICABLE
    return Finding(outcome, f"{item.regime.name}: {item.headline}", item.regime.code, item.regime.citations,
                   tuple(evidence))


def assessment_report(assessment: Assessment) -> Report:
    """The ownership check of one target as the one report type."""
    graph, target = assessment.graph, assessment.target
    findings = [_regime_finding(assessment, item) for item in assessment.answers.values()]
    for screen in assessment.screens.values():
        if screen.hits:
            findings.append(Finding(Outcome.UNDETERMINED, f"{screen.name} matches {len(screen.hits)} list "
                                    f"entr{'y' if len(screen.hits) == 1 else 'ies'}: confirm the match",
                                    "screening", evidence=tuple(screen.evidence())))
    for party, text in assessment.derived_flags().items():
        findings.append(Finding(Outcome.MET, f"{graph.parties[party].name}: {text}", "derived-status"))
    for claim in assessment.claims:
        if claim.claim.owned in assessment.chain:
            findings.append(Finding(Outcome.NOTE, f"declared {graph.parties[claim.claim.owner].name} → "
                                    f"{graph.parties[claim.claim.owned].name}: {claim.verdict} ({claim.explanation})",
                                    "declared-interest"))
    concerns = len(assessment.statuses)
    return Report(f"Ownership check: {graph.parties[target].name}", graph.parties[target].ref(), assessment.as_of,
                  findings, [_graph_source(graph)], rule_data_version(), "ownership",
                  f"{concerns} concern{'s' if concerns != 1 else ''}" if concerns else "no concern in the data",
                  {"parties in the chain": len(assessment.chain), "concerns": "; ".join(assessment.statuses)})


def trigger_report(graph: Graph, result: TriggerResult) -> Report:
    """A FEFTA or CFIUS filing check as the one report type (findings, then the questions the data leave open)."""
    investor, target = graph.parties[result.investor], graph.parties[result.target]
    return Report(f"{result.regime}: {investor.name} acquiring {result.stake:.2%} of {target.name}", target.ref(),
                  result.as_of, [*result.findings, *result.questions], [_graph_source(graph)], rule_data_version(),
                  "ownership", result.filing, {"required": result.required.value, **result.facts})
