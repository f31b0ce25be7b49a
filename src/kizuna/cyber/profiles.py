"""Profiles over the same requirements: Rev 2 beside Rev 3, CMMC practice ids, and the Japanese standard.

* CMMC Level 2 practice ids come from ``cmmc_level2.yaml`` (pattern) and ``sprs_weights.csv`` (domain).
* Rev 2 -> Rev 3 is derived from the catalogs: NIST kept the Rev 2 numbers in Rev 3 (3.1.1 -> 03.01.01); where
  Rev 3 withdrew a number, its ``addressed_by`` links say where the content went. This is the project's
  derivation from the two OSCAL catalogs, not NIST's published comparison spreadsheet.
* The Japanese profile (``profiles/jp-dicss.yaml``) is the project's own mapping, marked so in every row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from kizuna.cyber.catalog import REV2, REV3, load_catalog
from kizuna.cyber.rule_files import Profile, profile
from kizuna.cyber.rules import load_rules


def japanese_profile() -> Profile:
    """防衛産業サイバーセキュリティ基準 as the project maps it onto NIST SP 800-171 Rev 2."""
    return profile("jp-dicss")


def rev3_number(rev2_id: str) -> str:
    """3.1.1 -> 03.01.01 (Rev 3 kept the Rev 2 numbering, zero-padded)."""
    return ".".join(f"{int(part):02d}" for part in rev2_id.split("."))


@dataclass(slots=True)
class CrosswalkRow:
    """One Rev 2 requirement with its CMMC practice id, its Rev 3 counterpart(s) and its Japanese mapping."""

    requirement_id: str
    title: str
    family_id: str
    practice_id: str
    points: int
    rev3: list[str]
    rev3_titles: list[str]
    rev3_basis: str  # "same number" or "withdrawn in Rev 3, addressed by …"
    jp_family: str
    jp_summary: str
    jp_basis: str  # always "project mapping" (see jp-dicss.yaml)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@cache
def crosswalk() -> list[CrosswalkRow]:
    """Every Rev 2 requirement side by side with Rev 3, CMMC and the Japanese profile."""
    rev2, rev3, rules, jp = load_catalog(REV2), load_catalog(REV3), load_rules(), japanese_profile()
    rows = []
    for requirement in rev2.requirements.values():
        number = rev3_number(requirement.id)
        if number in rev3.requirements:
            targets, basis = [number], "same number in Rev 3"
        elif number in rev3.withdrawn:
            targets = [t for t in rev3.withdrawn[number] if t in rev3.requirements]
            basis = f"{number} withdrawn in Rev 3; addressed by {', '.join(targets) or 'nothing listed'}"
        else:
            targets, basis = [], "no Rev 3 counterpart"
        rows.append(CrosswalkRow(
            requirement.id, requirement.title, requirement.family_id, rules.practice_id(requirement.id),
            rules.weights[requirement.id].points, targets, [rev3.requirements[t].title for t in targets], basis,
            jp.families.get(requirement.family_id, ""), jp.requirements.get(requirement.id, ""), "project mapping"))
    return rows


def rev3_only() -> list[str]:
    """Rev 3 requirements that no Rev 2 requirement leads to (new in Rev 3)."""
    reached = {t for row in crosswalk() for t in row.rev3}
    return [rid for rid in load_catalog(REV3).requirements if rid not in reached]
