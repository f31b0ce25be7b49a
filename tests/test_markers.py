"""The conftest hook that marks tests by what they start, so `make check` leaves out the slow layers."""

from __future__ import annotations

import subprocess
import types
from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import _code_marks, kizuna
from tests.conftest import _marks as item_marks


def _marks(function: types.FunctionType) -> set[str]:
    return _code_marks(function.__code__, function.__globals__)


def _runs_the_command(home: Path) -> None:
    kizuna("--help", home=home)


def _through_a_helper(home: Path) -> None:
    _runs_the_command(home)


def _in_a_nested_function(node: Any) -> None:
    def later() -> None:
        node.serve()
    later()


def _in_process(screener: Any) -> None:
    screener.screen("Huawei")


@pytest.mark.parametrize(("function", "marks"), [
    (_runs_the_command, {"slow"}),
    (_through_a_helper, {"slow"}),
    (_in_a_nested_function, {"network"}),
    (lambda node: (node.cli("denial", "list"), node.sync()), {"slow", "network"}),
    (lambda: subprocess.run(["true"], check=True), {"slow"}),
    (_in_process, set()),
])
def test_calls_that_start_processes_mark_the_test(function: types.FunctionType, marks: set[str]) -> None:
    assert _marks(function) == marks


@pytest.mark.parametrize(("fixtures", "params", "marks"), [
    (["page", "live_server"], {}, {"browser"}),
    (["nodes", "backend"], {"backend": "postgresql"}, {"postgres"}),
    (["nodes", "backend"], {"backend": "sqlite"}, set()),
])
def test_fixtures_and_parameters_mark_the_test(fixtures: list[str], params: dict[str, str], marks: set[str]) -> None:
    item = types.SimpleNamespace(fixturenames=fixtures, callspec=types.SimpleNamespace(params=params),
                                 function=_in_process, _fixtureinfo=None)
    assert item_marks(cast(pytest.Item, item)) == marks  # a stand-in with the attributes the hook reads
