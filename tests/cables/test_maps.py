"""Maps: the HTML map works offline (Leaflet inlined, no CDN), the PNG draws the cut set."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from kizuna.cables.analysis import pair_cut
from kizuna.cables.maps import features, write_map
from kizuna.cables.model import Network
from kizuna.cables.scenario import Scenario, apply
from kizuna.core.errors import InputError


def test_features_mark_trust_failures_and_the_cut(network: Network) -> None:
    view = apply(network, Scenario(corridors=("luzon",)))
    cut = set(pair_cut(view, "JP", "TW").cut_cables)
    data = features(view, cut)
    cables = {f["properties"]["id"]: f["properties"] for f in data["features"] if f["properties"]["kind"] == "cable"}
    assert cables["seamewe-3"]["status"] == "down" and "Luzon" in cables["seamewe-3"]["why"]
    assert cables["taiwan-strait-express-1-tse-1"]["status"] == "concern"
    assert cables["pacific-light-cable-network-plcn"]["status"] == "trusted"
    assert {k for k, v in cables.items() if v["cut"]} == cut
    assert any(f["properties"]["kind"] == "corridor" for f in data["features"])
    # No segment jumps across the map (longitudes are shifted to keep the Pacific whole).
    for f in data["features"]:
        if f["properties"]["kind"] == "cable":
            for line in f["geometry"]["coordinates"]:
                assert all(abs(a[0] - b[0]) <= 180 for a, b in itertools.pairwise(line))


def test_html_map_is_self_contained(tmp_path: Path, network: Network) -> None:
    view = apply(network, Scenario())
    path = write_map(view, tmp_path / "map.html", set(pair_cut(view, "JP", "TW").cut_cables), "Japan–Taiwan")
    text = path.read_text(encoding="utf-8")
    assert "Leaflet 1.9.4" in text or "leafletjs.com" in text  # the vendored library, inlined
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"?https?:", text)
    assert "unpkg" not in text and "cdnjs" not in text and "jsdelivr" not in text
    assert "TeleGeography" in text and "kizunaCableMap" in text


def test_png_map(tmp_path: Path, network: Network) -> None:
    view = apply(network, Scenario(exclude_concern=True))
    path = write_map(view, tmp_path / "map.png", set(pair_cut(view, "JP", "US").cut_cables))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100_000


def test_map_needs_html_or_png(tmp_path: Path, network: Network) -> None:
    with pytest.raises(InputError, match=r"\.html or \.png"):
        write_map(apply(network, Scenario()), tmp_path / "map.svg")
