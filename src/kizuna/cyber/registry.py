"""The trusted-capital registry: companies' latest assessments, screened against the restricted-party lists.

A company is shown as trusted only when the policy in ``data/cyber/registry.yaml`` holds: a final or (inside its
close-out window) conditional CMMC Level 2 status, an assessment no older than the maximum age, and NO hit on any
restricted-party list. A listed company is never trusted, whatever its cyber score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kizuna.core.countries import to_alpha2
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.cyber.cmmc import CONDITIONAL, FINAL, NOT_ELIGIBLE
from kizuna.cyber.rule_files import RegistryPolicy, registry_policy
from kizuna.cyber.rules import load_rules
from kizuna.cyber.service import evaluate_stored
from kizuna.cyber.store import CyberStore, Registration
from kizuna.screening import Hit, get_screener, screen

STATUSES = (FINAL, CONDITIONAL, NOT_ELIGIBLE)


def policy() -> RegistryPolicy:
    """The registry's trust policy (``data/cyber/registry.yaml``)."""
    return registry_policy()


@dataclass(slots=True)
class Screening:
    """The restricted-party screening of one company, at the screener's default threshold."""

    listed: bool
    snapshot: str
    threshold: float
    hits: list[Hit] = field(default_factory=list)  # the best hits

    def to_dict(self) -> dict[str, Any]:
        return {"listed": self.listed, "snapshot": self.snapshot, "threshold": self.threshold,
                "hits": [h.to_dict() for h in self.hits]}


def company(registration: Registration) -> Party:
    """The registered company as a party (the registry's own facts stay in ``registration``)."""
    return Party(registration.name, PartyKind.ORGANIZATION, f"company-{registration.company_id}",
                 country=registration.country, source=f"cyber registry, company {registration.company_id}")


@dataclass(slots=True)
class RegistryView:
    registration: Registration
    company: Party
    screening: Screening
    trusted: bool
    why: list[str]
    age_days: int
    closeout_deadline: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.registration.to_dict(), "party": self.company.to_dict(), "age_days": self.age_days,
                "trusted": self.trusted, "why": self.why, "closeout_deadline": self.closeout_deadline,
                "screening": self.screening.to_dict()}


SHOWN_HITS = 3  # the best hits a registry row carries (any hit at all makes the company listed)


def screen_company(name: str, country: str) -> Screening:
    """Screen a company (an organisation of ``country``) through ``kizuna.screening.screen``: the same screener and
    default threshold (``threshold`` in data/screening/scoring.yaml) as ``kizuna screen`` and the API."""
    screener = get_screener()
    hits = screen(Party(name, PartyKind.ORGANIZATION, country=country), screener=screener)
    return Screening(bool(hits), screener.snapshot_id, screener.threshold, hits[:SHOWN_HITS])


def judge(registration: Registration, screening: Screening, today: date) -> RegistryView:
    """Whether a registration is shown as trusted, and every reason."""
    rules, trust = load_rules(), policy()
    assessed = date.fromisoformat(registration.assessed_on)
    age = (today - assessed).days
    why: list[str] = []
    trusted = True
    deadline = None
    if screening.listed:
        trusted = False
        best = screening.hits[0]
        why.append(f"LISTED: matches {best.name} on {best.list_code} (score {best.score:.2f}); a listed company "
                   "is never shown as trusted")
    if registration.cmmc_status not in trust.trusted_statuses:
        trusted = False
        why.append(f"CMMC Level 2 status is {registration.cmmc_status.replace('_', ' ')}")
    if registration.cmmc_status == CONDITIONAL:
        deadline = (assessed + timedelta(days=rules.closeout_days)).isoformat()
        if today.isoformat() > deadline:
            trusted = False
            why.append(f"conditional status expired: the POA&M close-out was due {deadline} "
                       f"({rules.closeout_citation})")
    if age > trust.max_assessment_age_days:
        trusted = False
        why.append(f"assessment is {age} days old, over {trust.max_assessment_age_days} "
                   f"({trust.max_age_citation})")
    if trusted:
        why.append(f"no restricted-party hit; CMMC Level 2 {registration.cmmc_status}; assessed {age} days ago")
    return RegistryView(registration, company(registration), screening, trusted, why, age, deadline)


