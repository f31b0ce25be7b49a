"""Japan FEFTA: list control and the catch-all, hand-worked against the Export Trade Control Order (e-Gov XML as of
2026-02-14, data/licensing/jp/), with parties screened on the real bundled METI End User List (2025-09-29).

How each case is worked out is in its docstring, citing the Order: 第1条第1項 and 別表第一 (items and their 下欄
destinations), 第4条第1項第三号・第四号 (the catch-all exemption and the requirements that take it away), 別表第三
(Group A) and 別表第三の二 (UN arms-embargo destinations).
"""

from __future__ import annotations

import re

import pytest

from kizuna.core.errors import InputError
from kizuna.core.evidence import EvidenceKind
from kizuna.core.party import Party
from kizuna.core.paths import bundled
from kizuna.licensing.assessment import Determination, Shipment, ShipmentParty, ShipmentRole
from kizuna.licensing.japan import assess_japan, destination_tables, rules
from tests.licensing.bundled_lists import screened

BUAA = "Beijing University of Aeronautics and Astronautics"  # METI EUL (2025-09-29): "… (BUAA)", China, WMD-M


def _end_user(name: str, country: str, role: ShipmentRole = ShipmentRole.END_USER) -> ShipmentParty:
    return ShipmentParty(role, Party(name, country=country))


def _assess(shipment: Shipment) -> dict[str, Determination]:
    return {d.rule: d for d in assess_japan(shipment, screened(shipment, "jp-meti-eul"))}


def _xml_text() -> str:
    xml = bundled(rules().text_file).read_text(encoding="utf-8")
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", xml))


def test_every_quote_is_in_the_order_and_group_a_is_its_table() -> None:
    """The rule file's quotes are verbatim in the e-Gov XML; 別表第三 lists the 27 destinations of jp_group_a.csv
    (大韓民国 among them in this edition) and 別表第三の二 the 10."""
    text = _xml_text()
    fefta = rules()
    for quote in [fefta.hs_chapters.quote, fefta.list_control.quote, fefta.catch_all.quote,
                  *(r.quote for r in fefta.requirements)]:
        assert re.sub(r"\s+", "", quote) in text, quote
    tables = destination_tables()
    assert len(tables[fefta.group_a]) == 27 and "KR" in tables[fefta.group_a]
    assert len(tables[fefta.arms_embargo]) == 10
    start = text.index("別表第三（第四条関係）")
    group_a = text[start:text.index("別表第三の二（第四条関係）", start)]
    assert all(name in group_a for name in tables[fefta.group_a].values())


def test_list_control_integrated_circuits_to_the_united_states() -> None:
    """7の項(1) (集積回路) to the US. 別表第一 7の項's 下欄 is 全地域, so 輸出令第1条第1項 requires a licence even to
    a Group A destination; the catch-all (16の項) covers only goods outside items 1–15, so it does not apply."""
    result = _assess(Shipment("JP", "US", item="7の項(1)", parties=(_end_user("Micron Technology", "US"),)))
    control = result["jp-fefta-list-control"]
    assert control.licence_required is True and control.applies
    assert "集積回路" in control.reason and "アメリカ合衆国 (US)" in control.reason
    assert control.reason_ja.startswith("別表第一7の項(1)") and "少額特例" in control.reason_ja
    assert "別表第一7の項(1)" in control.citation.citation and control.citation.date == "2026-02-14"
    catch_all = result["jp-fefta-catch-all"]
    assert catch_all.licence_required is False and not catch_all.applies


def test_list_control_machine_tools_to_korea() -> None:
    """6の項 (machine tools) to the Republic of Korea, a 別表第三 destination: list control has 全地域, so a licence
    is required all the same."""
    result = _assess(Shipment("JP", "KR", item="6の項", parties=(_end_user("Samsung Electronics", "KR"),)))
    assert result["jp-fefta-list-control"].licence_required is True


