"""Answers survive export → import: generated answer sets written to CSV and xlsx read back the same."""

from __future__ import annotations

import string
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kizuna.cyber.answers import Answer, AnswerSet, Status, read_answers, write_answers
from kizuna.cyber.catalog import REV2, load_catalog
from kizuna.cyber.rules import load_rules

CATALOG = load_catalog(REV2)
RULES = load_rules()

# Evidence as assessors write it: any printable text, several lines, and cells a spreadsheet would take for a
# formula (the writer neutralises them, the reader restores them). Leading and trailing blanks are not kept.
EVIDENCE = st.text(st.one_of(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
                             st.sampled_from("=+-@\n")), max_size=40).map(str.strip)
# Links are split on blanks, '|' and ';', so a link holds none of them.
LINK = st.text(string.ascii_letters + string.digits + ":/._-=+@#?%", min_size=1, max_size=24)
DAY = st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(date.isoformat)


@st.composite
def answer_sets(draw: st.DrawFn) -> AnswerSet:
    """Answer sets the file format can hold: whole requirements answered (a requirement answered partial has every
    objective answered and one not met), partial only where the rules define it, not_applicable only where the
    rules allow it, and a plan of action only on an answered requirement."""
    chosen = draw(st.lists(st.sampled_from(sorted(CATALOG.requirements)), min_size=1, max_size=25, unique=True))
    partial = set(draw(st.sets(st.sampled_from(sorted(set(chosen) & RULES.partial.keys()) or [""])))) - {""}
    answers = AnswerSet(REV2, partial=partial)
    for requirement_id in chosen:
        statuses = [Status.MET, Status.NOT_MET]
        if requirement_id not in RULES.never_not_applicable:
            statuses.append(Status.NOT_APPLICABLE)
        for n, objective in enumerate(CATALOG.requirements[requirement_id].objectives):
            status = Status.NOT_MET if requirement_id in partial and n == 0 else draw(st.sampled_from(statuses))
            answers.answers[objective.id] = Answer(objective.id, status, draw(EVIDENCE),
                                                   draw(st.lists(LINK, max_size=3)), draw(DAY))
    answers.poam = draw(st.none() | st.sets(st.sampled_from(chosen)))
    return answers


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@settings(max_examples=25, deadline=None)
@given(original=answer_sets())
def test_exported_answers_import_as_the_same_answers(suffix: str, original: AnswerSet) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers.{suffix}"
        write_answers(path, CATALOG, original)
        again = read_answers(path, CATALOG, RULES)
    assert again.answers == original.answers
    assert again.partial == original.partial and again.poam == original.poam
