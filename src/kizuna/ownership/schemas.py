"""Response models of the ``/v1/ownership`` and ``/v1/invest`` routes, so the OpenAPI document shows what each
returns. They describe the ``to_dict`` shapes of the service's results (shares in percent: a number when exact,
``[min, max]`` when the data give a range)."""

from __future__ import annotations

from typing import Any

from kizuna.core.schemas import CitationOut, FindingOut, Out
from kizuna.ownership.store import StoredGraph as StoredGraphOut  # noqa: F401 (the store's record is the schema)
from kizuna.screening.schemas import HitOut

ShareValue = float | list[float]






class RegimeOut(Out):
    code: str
    name: str
    method: str
    rule: str
    threshold_percent: float
    measure: str
    citations: list[CitationOut]




class ShareOut(Out):
    owner: str
    owned: str
    share: ShareValue
    share_label: str
    regime: str
    rule: str
    citations: list[CitationOut]


class HolderOut(Out):
    party: str
    name: str
    kind: str
    country: str | None
    share: ShareValue | None
    share_label: str
    meets: str
    basis: str


class RegimeAnswerOut(Out):
    regime: str
    name: str
    rule: str
    status: str
    answer: str
    headline: str
    aggregate: ShareValue | None
    holders: list[HolderOut]
    assumptions: list[str]
    citations: list[CitationOut]




class PartyScreeningOut(Out):
    party: str
    name: str
    lists: list[str]
    hits: list[HitOut]


class CheckPartyOut(Out):
    id: str
    name: str
    kind: str
    country: str | None
    listed_company: bool | None
    notes: list[str]
    source: str
    screening: PartyScreeningOut | None


class EdgeOut(Out):
    owner: str
    owned: str
    kind: str
    interests: list[str]
    share: ShareValue | None
    label: str
    source: str


class ClaimOut(Out):
    owner: str
    owned: str
    declared: ShareValue | None
    computed: ShareValue
    computed_with_control: ShareValue
    verdict: str
    explanation: str
    source: str


class CheckOut(Out):
    target: str
    target_name: str
    as_of: str
    source: str
    parties: list[CheckPartyOut]
    edges: list[EdgeOut]
    answers: dict[str, RegimeAnswerOut]
    statuses: list[str]
    claims: list[ClaimOut]










class InvestOut(Out):
    regime: str
    investor: str
    target: str
    stake_percent: float
    required: str
    filing: str
    as_of: str
    findings: list[FindingOut]
    questions: list[FindingOut]
    facts: dict[str, Any]
    note: dict[str, Any] | None = None  # the investor note for the exchange (kizuna.investor-note, version 1)
