"""Maps: the HTML map works offline (Leaflet inlined, no CDN), the PNG draws the cut set."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.image import imread

from kizuna.cables.analysis import pair_cut
from kizuna.cables.maps import COLOURS, LABELS, features, write_map
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


def _drawn_figure(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """The figures write_png draws, kept when it closes them."""
    import matplotlib.pyplot as plt

    drawn: list[Figure] = []
    close = plt.close

    def keep(fig: Figure) -> None:
        drawn.append(fig)
        close(fig)

    monkeypatch.setattr(plt, "close", keep)
    return drawn


def _segments(lines: list[list[list[float]]]) -> set[tuple[tuple[float, float], ...]]:
    return {tuple((round(x, 6), round(y, 6)) for x, y in line) for line in lines}


def test_png_map_draws_exactly_the_cut_set_on_top(tmp_path: Path, network: Network,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    view = apply(network, Scenario(exclude_concern=True))
    cut = set(pair_cut(view, "JP", "US").cut_cables)
    drawn = _drawn_figure(monkeypatch)
    path = write_map(view, tmp_path / "map.png", cut)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    [fig] = drawn
    [ax] = fig.axes
    layers = {to_hex(np.asarray(c.get_edgecolor())[0]): c for c in ax.collections if isinstance(c, LineCollection)}
    cut_layer = layers.pop(COLOURS["cut"])
    # The orange, thick layer is the cut set's routes and nothing else; no other layer draws a cut cable.
    routes = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in features(view, cut)["features"]
              if f["properties"]["kind"] == "cable"}
    assert cut and cut <= routes.keys()
    cut_lines = _segments([line for cable in cut for line in routes[cable]])
    assert _segments([s.tolist() for s in cut_layer.get_segments()]) == cut_lines
    assert np.asarray(cut_layer.get_linewidth())[0] == 3.0
    assert cut_layer.get_zorder() > max(c.get_zorder() for c in layers.values())
    elsewhere = _segments([s.tolist() for layer in layers.values() for s in layer.get_segments()])
    assert not elsewhere & cut_lines
    legend = ax.get_legend()
    assert legend is not None and LABELS["cut"] in [text.get_text() for text in legend.get_texts()]
    # And the saved image shows it: pixels of the cut colour.
    pixels = (imread(path)[:, :, :3] * 255).round().astype(int).reshape(-1, 3)
    orange = tuple(int(COLOURS["cut"][i:i + 2], 16) for i in (1, 3, 5))
    assert ((pixels == orange).all(axis=1)).sum() > 500


def test_map_needs_html_or_png(tmp_path: Path, network: Network) -> None:
    with pytest.raises(InputError, match=r"\.html or \.png"):
        write_map(apply(network, Scenario()), tmp_path / "map.svg")
