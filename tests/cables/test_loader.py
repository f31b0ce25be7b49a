"""Loading: the default TeleGeography copy, a user's copy in the same layout, and the CSV layout; clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kizuna.cables.analysis import pair_cut
from kizuna.cables.loader import ENV_VAR, default_data_dir, load_network, split_owners
from kizuna.cables.model import Network
from kizuna.cables.scenario import Scenario, apply
from kizuna.core.errors import InputError, NotFoundError
from tests.cables.conftest import write_csv_dataset

ROOT = Path(__file__).resolve().parents[2]


def test_default_dataset_is_the_noncommercial_copy_with_its_provenance(network: Network) -> None:
    assert Path(network.dataset.path) == ROOT / "data-noncommercial" / "cables"
    assert (ROOT / "data-noncommercial" / "cables" / "LICENSE-CC-BY-NC-SA-3.0.txt").is_file()
    assert network.dataset.licence == "CC BY-NC-SA 3.0"
    assert "TeleGeography" in network.dataset.attribution
    assert network.dataset.data_date == "2022-11-10"
    assert len(network.cables) == 526
    assert sum(not c.is_planned for c in network.cables.values()) == 461
    assert network.warnings == []


def test_hong_kong_and_macao_are_their_own_places(network: Network) -> None:
    points = network.landing_points
    assert points["tseung-kwan-o-china"].country == "HK"
    assert points["cape-daguilar-china"].country == "HK"
    assert points["taipa-china"].country == "MO"
    assert points["shanghai-china"].country == "CN"
    places = {p.country for p in points.values()}
    assert {"HK", "MO", "CN", "TW"} <= places
    assert len(places) == 182  # 180 countries in the data, plus Hong Kong and Macao


def test_owners_split_keeps_legal_suffixes() -> None:
    assert split_owners("Acme, Inc., KDDI, Telstra, Ltd., Comcast") == (
        "Acme, Inc.", "KDDI", "Telstra, Ltd.", "Comcast")
    assert split_owners(None) == ()


def test_a_users_copy_in_the_telegeography_layout(tmp_path: Path, network: Network) -> None:
    source = Path(network.dataset.path)
    target = tmp_path / "tg"
    (target / "cable").mkdir(parents=True)
    (target / "landing-point").mkdir()
    cables = json.loads((source / "cable" / "cables.json").read_text(encoding="utf-8"))
    keep = {k: cables[k] for k in ("tonga-cable", "tonga-domestic-cable-extension-tdce", "southern-cross-next")}
    (target / "cable" / "cables.json").write_text(json.dumps(keep), encoding="utf-8")
    shutil.copy(source / "landing-point" / "landing-point-geo.json", target / "landing-point")
    (target / "dataset.yaml").write_text("name: my licensed copy\ndata_date: 2026-01-31\nlicence: licensed\n"
                                         "attribution: TeleGeography (licensed)\n", encoding="utf-8")
    mine = load_network(target)
    assert sorted(mine.cables) == sorted(keep)
    assert mine.dataset.name == "my licensed copy" and mine.dataset.data_date == "2026-01-31"
    assert any("cable-geo.json" in w for w in mine.warnings)  # routes unknown, said so
    result = pair_cut(apply(mine, Scenario()), "TO", "FJ")
    assert result.min_cut == 1 and result.cut_cables == ["tonga-cable"]


def test_csv_layout(ring: Network) -> None:
    assert ring.dataset.layout == "csv"
    assert ring.landing_points["b1"].country == "TW"
    view = apply(ring, Scenario())
    assert pair_cut(view, "JP", "PH").min_cut == 3  # abc, ab-bc, da-cd
    assert pair_cut(view, "JP", "TW").min_cut == 3  # abc, ab, da-cd-bc


def test_environment_variable_points_at_other_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    assert default_data_dir() == tmp_path / "nowhere"
    with pytest.raises(NotFoundError) as error:
        load_network()
    message = str(error.value)
    assert ENV_VAR in message and "--data" in message and "data-noncommercial/cables" in message


def test_csv_errors_name_file_line_and_field(tmp_path: Path) -> None:
    points = [("a1", "JP", 35.0, 140.0), ("b1", "TW", 25.0, 121.5)]
    directory = write_csv_dataset(tmp_path / "bad", points, [("ab", ["a1", "b1"]), ("ax", ["a1", "zz"])])
    with pytest.raises(InputError) as error:
        load_network(directory)
    assert error.value.line == 3 and error.value.field == "landing_points"
    assert error.value.path == str(directory.resolve() / "cables.csv")

    directory = write_csv_dataset(tmp_path / "country", [("a1", "Atlantis", 0, 0)], [])
    with pytest.raises(InputError) as error:
        load_network(directory)
    assert (error.value.line, error.value.field) == (2, "country")

    directory = write_csv_dataset(tmp_path / "lat", [("a1", "JP", 95.0, 0)], [])
    with pytest.raises(InputError, match="latitude"):
        load_network(directory)

    directory = tmp_path / "columns"
    directory.mkdir()
    (directory / "landing_points.csv").write_text("id,name\na1,A\n", encoding="utf-8")
    (directory / "cables.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_network(directory)
    assert (error.value.line, error.value.field) == (1, "country")


def test_planned_column_is_a_yes_no_cell(tmp_path: Path) -> None:
    points = [("a1", "JP", 35.0, 140.0), ("b1", "TW", 25.0, 121.5)]
    directory = write_csv_dataset(tmp_path / "planned", points, [("ab", ["a1", "b1"]), ("ba", ["b1", "a1"])])
    text = (directory / "cables.csv").read_text(encoding="utf-8").splitlines()
    text[1], text[2] = text[1].replace(",false,", ",Yes,"), text[2].replace(",false,", ",n,")
    (directory / "cables.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    network = load_network(directory)
    assert (network.cables["ab"].is_planned, network.cables["ba"].is_planned) == (True, False)
    bad = write_csv_dataset(tmp_path / "soon", points, [])  # a new directory: networks are cached per path
    (bad / "cables.csv").write_text("\n".join([*text[:2], text[2].replace(",n,", ",soon,")]) + "\n",
                                    encoding="utf-8")
    with pytest.raises(InputError, match="not yes or no") as error:
        load_network(bad)
    assert (error.value.line, error.value.field) == (3, "planned")


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "tg" / "cable").mkdir(parents=True)
    (tmp_path / "tg" / "cable" / "cables.json").write_text('{\n  "x": {\n  oops\n}', encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_network(tmp_path / "tg")
    assert error.value.line == 3


def test_noncommercial_data_stays_out_of_the_wheel() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]
    wheel = config["targets"]["wheel"]
    assert wheel["packages"] == ["src/kizuna"]
    assert set(wheel["force-include"]) == {"data"}  # data-noncommercial/ is never force-included
    assert not list((ROOT / "src").rglob("cables.json")) and not (ROOT / "data" / "cables" / "cable").exists()
