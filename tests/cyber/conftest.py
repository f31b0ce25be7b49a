"""Fixtures for the cyber tests: answer files written from the bundled catalog, stores in fresh data directories."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from kizuna.cyber.answers import Answer, AnswerSet, Status
from kizuna.cyber.catalog import REV2, load_catalog
from kizuna.cyber.rules import load_rules

WriteAnswers = Callable[..., Path]


def requirement_rows(overrides: dict[str, str] | None = None, default: str = "met") -> list[tuple[str, str]]:
    """(requirement_id, status) for all 110 Rev 2 requirements: ``default`` except the ``overrides``."""
    overrides = overrides or {}
    return [(rid, overrides.get(rid, default)) for rid in load_rules().weights]


@pytest.fixture()
def requirement_csv(tmp_path: Path) -> WriteAnswers:
    """Write a requirement-level CSV (requirement_id,status[,poam]) and return its path."""
    def write(overrides: dict[str, str] | None = None, default: str = "met", name: str = "answers.csv",
              poam: set[str] | None = None) -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["requirement_id", "status", *(["poam"] if poam is not None else [])])
            for rid, status in requirement_rows(overrides, default):
                writer.writerow([rid, status, *(["yes" if rid in poam else "no"] if poam is not None else [])])
        return path
    return write


def answer_set(overrides: dict[str, Status] | None = None, default: Status = Status.MET,
               partial: set[str] | None = None, poam: set[str] | None = None) -> AnswerSet:
    """Objective-level answers: ``default`` everywhere, ``overrides`` by objective or by whole requirement."""
    catalog = load_catalog(REV2)
    overrides = overrides or {}
    answers = AnswerSet(REV2, partial=set(partial or ()), poam=poam)
    for objective in catalog.objectives.values():
        status = overrides.get(objective.id, overrides.get(objective.requirement_id, default))
        answers.answers[objective.id] = Answer(objective.id, status)
    return answers


@pytest.fixture()
def cyber_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory for tests that need no screening lists."""
    home = tmp_path / "home"
    monkeypatch.setenv("KIZUNA_HOME", str(home))
    return home