@pytest.mark.parametrize(("item", "words"), [("1の項", "銃砲"), ("3の2の項", "細菌製剤"), ("2の項(10)", "重水素")])
def test_list_control_of_any_item_and_sub_item(item: str, words: str) -> None:
    """Every item of 1–15 has 全地域 as its 下欄: items whose sentences all have sub-items (1の項), items numbered
    with の (3の2の項) and sub-items past nine (2の項(10), （十）) are read from the table and need a licence."""
    control = _assess(Shipment("JP", "DE", item=item))["jp-fefta-list-control"]
    assert control.licence_required is True and words in control.reason


def _small(destination: str, item: str, value: str, informed: bool | None = False,
           end_user: ShipmentParty | None = None) -> Determination:
    parties = (end_user or _end_user("Micron Technology", "US"),)
    shipment = Shipment("JP", destination, item=item, informed=informed, parties=parties, facts={"value_jpy": value})
    return _assess(shipment)["jp-fefta-list-control"]


def test_small_value_exemption_applies() -> None:
    """7の項(1), ¥800,000, to the US, not informed: item 7 is among 五から一三, ¥800,000 ≤ 百万円, the US is not in
    別表第四, and to a 別表第三 destination only 第三号ロ・ニ (informed) must not be met — exempt (第4条第1項第五号)."""
    control = _small("US", "7の項(1)", "800,000")
    assert control.licence_required is False and control.citation.id == "jp-fefta-small-value"
    assert "¥800,000 (limit ¥1,000,000)" in control.reason and "少額特例により許可は不要" in control.reason_ja


@pytest.mark.parametrize(("destination", "item", "value", "informed", "expected", "words"), [
    # Informed by METI: 第五号's parenthesis (第三号ロ・ニ) takes the exemption away.
    ("US", "7の項(1)", "800000", True, True, "exemption is lost"),
    # Not stated whether informed: the exemption depends on it.
    ("US", "7の項(1)", "800000", None, "unknown", "unless the answer is yes"),
    # 15の項 goods are 別表第三の三 goods: the limit is 五万円.
    ("US", "15の項", "80000", False, True, "over the ¥50,000"),
    # 7の項(2) is in 別表第三の三 only where METI's notice names it (not bundled): over ¥50,000 it depends.
    ("US", "7の項(2)", "800000", False, "unknown", "METI's notice"),
    # Iran is in 別表第四: no small-value exemption.
    ("IR", "7の項(1)", "100", False, True, "別表第四"),
    # 1の項 (arms) is not among 五から一三 or 一五.
    ("US", "1の項", "100", False, True, "unless an exemption of article 4 applies"),
    # No value given: the licence stands, and the reason says the exemption may apply.
    ("US", "7の項(1)", "", False, True, "the value was not"),
])
def test_small_value_exemption_does_not_apply(destination: str, item: str, value: str, informed: bool | None,
                                              expected: object, words: str) -> None:
    control = _small(destination, item, value, informed)
    assert control.licence_required == expected and words in control.reason


def test_small_value_exemption_lost_to_an_eul_end_user() -> None:
    """7の項(1), ¥100,000, to China for BUAA: outside 別表第三 第五号 needs 第三号イ not met, and BUAA on the End User
    List meets it, so the exemption is lost and list control requires a licence."""
    control = _small("CN", "7の項(1)", "100000", end_user=_end_user(BUAA, "CN"))
    assert control.licence_required is True and "End User List" in control.reason
    assert [e.kind for e in control.evidence] == [EvidenceKind.LIST_HIT]


