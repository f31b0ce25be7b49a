"""The impact of a proposed control, exact on hand-built trade files: every expected figure is worked out by hand in
the comments from the rows of tests/fixtures/controls_impact/."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kizuna.controls.impact import elasticities, impact, lines_for_eccn
from kizuna.core.errors import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "controls_impact"
BACI = FIXTURES / "baci_sme.csv"


def test_covered_and_foreign_available_shares_from_a_baci_file() -> None:
    # China's 2023 imports of 848620 (thousand USD): US 400, JP 300, NL 200, KR 50, SG 50 = 1,000 → 1,000,000 USD.
    # Adopters US+JP ship 700 → covered 700,000, covered_share 0.7; the rest, 0.3, is available from NL/KR/SG.
    data = impact(BACI, hs=["848620"], destinations=["CN"], adopters=["US,JP"]).to_dict()
    assert (data["year"], data["unit"]) == (2023, "USD")  # no --year: the latest year of the file
    assert data["total_value"] == 1_000_000
    assert data["covered_value"] == 700_000
    assert data["covered_share"] == pytest.approx(0.7)
    assert data["foreign_availability_share"] == pytest.approx(0.3)
    assert data["non_adopting_value"] == 300_000 and data["non_adopting_suppliers"] == 3
    # NL 200 (0.2 of the total), then KR and SG at 50 each (0.05): a tie, ordered by code.
    assert [(s["exporter"], s["value"], s["share"]) for s in data["top_non_adopting_suppliers"]] == [
        ("NL", 200_000, pytest.approx(0.2)), ("KR", 50_000, pytest.approx(0.05)), ("SG", 50_000, pytest.approx(0.05))]
    assert data["basis"].startswith("CEPII BACI")


def test_first_order_diversion_with_the_protee_elasticity() -> None:
    # ε(848620) = −6.9534059 (ProTEE 0.1). With T = 0.25 and s = 0.7:
    # Δs = −6.9534059 · ln 1.25 · 0.7 · 0.3 = −6.9534059 · 0.2231436 · 0.21 = −0.3258376;
    # diverted = 0.3258376 · 1,000,000 = 325,837.6 USD; NL gains 200/300 of it = 217,225.1 USD.
    data = impact(BACI, hs=["848620"], destinations=["CN"], adopters=["US,JP"], tariff_equivalent=0.25).to_dict()
    diversion = data["diversion"]
    assert diversion["elasticity"] == pytest.approx(-6.9534059)
    assert diversion["share_shift"] == pytest.approx(-0.3258376, abs=1e-7)
    assert diversion["diverted_value"] == pytest.approx(325_837.6, abs=0.1)
    assert data["top_non_adopting_suppliers"][0]["diversion_gain"] == pytest.approx(217_225.1, abs=0.1)
    assert (diversion["tariff_equivalent"], diversion["tariff_equivalent_from"]) == (0.25, "user")
    assert "ln(1 + T)" in data["diversion_model"]["formula"] and len(data["diversion_model"]["assumptions"]) >= 3
    assert any("Hong Kong" in gap for gap in data["not_captured"])
    assert any("stockpil" in gap.casefold() for gap in data["not_captured"])


def test_diversion_without_a_tariff_equivalent_is_per_one_per_cent() -> None:
    # Reference T = 0.01: Δs = −6.9534059 · ln 1.01 · 0.21 = −0.0145296; diverted 14,529.6 USD per 1 %.
    diversion = impact(BACI, hs=["848620"], destinations=["CN"], adopters=["US,JP"]).to_dict()["diversion"]
    assert (diversion["tariff_equivalent"], diversion["tariff_equivalent_from"]) == (0.01, "reference")
    assert diversion["diverted_value"] == pytest.approx(14_529.6, abs=0.1)


def test_no_figure_where_the_linear_form_breaks_down() -> None:
    # T = 2: Δs = −6.9534059 · ln 3 · 0.21 = −1.604, more than the whole covered share 0.7.
    diversion = impact(BACI, hs=["848620"], destinations=["CN"], adopters=["US,JP"],
                       tariff_equivalent=2).to_dict()["diversion"]
    assert diversion["diverted_value"] is None and "broken down" in diversion["reason"]


def test_compare_adopter_sets_as_one_table() -> None:
    # US,JP: 700/1000 = 0.7; US,JP,NL: 900/1000 = 0.9, foreign 0.1 (KR 50, SG 50).
    # Diversion at T = 0.25 for US,JP,NL: −6.9534059 · 0.2231436 · 0.9 · 0.1 = −0.1396447 → 139,644.7 USD.
    data = impact(BACI, hs=["848620"], destinations=["CN"], compare=[["US,JP"], ["US,JP,NL"]],
                  tariff_equivalent=0.25).to_dict()
    rows = data["rows"]
    assert [(r["adopters"], r["covered_value"], r["covered_share"]) for r in rows] == [
        (["US", "JP"], 700_000, pytest.approx(0.7)), (["US", "JP", "NL"], 900_000, pytest.approx(0.9))]
    assert rows[1]["foreign_availability_share"] == pytest.approx(0.1)
    assert rows[1]["diversion"]["diverted_value"] == pytest.approx(139_644.7, abs=0.1)
    assert data["adopter_sets"] == [["US", "JP"], ["US", "JP", "NL"]]


def test_several_destinations_and_products_give_rows() -> None:
    # HK 2023 848620: US 10 + CN 90 = 100 → 100,000 USD; US,JP cover 10 → 0.1; China supplies the other 0.9.
    # CN 854231: US 100 + "Other Asia, nes" (490 = TW) 300.5 = 400.5 → 400,500 USD; US,JP cover 100/400.5.
    data = impact(BACI, hs=["848620", "854231"], destinations=["CN", "HK"], adopters=["US,JP"]).to_dict()
    rows = {(r["product"], r["destination"]): r for r in data["rows"]}
    assert rows[("848620", "HK")]["total_value"] == 100_000
    assert rows[("848620", "HK")]["covered_share"] == pytest.approx(0.1)
    assert rows[("848620", "HK")]["top_non_adopting_suppliers"][0]["exporter"] == "CN"
    assert rows[("854231", "CN")]["total_value"] == 400_500
    assert rows[("854231", "CN")]["covered_share"] == pytest.approx(100 / 400.5)
    assert rows[("854231", "CN")]["top_non_adopting_suppliers"][0]["exporter"] == "TW"
    assert rows[("854231", "HK")]["total_value"] == 0 and rows[("854231", "HK")]["covered_share"] is None
    assert rows[("854231", "HK")]["notes"] == ["the file has no exports of 854231 to HK in 2023"]
    assert "total_value" not in data  # several rows: no row keys at the top level


def test_a_heading_sums_its_lines_and_gets_no_elasticity() -> None:
    # 8542 to CN, 2023: 854231 (400.5) + 854232 (99.5) = 500 → 500,000 USD. ProTEE is per HS-6: no diversion.
    data = impact(BACI, hs=["8542"], destinations=["CN"], adopters=["TW"]).to_dict()
    assert data["total_value"] == 500_000
    assert data["covered_value"] == 400_000  # TW (490): 300.5 + 99.5
    assert data["diversion"]["diverted_value"] is None and "HS-6" in data["diversion"]["reason"]


def test_year_and_leading_zeros() -> None:
    # 2022: US 100 + NL 100 = 200 → 200,000 USD, US,JP cover half.
    data = impact(BACI, hs=["848620"], destinations=["CN"], adopters=["US,JP"], year=2022).to_dict()
    assert (data["year"], data["total_value"], data["covered_share"]) == (2022, 200_000, pytest.approx(0.5))
    # BACI wrote 010110 (live horses) as the number 10110: JP 2 → 2,000 USD.
    assert impact(BACI, hs=["010110"], destinations=["CN"], adopters=["JP"]).to_dict()["total_value"] == 2_000


def test_comtrade_classic_uses_the_destinations_own_report_and_mirror_flows_otherwise() -> None:
    # China reports its 2020 imports: JP 600,000, US 250,000, "Areas, nes" (899) 150,000 = 1,000,000; the World
    # row (1,000,000) is a total, not an exporter, and Japan's own report of exports to China (640,000) is not
    # added to China's report of the same trade.
    path = FIXTURES / "comtrade_classic.csv"
    data = impact(path, hs=["848620"], destinations=["CN"], adopters=["US,JP"]).to_dict()
    assert (data["total_value"], data["covered_value"]) == (1_000_000, 850_000)
    assert data["foreign_availability_share"] == pytest.approx(0.15)
    assert data["top_non_adopting_suppliers"][0]["exporter"] == "#899"
    assert data["top_non_adopting_suppliers"][0]["name"] == "code 899 (not a country)"
    assert data["basis"].startswith("importer-reported")
    assert data["skipped_rows"]["partner totals (World)"] == 1
    # Viet Nam reports nothing: its partners' exports to it, JP 30,000 + NL 10,000 (the US re-export is not read).
    vn = impact(path, hs=["848620"], destinations=["VN"], adopters=["JP"]).to_dict()
    assert (vn["total_value"], vn["covered_share"]) == (40_000, pytest.approx(0.75))
    assert vn["basis"].startswith("exporter-reported")
    assert vn["skipped_rows"]["Re-Export rows"] == 1


def test_comtrade_plus_reads_only_the_total_rows() -> None:
    # Korea's 2024 imports: NL 800 (total row; its air-transport breakdown of 700 is not added), JP 200 → 1,000.
    data = impact(FIXTURES / "comtrade_plus.csv", hs=["848620"], destinations=["KR"], adopters=["NL"]).to_dict()
    assert (data["total_value"], data["covered_share"]) == (1000, pytest.approx(0.8))
    assert data["skipped_rows"] == {"breakdown rows (customs procedure, transport mode, second partner)": 1}


def test_taiwan_customs_layout_one_exporter() -> None:
    # 2024 to 中國大陸 (CN): 854231 1,000.50 + 854239 2,000 = 3,000.50 USD; 其他國家 is no country (skipped).
    data = impact(FIXTURES / "taiwan_customs.csv", hs=["8542"], destinations=["CN"], adopters=["TW"],
                  name="taiwan.csv").to_dict()
    assert (data["year"], data["total_value"], data["covered_share"]) == (2024, 3000.5, 1.0)
    assert data["trade"] == {"file": "taiwan.csv"}
    assert "one exporter only" in data["notes"][0]
    assert data["skipped_rows"] == {"其他國家 (not allocated to a country)": 1}


def test_eccn_maps_to_indicative_hs_lines() -> None:
    assert [line.codes for line in lines_for_eccn("3A090")] == [("854231",), ("854232",), ("854239",)]
    assert ("848620",) in [line.codes for line in lines_for_eccn("3B001.h")]
    assert ("3705",) in [line.codes for line in lines_for_eccn("3B001.h")]  # "3B001.g-j" covers .h
    assert ("3705",) not in [line.codes for line in lines_for_eccn("3B001.a")]
    # 3A090.a: 854231 lists "3A090.a/.b", 854239 lists 3A090 whole; 854232 lists only 3A090.c (HBM).
    data = impact(BACI, eccn=["3A090.a"], destinations=["CN"], adopters=["US"]).to_dict()
    assert [p["hs"] for p in data["products"]] == ["854231", "854239"]
    assert all(via["indicative"] for p in data["products"] for via in p["via_eccn"])
    assert "not a legal concordance" in data["indicative"]["label"]


def test_the_elasticity_table_is_read_whole() -> None:
    table = elasticities()
    assert len(table) > 4000 and table["854231"] == pytest.approx(-28.105183)
    assert all(math.isfinite(value) for value in table.values())


def test_shipped_taiwan_data() -> None:
    # Taiwan Customs: 2024 exports of 8542.39 to China, 40.83 bn USD (sum of the CCC lines under 854239).
    data = impact(dataset="taiwan-8542", hs=["854239"], destinations=["CN"], adopters=["TW"], year=2024).to_dict()
    assert data["total_value"] == pytest.approx(40.826e9, rel=1e-4)
    assert data["trade"]["dataset"] == "taiwan-8542" and "財政部關務署" in data["trade"]["licence"]
    partial = impact(dataset="taiwan-8542", hs=["854239"], destinations=["CN"], adopters=["TW"]).to_dict()
    assert partial["year"] == 2025 and any("partial year" in note for note in partial["notes"])


@pytest.mark.parametrize(("kwargs", "field", "text"), [
    ({"hs": ["84862"]}, "--hs", "not an HS code"),
    ({"hs": ["848620"], "destinations": ["China"]}, "--to", "not an ISO alpha-2"),
    ({"hs": ["848620"], "adopters": ["XX"]}, "--adopters", "not an ISO alpha-2"),
    ({"hs": ["848620"], "year": 2019}, "--year", "no flows of 2019"),
    ({"hs": ["848620"], "tariff_equivalent": -0.1}, "--tariff-equivalent", "above 0"),
    ({"eccn": ["9Z999"]}, "--eccn", ""),
    ({}, "--hs", "give the products"),
])
def test_bad_options_name_their_field(kwargs: dict[str, object], field: str, text: str) -> None:
    options: dict[str, object] = {"destinations": ["CN"], "adopters": ["US"], **kwargs}
    with pytest.raises(InputError) as caught:
        impact(BACI, **options)  # type: ignore[arg-type]
    assert caught.value.field == field and text in caught.value.message


def test_a_file_or_a_dataset_not_both() -> None:
    with pytest.raises(InputError, match="one of the two"):
        impact(BACI, dataset="taiwan-8542", hs=["854231"], destinations=["CN"], adopters=["TW"])
    with pytest.raises(InputError, match="no shipped dataset"):
        impact(dataset="atlantis", hs=["854231"], destinations=["CN"], adopters=["TW"])
