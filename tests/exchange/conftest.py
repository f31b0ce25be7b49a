"""Exchange fixtures: nodes in their own data directories, real ``kizuna exchange serve`` processes, and a
temporary PostgreSQL cluster so the same tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kizuna.core.party import Party
from kizuna.core.paths import home_at
from kizuna.exchange import objects
from kizuna.exchange.markings import rel_to_definition
from tests.conftest import free_port

KIZUNA = str(Path(sys.executable).parent / "kizuna")
ROOT_DATA = Path(__file__).resolve().parents[2] / "data"
BACKENDS = ["sqlite", "postgresql"]


# -- PostgreSQL ------------------------------------------------------------------------------------

def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass
class Postgres:
    url: str

    def new_database(self) -> str:
        """A fresh, empty database on the test cluster."""
        import psycopg

        name = f"kz_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return f"{self.url}/{name}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A temporary PostgreSQL cluster on a free loopback port, stopped at the end of the session."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: run `make system-deps` (installs Debian's postgresql)")
    directory = Path(tempfile.mkdtemp(prefix="kizuna-pg-"))
    as_root = os.geteuid() == 0
    # PostgreSQL refuses to run as root: run it as the postgres user, which must own its directory.
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(directory, "postgres", "postgres")
    data, sockets, log = directory / "data", directory / "sock", directory / "log"
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale", "C"], check=True, capture_output=True)
    subprocess.run([*prefix, "mkdir", str(sockets)], check=True)
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    started = subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                              "-w", "-t", "60", "start"], capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr}\n{log.read_text() if log.exists() else ''}")
    try:
        yield Postgres(f"postgresql://postgres@127.0.0.1:{port}")
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Callable[[], str | None]:
    """A factory of database URLs: None (SQLite in the node's directory) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return lambda: None
    server: Postgres = request.getfixturevalue("postgres")
    return server.new_database


# -- nodes -----------------------------------------------------------------------------------------

AGENCIES = {
    "US": ("Bureau of Industry and Security", "USA"),
    "JP": ("Ministry of Economy, Trade and Industry", "JPN"),
    "KR": ("Ministry of Trade, Industry and Energy", "KOR"),
    "TW": ("International Trade Administration", "TWN"),
    "DE": ("Federal Office for Economic Affairs and Export Control", "DEU"),
}


@dataclass
class AgencyNode:
    """A node's data directory, its open ``Node`` (for assertions on its store) and, when served, its process."""

    code: str
    home: Path
    port: int
    node: Any
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([KIZUNA, *args], capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "KIZUNA_HOME": str(self.home), "COLUMNS": "200"})
        if check and result.returncode != 0:
            raise AssertionError(f"kizuna {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n"
                                 f"{result.stderr}")
        return result

    def serve(self, wait: bool = True, *options: str) -> None:
        self.process = subprocess.Popen([KIZUNA, "exchange", "serve", "--port", str(self.port), *options],
                                        env={**os.environ, "KIZUNA_HOME": str(self.home)},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if wait:
            wait_for_port(self.port, self.process)

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(timeout=20)
        self.process = None

    def sync(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.cli("exchange", "sync", *args)


def serve_all(agencies: list[AgencyNode]) -> None:
    """Start every node's server at once, then wait for all of them."""
    for agency in agencies:
        agency.serve(wait=False)
    for agency in agencies:
        assert agency.process is not None
        wait_for_port(agency.port, agency.process)


def sync_all(agencies: list[AgencyNode], *args: str) -> list[str]:
    """``kizuna exchange sync`` at several agencies at once (they sync independently); their outputs."""
    running = [subprocess.Popen([KIZUNA, "exchange", "sync", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, "KIZUNA_HOME": str(a.home), "COLUMNS": "200"})
               for a in agencies]
    outputs = []
    for process in running:
        out, err = process.communicate(timeout=120)
        if process.returncode != 0:
            raise AssertionError(f"sync failed ({process.returncode}): {out}\n{err}")
        outputs.append(out)
    return outputs


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "node exited")
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"node on port {port} did not start")