def test_catch_all_with_an_end_user_list_end_user() -> None:
    """A non-listed computer (HS 8471.30, chapter 84) to China for BUAA. China is not in 別表第三, chapter 84 is within
    16の項(二)'s chapters, so the good is a catch-all good. BUAA is on METI's End User List: the objective requirement
    of 第4条第1項第三号イ (the ordinance's end-user requirement) is met: the exemption is lost, licence required."""
    shipment = Shipment("JP", "CN", item="非該当", parties=(_end_user(BUAA, "CN"),), informed=False,
                        facts={"hs_code": "8471.30"})
    result = _assess(shipment)
    assert result["jp-fefta-list-control"].licence_required is False
    eul = result["jp-fefta-catch-all-wmd-end-user"]
    assert eul.licence_required is True and eul.applies
    assert "Beijing University of Aeronautics and Astronautics (BUAA)" in eul.reason and "2025-09-29" in eul.reason
    assert "外国ユーザーリスト" in eul.reason_ja and "需要者" in eul.reason_ja
    (evidence,) = eul.evidence
    assert evidence.kind is EvidenceKind.LIST_HIT and evidence.data["list"] == "jp-meti-eul"
    assert eul.citation.label().endswith("(unconfirmed)")  # the ordinance's end-user requirement is recalled
    assert result["jp-fefta-catch-all-informed"].licence_required is False


def test_catch_all_eul_hit_in_another_script_on_a_consignee() -> None:
    """The same party written 北京航空航天大学 as the consignee of a shipment to Hong Kong (not in 別表第三): the
    End User List trigger is a hit on any party, in any script, so a licence is required."""
    parties = (_end_user("Kowloon Trading Ltd", "HK"), _end_user("北京航空航天大学", "CN", ShipmentRole.CONSIGNEE))
    result = _assess(Shipment("JP", "HK", item="非該当", parties=parties, informed=False,
                              facts={"hs_code": "9027.80"}))
    eul = result["jp-fefta-catch-all-wmd-end-user"]
    assert eul.licence_required is True and "Consignee 北京航空航天大学" in eul.reason
    assert eul.reason_ja.startswith("荷受人「北京航空航天大学」")


def test_catch_all_does_not_reach_group_a_even_with_an_eul_party() -> None:
    """The catch-all's 下欄 is 全地域（別表第三に掲げる地域を除く。）: to the UK (別表第三) the catch-all does not
    apply, whoever the parties are."""
    result = _assess(Shipment("JP", "GB", item="非該当", parties=(_end_user(BUAA, "CN"),), facts={"hs_code": "8471"}))
    assert set(result) == {"jp-fefta-list-control", "jp-fefta-catch-all"}
    assert result["jp-fefta-catch-all"].applies is False and "英国 (GB)" in result["jp-fefta-catch-all"].reason


def test_informed_exporter_needs_a_licence() -> None:
    """Polyethylene (HS 3901, chapter 39: 16の項(二)) to Malaysia, and METI has informed the exporter: 第4条第1項第四号
    ロ/ニ — the exemption is lost, a licence is required."""
    result = _assess(Shipment("JP", "MY", item="非該当", parties=(_end_user("Penang Polymers Sdn Bhd", "MY"),),
                              informed=True, facts={"hs_code": "3901.10"}))
    assert result["jp-fefta-catch-all-informed"].licence_required is True
    assert "インフォーム" in result["jp-fefta-catch-all-informed"].reason_ja


def test_conventional_end_use_of_a_16_2_good_outside_the_arms_embargo_table() -> None:
    """Polyethylene (16の項(二)) to Vietnam for a military end use. 第4条第1項第四号: outside 別表第三の二 only イ, ロ
    and ニ take the exemption away, so the conventional-arms end-use requirement (ハ) does not apply, and with no
    other requirement met no licence is required."""
    shipment = Shipment("JP", "VN", item="非該当", parties=(_end_user("Hanoi Plastics JSC", "VN"),), informed=False,
                        end_uses=("military-end-use",), facts={"hs_code": "3901.10"})
    result = _assess(shipment)
    conventional = result["jp-fefta-catch-all-conventional-end-use"]
    assert conventional.licence_required is False and not conventional.applies and "(iv)" in conventional.reason
    assert not any(d.licence_required is True for d in result.values())


def test_conventional_end_use_of_a_16_2_good_to_an_arms_embargo_destination() -> None:
    """The same good and end use to Libya (別表第三の二): 第四号 then applies イ to ニ, ハ included; a licence is
    required."""
    shipment = Shipment("JP", "LY", item="非該当", parties=(_end_user("Tripoli Industrial Co", "LY"),),
                        informed=False, end_uses=("military-end-use",), facts={"hs_code": "3901.10"})
    conventional = _assess(shipment)["jp-fefta-catch-all-conventional-end-use"]
    assert conventional.licence_required is True and "conventional arms" in conventional.reason


