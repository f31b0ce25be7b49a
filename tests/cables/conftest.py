"""Fixtures for the cable tests: the default dataset (the repository's non-commercial copy) and small
hand-built datasets in the CSV layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.cables.loader import load_network
from kizuna.cables.model import Network


@pytest.fixture(scope="session")
def network() -> Network:
    """TeleGeography's open data of 2022-11-10, as the demo loads it."""
    return load_network()


def write_csv_dataset(directory: Path, points: list[tuple[str, str, float, float]],
                      cables: list[tuple[str, list[str]]], extra: dict[str, str] | None = None) -> Path:
    """A dataset in the CSV layout: points are (id, country, lat, lon), cables (id, landing ids)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["id,name,country,lat,lon"] + [f"{i},{i},{c},{lat},{lon}" for i, c, lat, lon in points]
    (directory / "landing_points.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["id,name,landing_points,owners,suppliers,rfs_year,planned,length_km"]
    for cable_id, landings in cables:
        owners = (extra or {}).get(cable_id, "")
        rows.append(f"{cable_id},Cable {cable_id},{';'.join(landings)},{owners},,2010,false,1000")
    (directory / "cables.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return directory


@pytest.fixture()
def ring(tmp_path: Path) -> Network:
    """Four places on a ring of four two-landing cables, plus one three-landing cable A-B-C.

    A-B (ab), B-C (bc), C-D (cd), D-A (da), A-B-C (abc).
    """
    points = [("a1", "JP", 35.0, 140.0), ("b1", "TW", 25.0, 121.5), ("c1", "PH", 14.0, 121.0),
              ("d1", "GU", 13.4, 144.7)]
    cables = [("ab", ["a1", "b1"]), ("bc", ["b1", "c1"]), ("cd", ["c1", "d1"]), ("da", ["d1", "a1"]),
              ("abc", ["a1", "b1", "c1"])]
    return load_network(write_csv_dataset(tmp_path / "ring", points, cables))