def make_node(base: Path, code: str, db_url: str | None = None, accreditation: str = "UNCLASSIFIED") -> AgencyNode:
    """Initialise an agency's node in ``base/code`` (in-process, as ``kizuna exchange init`` does)."""
    from kizuna.exchange.node import Node

    name, country = AGENCIES[code]
    home = base / code.lower()
    port = free_port()
    with home_at(home):
        node = Node.init(name, country, f"http://127.0.0.1:{port}", db_url, accreditation)
    return AgencyNode(code, home, port, node)


def link(nodes: list[AgencyNode], max_classification: str = "UNCLASSIFIED") -> None:
    """Every node trusts every other node's card."""
    for a in nodes:
        for b in nodes:
            if a is not b:
                a.node.add_peer(b.node.card(), max_classification)


def sync_in_process(receiver: AgencyNode, sender: AgencyNode, page_size: int | None = None) -> Any:
    """One node pulls from another without HTTP: the sender's filtered view, then the receiver's checks."""
    from kizuna.exchange import audit
    from kizuna.exchange.sync import SyncReport, receive_checkpoints, receive_page
    from kizuna.exchange.taxii import checkpoints, view

    report = SyncReport(sender.code)
    as_receiver = sender.node.peer(receiver.node.identity_id)
    peer = receiver.node.peer(sender.node.identity_id)
    after = peer.cursor
    while True:
        page = view(sender.node, as_receiver, added_after=after, limit=page_size)
        receive_page(receiver.node, peer, page.objects, page.last_added or peer.cursor, report)
        peer = receiver.node.peer(sender.node.identity_id)
        if not page.more:
            held = audit.held_checkpoints(receiver.node.db, peer.identity)
            receive_checkpoints(receiver.node, peer, checkpoints(sender.node, max((c.seq for c in held), default=0)))
            return report
        after = page.envelope()["next"]


# nodes(*codes, linked=True, level="UNCLASSIFIED") -> the made nodes, in the order of the codes.
MakeNodes = Callable[..., list[AgencyNode]]


@pytest.fixture()
def nodes(tmp_path: Path, backend: Callable[[], str | None]) -> Iterator[MakeNodes]:
    """Make linked nodes for a test on the parametrised backend; closed afterwards."""
    made: list[AgencyNode] = []

    def factory(*codes: str, linked: bool = True, level: str = "UNCLASSIFIED") -> list[AgencyNode]:
        """Nodes accredited up to ``level`` and, when linked, releasing to each other up to it."""
        out = [make_node(tmp_path, code, backend(), level) for code in codes]
        made.extend(out)
        if linked:
            link(out, level)
        return out

    yield factory
    for n in made:
        n.stop()
        n.node.close()


def add_denial(n: AgencyNode, end_user: str = "Shenzhen Precision Optics Co., Ltd.", rel_to: list[str] | None = None,
               tlp: str = "amber", address_to: list[str] | None = None, code: str = "3B001.f.1.b",
               classification: str | None = None, address: str = "9 Gaoxin Road, Shenzhen") -> dict:
    """A denial created at ``n`` (REL TO USA, KOR unless ``rel_to``); ``address_to`` marks the end user's address
    releasable to those countries only."""
    node = n.node
    granular = None
    if address_to:
        definition = rel_to_definition(sorted({*address_to, node.country}))
        node.save_definitions([definition])
        granular = [{"marking_ref": definition["id"], "selectors": ["end_user.address"]}]
    obj = objects.new_denial(creator=node.identity_id, codes=[code], item="ArF immersion scanner",
                             end_user=Party(end_user, country="CN", addresses=[address]),
                             denial_date="2026-10-01", reason="military end use",
                             markings=node.markings(tlp, rel_to if rel_to is not None else ["USA", "KOR"],
                                                    classification),
                             granular=granular)
    return node.create(obj, "test")
