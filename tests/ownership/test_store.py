"""The ownership store on the database layer: graphs that Kizuna 45fbcb3 kept as JSON files are imported on upgrade
(the files stay as a backup), a bad file stops the upgrade and names itself, and saves are transactional."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kizuna.core import db as layer
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import home_at
from kizuna.ownership.load import load_file
from kizuna.ownership.model import Graph
from kizuna.ownership.store import list_graphs, load_and_save, open_graph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD_GRAPHS = FIXTURES / "db" / "ownership-45fbcb3" / "graphs"


def old_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(OLD_GRAPHS, home / "ownership" / "graphs")
    return home


def test_json_graphs_of_45fbcb3_are_imported_on_upgrade(tmp_path: Path) -> None:
    home = old_home(tmp_path)
    backup = {p.name: p.read_bytes() for p in (home / "ownership" / "graphs").iterdir()}
    with home_at(home):
        stored = list_graphs()
        assert [(g.name, g.parties, g.edges) for g in stored] == [("cross", 3, 3), ("deal", 8, 9)]
        for name in ("deal", "cross"):
            saved = json.loads((OLD_GRAPHS / f"{name}.json").read_text(encoding="utf-8"))
            assert open_graph(name).to_dict() == Graph.from_dict(saved["graph"]).to_dict()
            assert next(g for g in stored if g.name == name).sha256 == saved["info"]["sha256"]
        # The JSON files are left as they were, a backup; loading again does not import them twice.
        assert {p.name: p.read_bytes() for p in (home / "ownership" / "graphs").iterdir()} == backup
        assert len(list_graphs()) == 2
        engine = layer.engine(str(home / "ownership" / "ownership.db"))
        with engine.connect() as connection:
            assert layer.current(connection, "ownership") == layer.head("ownership")


def test_unreadable_json_graph_stops_the_upgrade_and_names_the_file(tmp_path: Path) -> None:
    home = old_home(tmp_path)
    broken = home / "ownership" / "graphs" / "broken.json"
    broken.write_text('{"info": {"name": "broken"', encoding="utf-8")
    with home_at(home):
        with pytest.raises(InputError, match=r"broken\.json"):
            list_graphs()
        broken.unlink()  # the user removes (or repairs) it, and the upgrade goes through with every other graph
        assert [g.name for g in list_graphs()] == ["cross", "deal"]


def test_save_replaces_a_graph_and_a_failed_load_keeps_it(tmp_path: Path) -> None:
    graphs = FIXTURES / "ownership" / "graphs"
    with home_at(tmp_path):
        load_and_save(graphs / "deal.csv", "deal")
        load_and_save(graphs / "cross.csv", "deal")
        assert [(g.name, g.parties) for g in list_graphs()] == [("deal", 3)]
        bad = tmp_path / "bad.csv"
        bad.write_text("not,a,graph\n", encoding="utf-8")
        with pytest.raises(InputError):
            load_and_save(bad, "deal")
        assert open_graph("deal").to_dict() == load_file(graphs / "cross.csv").to_dict()
        with pytest.raises(NotFoundError, match="no loaded graph 'other'"):
            open_graph("other")
