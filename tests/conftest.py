"""Shared fixtures: a data directory with the bundled lists loaded, a live server, a headless browser."""

from __future__ import annotations

import dis
import os
import socket
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from hypothesis import settings

from tests.home_template import copy_or_build

if TYPE_CHECKING:
    from distributed import LocalCluster
    from playwright.sync_api import Browser, FloatRect, Locator, Page

    from kizuna.screening.screener import Screener

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED = ROOT / "data"

T = TypeVar("T")

# CI must pass or fail the same way twice: property tests draw the same examples on every run unless
# HYPOTHESIS_PROFILE=explore asks for new ones (what a developer runs to look for counter-examples).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_configure(config: pytest.Config) -> None:
    # A test that forgets its fixture must never read or write the user's own data directory.
    os.environ["KIZUNA_HOME"] = tempfile.mkdtemp(prefix="kizuna-test-home-")


@pytest.fixture(scope="session")
def kizuna_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding the bundled snapshot and its screening index, shared by the session."""
    home = tmp_path_factory.mktemp("kizuna-home")
    previous = os.environ.get("KIZUNA_HOME")
    os.environ["KIZUNA_HOME"] = str(home)
    copy_or_build(home, "lists")
    yield home
    if previous is None:
        os.environ.pop("KIZUNA_HOME", None)
    else:
        os.environ["KIZUNA_HOME"] = previous


@pytest.fixture()
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory for tests that load or update lists themselves."""
    home = tmp_path / "home"
    monkeypatch.setenv("KIZUNA_HOME", str(home))
    return home


@pytest.fixture()
def bundled_home(kizuna_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory of the test's own holding the bundled snapshot, for tests that update or change it."""
    home = tmp_path / "home"
    copy_or_build(home, "lists")
    monkeypatch.setenv("KIZUNA_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def dask_cluster(kizuna_home: Path) -> Iterator[LocalCluster]:
    """A real Dask LocalCluster of three single-threaded worker processes, for the module's tests."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def screener(kizuna_home: Path) -> Screener:
    from kizuna.screening.service import get_screener

    return get_screener()


def kizuna(*args: str, home: Path, check: bool = True, timeout: float = 120,
           env: dict[str, str] | None = None, input: str = "") -> subprocess.CompletedProcess[str]:
    """Run the installed ``kizuna`` command as a user would, with ``input`` on its standard input (a pipe, never
    the terminal: a command that asks for a password reads it from there)."""
    command = [str(Path(sys.executable).parent / "kizuna"), *args]
    environment = {**os.environ, "KIZUNA_HOME": str(home), "COLUMNS": "200", **(env or {})}
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment, input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"kizuna {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(kizuna_home: Path) -> Iterator[str]:
    """``kizuna serve`` on a free loopback port, as a separate process."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "kizuna"), "serve", "--port", str(port)],
        env={**os.environ, "KIZUNA_HOME": str(kizuna_home)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode() if process.stderr else "server exited") from None
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download cannot work offline)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("KIZUNA_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: run `make system-deps` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under screenshots/ (git-ignored) for a human to look at."""
    target = ROOT / "screenshots" / f"{name}.png"
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


def bounds(locator: Locator) -> FloatRect:
    """Where the browser drew ``locator``'s element; it must be drawn."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not drawn"
    return box


def present(value: T | None) -> T:
    """``value``, which the test expects to be there (an optional field of a parsed document)."""
    assert value is not None
    return value


# -- markers: what a test needs, found from its fixtures and its code --------------------------------------------
# `make check` leaves out the slow end-to-end layers; new tests are classified by what they use, not by hand.
FIXTURE_MARKS = {"browser": "browser", "page": "browser", "postgres": "postgres", "dask_cluster": "slow"}
# Methods of the exchange tests' AgencyNode: `cli` runs the installed command, `serve` and `sync` run node
# processes that talk over loopback HTTP.
ATTRIBUTE_MARKS = {"cli": "slow", "serve": "network", "sync": "network"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for mark in sorted(_marks(item)):
            item.add_marker(getattr(pytest.mark, mark))


def _marks(item: pytest.Item) -> set[str]:
    """browser, postgres, network and slow, from the fixtures a test uses (and their code) and its own code."""
    marks = {FIXTURE_MARKS[name] for name in getattr(item, "fixturenames", ()) if name in FIXTURE_MARKS}
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("backend") == "postgresql":
        marks.add("postgres")
    function = getattr(item, "function", None)
    if function is not None:
        marks |= _code_marks(function.__code__, function.__globals__)
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info is not None else ()):
        fixture = definitions[-1].func
        if getattr(fixture, "__module__", "").startswith("tests"):
            marks |= _code_marks(fixture.__code__, fixture.__globals__)
    return marks


def _code_marks(code: types.CodeType, names: dict[str, object], seen: set[types.CodeType] | None = None) -> set[str]:
    """What ``code`` (with nested functions and the tests' own helpers it calls) starts: a ``kizuna`` subprocess
    or any subprocess is slow; a node server or sync is network."""
    seen = set() if seen is None else seen
    if code in seen:
        return set()
    seen.add(code)
    marks: set[str] = set()
    for instruction in dis.get_instructions(code):
        name = instruction.argval
        if instruction.opname in ("LOAD_ATTR", "LOAD_METHOD") and name in ATTRIBUTE_MARKS:
            marks.add(ATTRIBUTE_MARKS[name])
        elif instruction.opname == "LOAD_GLOBAL" and isinstance(name, str):
            value = names.get(name)
            if value is subprocess or value is kizuna:
                marks.add("slow")
            elif (isinstance(value, types.FunctionType) and value.__module__.startswith("tests")
                  and value.__module__ != "tests.home_template"):  # its one build per code change is not the test
                marks |= _code_marks(value.__code__, value.__globals__, seen)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            marks |= _code_marks(constant, names, seen)
    return marks
