"""Declared indirect interests (BODS indirect relationships, GLEIF ultimate parents) checked against the graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kizuna.ownership.integrated import integrated_column, weights
from kizuna.ownership.model import Claim, Graph, Share


@dataclass(slots=True)
class ClaimCheck:
    """A declared figure beside the computed one, and the verdict."""

    claim: Claim
    computed: Share  # through intermediaries only, ownership arithmetic
    with_control: Share  # control-only links counted as full attribution
    verdict: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {"owner": self.claim.owner, "owned": self.claim.owned,
                "declared": None if self.claim.share is None else self.claim.share.percent(),
                "computed": self.computed.percent(), "computed_with_control": self.with_control.percent(),
                "verdict": self.verdict, "explanation": self.explanation, "source": self.claim.source}


def check_claims(graph: Graph) -> list[ClaimCheck]:
    """Compare every declared indirect interest with the integrated share through intermediaries."""
    checks = []
    for claim in graph.claims:
        pair = (claim.owner, claim.owned)
        computed = integrated_column(weights(graph, skip_pair=pair), claim.owned).get(claim.owner, Share.exact(0.0))
        full = integrated_column(weights(graph, skip_pair=pair, control_as_full=True), claim.owned).get(
            claim.owner, Share.exact(0.0))
        checks.append(_verdict(claim, computed, full))
    return checks


def _verdict(claim: Claim, computed: Share, full: Share) -> ClaimCheck:
    declared = claim.share
    if declared is None:
        linked = full.hi > 0
        return ClaimCheck(claim, computed, full, "no share declared",
                          "a chain links them" if linked else "no chain of interests links them in the data")
    tolerance = 1e-6
    if computed.is_exact and abs(computed.lo - declared.lo) <= tolerance and declared.is_exact:
        return ClaimCheck(claim, computed, full, "matches", f"declared {declared.label()} = computed")
    if computed.lo - tolerance <= declared.lo and declared.hi <= computed.hi + tolerance:
        implied = ""
        if not computed.is_exact:
            implied = (f"; the data allow {computed.label()}, so the declared figure depends on shares the file "
                       "does not give")
        return ClaimCheck(claim, computed, full, "within computed range",
                          f"declared {declared.label()} lies within computed {computed.label()}{implied}")
    if full.lo - tolerance <= declared.lo and declared.hi <= full.hi + tolerance:
        return ClaimCheck(claim, computed, full, "matches with control attributed",
                          f"declared {declared.label()} is reached only by attributing control-only links in "
                          f"full (computed {full.label()}; ownership arithmetic alone gives {computed.label()})")
    return ClaimCheck(claim, computed, full, "differs",
                      f"declared {declared.label()} but the data give {computed.label()}")
