"""Text and tables may be gzip-compressed (a bundled ROR file ships so); a gzip bomb is refused."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest

from kizuna.core import limits as limits_module
from kizuna.core.errors import InputError
from kizuna.core.tables import read_table
from kizuna.core.text import read_text


def test_a_gzip_csv_is_read_like_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv.gz"
    path.write_bytes(gzip.compress("name,city\n東京大学,Tokyo\n".encode()))
    table = read_table(path)
    assert table.header == ["name", "city"]
    assert list(table.records()) == [(2, {"name": "東京大学", "city": "Tokyo"})]


def test_a_broken_gzip_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08not gzip")
    with pytest.raises(InputError, match=r"broken\.csv\.gz"):
        read_text(path)


def test_a_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"a" * 10_000))
    small = dataclasses.replace(limits_module.limits(), xlsx_max_part_bytes=1000, xlsx_max_total_bytes=1000)
    monkeypatch.setattr("kizuna.core.text.limits", lambda: small)
    with pytest.raises(InputError, match="inflates to more than 1,000 bytes"):
        read_text(path)
