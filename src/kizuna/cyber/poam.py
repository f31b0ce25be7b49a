"""The plan of action and milestones (POA&M), generated from the unmet objectives of an assessment."""

from __future__ import annotations

from datetime import date, timedelta

from kizuna.core.errors import InputError
from kizuna.cyber.catalog import Catalog
from kizuna.cyber.rules import Rules
from kizuna.cyber.scoring import ScoreReport
from kizuna.cyber.store import PoamRecord


def owner_for(requirement_id: str, family_id: str, domain: str, owners: dict[str, str], default: str) -> str:
    """The owner named for the requirement, else for its family (3.1) or CMMC domain (AC), else the default."""
    for key in (requirement_id, family_id, domain):
        if key and key in owners:
            return owners[key]
    return default


def generate_poam(catalog: Catalog, report: ScoreReport, rules: Rules | None, assessed_on: date, owner: str,
                  owners: dict[str, str] | None = None, due_days: int | None = None) -> list[PoamRecord]:
    """One item per open requirement, listing its open objectives, with an owner and a due date.

    The due date defaults to the close-out window (180 days after the assessment, 32 CFR 170.21(b)); items that may
    not be on a POA&M for a Conditional status are still planned, and flagged ``eligible = False``.
    """
    if not owner.strip():
        raise InputError("a POA&M needs an owner", field="owner")
    owners = owners or {}
    days = due_days if due_days is not None else (rules.closeout_days if rules else 180)
    if days < 0:
        raise InputError("due days must not be negative", field="due_days")
    due = (assessed_on + timedelta(days=days)).isoformat()
    items = []
    for result in report.open_requirements():
        domain = rules.weights[result.id].family if rules and result.id in rules.weights else ""
        eligible = bool(result.poam_eligible) if result.poam_eligible is not None else True
        title = catalog.requirements[result.id].title
        items.append(PoamRecord(result.id, title, list(result.open_objectives), result.points, eligible,
                                owner_for(result.id, result.family_id, domain, owners, owner.strip()), due, "open"))
    return items
