"""Explanations as typed steps: what each step holds for real hits, the one renderer, and the numbers of
scoring.yaml read through the typed rule model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.rules import load_rules
from kizuna.screening import Query
from kizuna.screening.explain import (
    Coverage,
    CrossListLink,
    EvidenceAdjustment,
    FinalScore,
    ListedName,
    QualifierNote,
    QueryPath,
    Shared,
    SharedWord,
    Step,
    Unmatched,
    render,
    to_dict,
)
from kizuna.screening.screener import Screener
from kizuna.screening.tables import ScoringRules, scoring

SCORING = Path(__file__).parents[2] / "data" / "screening" / "scoring.yaml"


def _first(screener, name: str, **fields):  # type: ignore[no-untyped-def]
    [hit, *_] = screener.screen(Query(name, **fields), 0.0)
    return hit


def test_a_spelling_match_records_each_pair_and_how_it_met(screener) -> None:  # type: ignore[no-untyped-def]
    hit = _first(screener, "SKY AVAITOR COMPANY LIMITED")
    shared = next(s for s in hit.steps if isinstance(s, Shared))
    assert SharedWord("avaitor", "aviator", "spelling", 0.857) in shared.words
    assert SharedWord("sky", "sky", "exact", 1.0) in shared.words
    coverage = next(s for s in hit.steps if isinstance(s, Coverage))
    assert 0.9 < coverage.query_coverage < 0.95 and coverage.name_score == pytest.approx(hit.score, abs=1e-4)
    assert hit.steps[0] == QueryPath("SKY AVAITOR COMPANY LIMITED", "name", "SKY AVAITOR COMPANY LIMITED")
    assert isinstance(hit.steps[1], ListedName) and isinstance(hit.steps[-1], FinalScore)


def test_evidence_steps_carry_the_fact_both_sides_state_and_the_rule_value(screener) -> None:  # type: ignore[no-untyped-def]
    hits = screener.screen(Query("Kim Jong Un", country="US", entity_type=PartyKind.PERSON, birth_date="1984",
                                 lists=("us-ofac-sdn",)), 0.0)
    evidence = [s for h in hits for s in h.steps if isinstance(s, EvidenceAdjustment)]
    country = next(s for s in evidence if s.fact == "country")
    assert country.query == "US" and "KP" in country.listed and not country.agrees
    assert country.change == scoring().evidence.country_mismatch
    assert any(s.fact == "birth_year" and s.agrees and s.change == scoring().evidence.birth_year_match
               for s in evidence)


def test_qualifier_steps_are_typed(screener) -> None:  # type: ignore[no-untyped-def]
    hit = next(h for h in screener.screen(Query("Huawei Japan"), 0.0, 50)
               if h.name == "Huawei Technologies Co., Ltd.")
    note = next(s for s in hit.steps if isinstance(s, QualifierNote))
    assert (note.how, note.words, note.factor) == ("query_only", "japan", scoring().qualifiers.query_only)


def test_a_linked_hit_starts_with_the_cross_list_link(screener) -> None:  # type: ignore[no-untyped-def]
    hits = screener.screen(Query("中国電子科技集団公司第十四研究所"))
    linked = next(h for h in hits if h.list_code != "jp-meti-eul")
    link = linked.steps[0]
    assert isinstance(link, CrossListLink) and link.list_code == "jp-meti-eul" and link.shared_name
    assert linked.explanation.startswith(f"linked to jp-meti-eul entry '{link.name}' as the same party")


def test_steps_as_json_name_their_type_and_round_scores(screener) -> None:  # type: ignore[no-untyped-def]
    hit = _first(screener, "Huawei Technologies Japan", country="JP")
    steps = json.loads(json.dumps(hit.to_dict()["steps"], ensure_ascii=False))
    assert [s["step"] for s in steps] == ["query_path", "listed_name", "shared", "unmatched", "qualifier",
                                          "coverage", "evidence", "score"]
    coverage = next(s for s in steps if s["step"] == "coverage")
    assert coverage["name_coverage"] == round(coverage["name_coverage"], 4)


def test_the_renderer_writes_the_words_from_the_steps_alone() -> None:
    steps: list[Step] = [CrossListLink("us-bis-entity", "e1", "ACME Ltd", "acme"),
                         QueryPath("アクメ", "reading", "akume", ("katakana reading",)),
                         ListedName("Akume Trading", "alias", "name", "Akume Trading"),
                         Shared((SharedWord("akume", "akume", "exact", 1.0), SharedWord("akume", "akume", "exact", 1.0),
                                 SharedWord("tradng", "trading", "spelling", 0.857))),
                         Unmatched("listed", ("trading",)),
                         QualifierNote("listed_only", "uk", factor=0.95),
                         Coverage(1.0, 0.72, 0.9),
                         EvidenceAdjustment("country", "JP", ("CN", "HK"), False, -0.08),
                         FinalScore(0.82)]
    assert render(steps) == (
        "linked to us-bis-entity entry 'ACME Ltd' as the same party (both list the name 'acme'); there: "
        "'アクメ' → reading (katakana reading) ↔ 'Akume Trading' (alias): shared akume, tradng≈trading "
        "(spelling 0.86); not in query: trading; qualifier 'uk' only in the listed name (×0.95); query coverage "
        "1.00, listed-name coverage 0.72 → name score 0.90; country JP not in CN/HK (-0.08) → 0.82")
    assert to_dict(steps[-2]) == {"fact": "country", "query": "JP", "listed": ["CN", "HK"], "agrees": False,
                                  "change": -0.08, "step": "evidence"}


def test_a_scoring_rule_moved_into_data_is_the_one_applied(screener) -> None:  # type: ignore[no-untyped-def]
    """The share at which a query word that spells several listed words counts (joined.listed_words_similarity)
    comes from scoring.yaml: a lower value lowers the score of exactly such a match."""
    rules = scoring()
    lowered = rules.model_copy(update={"joined": rules.joined.model_copy(update={"listed_words_similarity": 0.5})})
    query = Query("ALIBRAHIM, Muhammad", entity_type=PartyKind.PERSON)
    before = _first(screener, query.name, entity_type=PartyKind.PERSON)
    after = next(h for h in Screener(screener.index, lowered).screen(query, 0.0)
                 if (h.list_code, h.entry_id) == (before.list_code, before.entry_id))
    assert "(joined)" in before.explanation and after.score < before.score - 0.05


def test_scoring_yaml_errors_name_the_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "scoring.yaml"
    bad.write_text(SCORING.read_text(encoding="utf-8").replace("sound_similarity: 0.85", "sound_similarity: 1.5"),
                   encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(bad, ScoringRules)
    line = next(n for n, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1)
                if "sound_similarity: 1.5" in text)
    assert caught.value.field == "name.sound_similarity" and caught.value.line == line
    bad.write_text(SCORING.read_text(encoding="utf-8").replace("places:\n", "places:\n  one_sided_wieght: 0.5\n"),
                   encoding="utf-8")
    with pytest.raises(InputError, match="Extra inputs"):
        load_rules(bad, ScoringRules)
