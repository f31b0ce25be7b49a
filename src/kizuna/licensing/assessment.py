"""The records of a licence assessment: the shipment as the exporter states it, and one determination per
jurisdiction and rule checked.

Every rule module (US EAR, Japan FEFTA, the chip classifier, the red flags) reads a :class:`Shipment` and answers
with :class:`Determination` records; the assessment service puts them together. A determination is kept even when
its rule does not apply (``applies=False``), so the filed record shows every rule checked and why it did not bite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from kizuna.core.evidence import Citation, Evidence
from kizuna.core.party import Party

Answer = bool | Literal["unknown"]
"""A licence answer: required (True), not required (False), or "unknown" when a fact is missing."""


class ShipmentRole(StrEnum):
    """The part a party plays in the shipment (EAR §748.5 names the same roles on a licence application)."""

    END_USER = "end_user"
    CONSIGNEE = "consignee"  # ultimate consignee
    INTERMEDIATE = "intermediate"  # intermediate consignee, freight forwarder
    PURCHASER = "purchaser"


@dataclass(frozen=True)
class ShipmentParty:
    """A party to the shipment. ``headquarters`` is the ISO 3166-1 alpha-2 country of the party's headquarters or
    ultimate parent, where known (§744.23 looks at it for D:5 and Macau); None means not stated."""

    role: ShipmentRole
    party: Party
    headquarters: str | None = None


@dataclass(frozen=True)
class Shipment:
    """What the exporter states. ``item`` is as given: an ECCN with paragraph (``3A090.a``), a Japanese item number
    (``7の項(1)``), ``none``/``EAR99``/``非該当`` for an item on no control list of the exporter's jurisdiction, or
    ``chip`` with the performance figures; None with a ``description`` to look candidates up."""

    exporter: str  # ISO 3166-1 alpha-2 of the exporter's jurisdiction: "US", "JP"
    destination: str  # ISO 3166-1 alpha-2
    item: str | None = None
    description: str | None = None
    parties: tuple[ShipmentParty, ...] = ()
    end_use: str = ""  # the stated end use, free text, any script
    end_uses: tuple[str, ...] = ()  # regulated end uses chosen from the rule data's list
    tpp: float | None = None  # total processing performance
    die_area_mm2: float | None = None  # applicable die area
    pd: float | None = None  # performance density, when given instead of the die area
    informed: bool | None = None  # the exporter was informed by the authority (BIS "is informed", METI インフォーム)
    facts: dict[str, str] = field(default_factory=dict)  # further stated facts, by name, for red flags and questions


@dataclass(frozen=True)
class Determination:
    """One rule checked for one jurisdiction: whether it applies, whether it requires a licence, and why.

    ``question`` is what to ask the exporter when ``licence_required`` is "unknown"; ``reason_ja`` is the reason in
    Japanese, where the rule file gives one (the Japan rules do)."""

    jurisdiction: str  # "US", "JP"
    rule: str  # the rule's id in its data file, e.g. "ear-742.4-ns1", "ear-744.23-a-2", "jp-fefta-catch-all"
    citation: Citation
    licence_required: Answer
    reason: str
    applies: bool = True
    question: str | None = None
    evidence: tuple[Evidence, ...] = ()
    reason_ja: str = ""