@dataclass(slots=True)
class Filters:
    min_score: int | None = None
    statuses: tuple[str, ...] = ()
    max_age_days: int | None = None
    sector: str | None = None
    country: str | None = None
    trusted_only: bool = False


def list_registry(store: CyberStore, filters: Filters, today: date | None = None) -> list[RegistryView]:
    """Registered companies (latest registration each), screened and judged, filtered; best score first."""
    today = today or date.today()
    country = _country(filters.country) if filters.country else None
    views = []
    for registration in store.registrations():
        if filters.min_score is not None and registration.sprs_score < filters.min_score:
            continue
        if filters.statuses and registration.cmmc_status not in filters.statuses:
            continue
        if filters.sector and registration.sector != filters.sector:
            continue
        if country and registration.country != country:
            continue
        view = judge(registration, screen_company(registration.name, registration.country), today)
        if filters.max_age_days is not None and view.age_days > filters.max_age_days:
            continue
        if filters.trusted_only and not view.trusted:
            continue
        views.append(view)
    views.sort(key=lambda v: (not v.trusted, -v.registration.sprs_score, v.registration.name))
    return views


def _country(value: str) -> str:
    code = to_alpha2(value)
    if code is None:
        raise InputError(f"unknown country {value!r} (use an ISO 3166 alpha-2 code)", field="country")
    return code


def _sector(value: str) -> str:
    sector = value.strip().casefold()
    if sector not in policy().sectors:
        raise InputError(f"unknown sector {value!r} (one of: {', '.join(policy().sectors)})", field="sector")
    return sector


def register(store: CyberStore, name: str, country: str, sector: str, *, assessment_id: int | None = None,
             sprs_score: int | None = None, cmmc_status: str | None = None, assessed_on: str | None = None,
             assessor: str = "", evidence_summary: str = "") -> int:
    """Register a company's latest assessment: from a stored assessment, or from the values given."""
    if not name.strip():
        raise InputError("the company name must not be empty", field="name")
    code, sector = _country(country), _sector(sector)
    if assessment_id is not None:
        evaluation = evaluate_stored(store, assessment_id)
        if evaluation.cmmc is None or evaluation.report.sprs_score is None or evaluation.record is None:
            raise InputError(f"assessment {assessment_id} is not a NIST SP 800-171 Rev 2 assessment with a score",
                             field="assessment")
        sprs_score, cmmc_status = evaluation.report.sprs_score, evaluation.cmmc.status
        assessed_on = evaluation.record.assessed_on
        assessor = assessor or evaluation.record.assessor
    rules = load_rules()
    if sprs_score is None or cmmc_status is None or assessed_on is None:
        raise InputError("give an assessment id, or the score, status and assessment date", field="assessment")
    if not rules.minimum <= sprs_score <= rules.maximum:
        raise InputError(f"SPRS score {sprs_score} is outside {rules.minimum}..{rules.maximum}", field="score")
    if cmmc_status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}", field="status")
    try:
        day = date.fromisoformat(assessed_on)
    except ValueError as exc:
        raise InputError(f"not an ISO date: {assessed_on!r}", field="assessed_on") from exc
    if day > date.today():
        raise InputError(f"assessment date {assessed_on} is in the future", field="assessed_on")
    if cmmc_status == FINAL and sprs_score != rules.maximum:
        raise InputError(f"a final status needs a score of {rules.maximum}", field="status")
    if cmmc_status == CONDITIONAL and sprs_score < rules.conditional_minimum:
        raise InputError(f"a conditional status needs a score of at least {rules.conditional_minimum}", field="status")
    return store.register(name.strip(), code, sector, sprs_score, cmmc_status, day.isoformat(), assessor.strip(),
                          evidence_summary.strip(), assessment_id)
