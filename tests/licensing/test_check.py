"""The licence check on its own: denials from an in-memory ``DenialSource``, no exchange node anywhere."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pytest

from kizuna import licensing
from kizuna.controls import parse
from kizuna.core.errors import InputError
from kizuna.core.evidence import EvidenceKind, Outcome
from kizuna.core.party import Party
from kizuna.core.report import csv_rows, to_json
from kizuna.licensing import Denial, DenialSource

BEIHANG = "北京航空航天大学"
TODAY = date(2026, 12, 1)


@dataclass
class MemoryDenials:
    """Denials held in a list; records the day it was asked about."""

    denials: list[Denial]
    asked: list[date] = field(default_factory=list)

    def active_denials(self, today: date) -> list[Denial]:
        self.asked.append(today)
        return list(self.denials)


def _denial(ident: str, name: str, *codes: str, visible: bool = True, country: str = "CN") -> Denial:
    return Denial(ident, Party(name, country=country), tuple(parse(c) for c in codes), "2026-10-01",
                  "identity--jp", "METI", visible)


def test_a_denial_is_found_across_scripts_and_control_numberings() -> None:
    source = MemoryDenials([_denial("denial--1", BEIHANG, "3.B.1.f.1.b"),
                            _denial("denial--2", "Toyota Motor Corporation", "3B001.f", country="JP")])
    source_type: DenialSource = source  # the protocol is all the check needs
    result = licensing.check(source_type, ["3B001.f"], Party("Beijing University of Aeronautics and Astronautics",
                                                             country="CN"), TODAY)
    assert source.asked == [TODAY] and result.denials_checked == 2
    assert [(m.denial.id, m.relation) for m in result.matches] == [("denial--1", "same")] and result.blocked
    (finding,) = result.findings()
    assert finding.outcome is Outcome.MET and "METI's denial denial--1 of 2026-10-01" in finding.text
    assert finding.rule == "no-undercut" and finding.citation is not None
    assert finding.citation.label().endswith("(unconfirmed)")  # the rule's citation is recalled, and says so
    kinds = [e.kind for e in finding.evidence]
    assert kinds == [EvidenceKind.CONTROL_MATCH, EvidenceKind.DENIAL]
    control, denial = finding.evidence
    assert control.reasons[0].code == "control-same" and control.reasons[0].values["theirs_key"] == "3B001.f.1.b"
    assert denial.score is not None and 0 < denial.score <= 1 and denial.data["denial"] == "denial--1"
    assert denial.subject is not None and denial.subject.name == BEIHANG


def test_an_own_denial_is_not_one_to_consult_about() -> None:
    own = Denial("denial--own", Party("Shenzhen Precision Optics"), (parse("3B001.f"),), "2026-10-01",
                 "identity--us", "BIS", own=True)
    result = licensing.check(MemoryDenials([own]), ["3B001.f"], Party("Shenzhen Precision Optics"), TODAY)
    (finding,) = result.findings()
    assert "this authority's own denial denial--own" in finding.text and "Consult" not in finding.text
    assert not result.blocked and result.report().outcome == "would reverse an own denial"


def test_a_japanese_item_in_the_same_category_is_only_related() -> None:
    result = licensing.check(MemoryDenials([_denial("denial--jp", "Shenzhen Precision Optics", "7の項(1)")]),
                             ["3B001.f"], Party("Shenzhen Precision Optics", country="CN"), TODAY)
    assert [m.relation for m in result.matches] == ["related"] and not result.blocked
    assert result.findings()[0].outcome is Outcome.UNDETERMINED
    assert result.report().outcome == "check related denials by hand"


def test_a_denial_the_checker_may_not_see_is_only_a_block() -> None:
    secret = _denial("denial--secret", "Changchun Institute of Optics", "3B001.f.1.b", visible=False)
    result = licensing.check(MemoryDenials([secret]), ["3B001.f"], Party("Changchun Institute of Optics"), TODAY)
    (match,) = result.matches
    assert match.shown() == {"visible": False, "relation": "same", "blocks": False}
    match.consultation = "x-kizuna-consultation--1"
    assert match.shown() == {"visible": False, "relation": "same", "blocks": True}
    (finding,) = result.findings()
    assert finding.outcome is Outcome.MET and finding.evidence == ()
    text = to_json(result.report())
    for quoted in ("denial--secret", "2026-10-01", "METI", "3B001.f.1.b", "identity--jp"):
        assert quoted not in text, quoted


def test_no_match_is_a_finding_too_and_the_report_renders() -> None:
    result = licensing.check(MemoryDenials([_denial("denial--1", "Shenzhen Precision Optics", "3B001.f")]),
                             ["5A002"], Party("Shenzhen Precision Optics", country="CN"), TODAY)
    (finding,) = result.findings()
    assert finding.outcome is Outcome.NOT_MET and "1 active denials checked" in finding.text
    report = result.report()
    data = json.loads(to_json(report))
    assert data["capability"] == "licensing" and data["as_of"] == "2026-12-01" and data["outcome"] == "no undercut"
    assert data["rule_data_version"] and data["subject"]["name"] == "Shenzhen Precision Optics"
    assert csv_rows(report)[0][0] == "not met"


def test_an_empty_source_and_bad_input() -> None:
    assert licensing.check(MemoryDenials([]), ["3B001.f"], Party("Anyone"), TODAY).matches == []
    with pytest.raises(InputError, match="at least one control entry"):
        licensing.check(MemoryDenials([]), [" "], Party("Anyone"), TODAY)
    with pytest.raises(InputError, match="not a control entry"):
        licensing.check(MemoryDenials([]), ["three-B-one"], Party("Anyone"), TODAY)
    with pytest.raises(InputError, match="must not be empty"):
        licensing.check(MemoryDenials([]), ["3B001.f"], Party(" "), TODAY)