def test_conventional_end_use_of_a_16_1_good_anywhere_outside_group_a() -> None:
    """16の項(1) goods (given as 16の項(1)) for a military end use in Vietnam: 第4条第1項第三号 applies イ to ニ
    everywhere outside 別表第三, so the conventional-arms requirement ハ is met; a licence is required."""
    shipment = Shipment("JP", "VN", item="16の項(1)", parties=(_end_user("Hanoi Plastics JSC", "VN"),),
                        informed=False, end_uses=("conventional-arms",))
    assert _assess(shipment)["jp-fefta-catch-all-conventional-end-use"].licence_required is True


def test_unknown_scope_asks_for_the_hs_code() -> None:
    """非該当 with no HS code to China for BUAA: the End User List requirement is met, but whether the good is a 16項
    good depends on its tariff chapter — "unknown", and the question asks for the HS code."""
    shipment = Shipment("JP", "CN", item="非該当", parties=(_end_user(BUAA, "CN"),), informed=False)
    eul = _assess(shipment)["jp-fefta-catch-all-wmd-end-user"]
    assert eul.licence_required == "unknown" and eul.question is not None and "HS code" in eul.question


def test_a_word_in_the_free_text_end_use_asks_instead_of_deciding() -> None:
    """"ミサイル誘導の研究用" (for missile guidance research) names no regulated end use, but it mentions one: the
    WMD end-use requirement is "unknown" with the question, not "met"."""
    shipment = Shipment("JP", "TH", item="非該当", parties=(_end_user("Bangkok Research Institute", "TH"),),
                        informed=False, end_use="ミサイル誘導の研究用", facts={"hs_code": "8542.31"})
    wmd = _assess(shipment)["jp-fefta-catch-all-wmd-end-use"]
    assert wmd.licence_required == "unknown" and "ミサイル" in wmd.reason
    assert wmd.question is not None and wmd.question.startswith("Will the goods be used for")


def test_goods_outside_item_16_chapters() -> None:
    """Frozen fish (HS 0303, chapter 03) is in none of 16の項(二)'s chapters: no catch-all, even to an EUL party."""
    result = _assess(Shipment("JP", "CN", item="非該当", parties=(_end_user(BUAA, "CN"),), facts={"hs_code": "0303"}))
    assert result["jp-fefta-catch-all"].applies is False and "chapter 3" in result["jp-fefta-catch-all"].reason


def test_an_eccn_is_not_a_japanese_item_number() -> None:
    """An ECCN given for an export from Japan: list control cannot be applied — "unknown" asking for the 別表第一
    item."""
    control = _assess(Shipment("JP", "CN", item="3A090.a"))["jp-fefta-list-control"]
    assert control.licence_required == "unknown" and "別表第一" in (control.question or "")


def test_no_end_user_is_a_question() -> None:
    shipment = Shipment("JP", "CN", item="非該当", informed=False, facts={"hs_code": "8471"})
    eul = _assess(shipment)["jp-fefta-catch-all-wmd-end-user"]
    assert eul.licence_required == "unknown" and eul.question == rules().texts.end_user_question


def test_an_export_from_the_united_states_gets_no_japanese_determination() -> None:
    assert assess_japan(Shipment("US", "CN", item="EAR99"), []) == []


@pytest.mark.parametrize(("item", "field"), [("7の項(99)", "--item"), ("17の項", "--item")])
def test_an_item_the_order_lacks_is_an_error(item: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        assess_japan(Shipment("JP", "CN", item=item), [])
    assert caught.value.field == field


def test_a_bad_hs_code_names_its_fact() -> None:
    with pytest.raises(InputError) as caught:
        assess_japan(Shipment("JP", "CN", item="非該当", facts={"hs_code": "=cmd"}), [])
    assert caught.value.field == "hs_code"
