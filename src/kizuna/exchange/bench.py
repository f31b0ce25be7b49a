"""``kizuna bench exchange``: two real nodes on loopback, an initial sync, an incremental sync, and, in the same
run, the cost of re-downloading everything (what a MISP pull does) for comparison."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kizuna.core.party import Party
from kizuna.core.paths import home_at
from kizuna.exchange import objects
from kizuna.exchange.node import Node
from kizuna.exchange.sync import sync_peer

_CHUNK = 5_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        if process.poll() is not None:
            raise RuntimeError("the benchmark's sending node did not start")
        time.sleep(0.1)
    raise RuntimeError("the benchmark's sending node did not start in 60 s")


def _denials(node: Node, count: int, start: int) -> Iterator[list[dict[str, Any]]]:
    """Distinct, valid denials: one built and validated with stix2, the rest copies with new ids and parties."""
    markings = node.markings("amber", ["USA"])
    template = objects.new_denial(creator=node.identity_id, codes=["3B001.f.1.b"], item="ArF immersion scanner",
                                  end_user=Party("Bench End User 0", country="CN"), denial_date="2026-01-15",
                                  end_use="bench", reason="bench", markings=markings)
    objects.validate(template)
    batch: list[dict[str, Any]] = []
    for n in range(start, start + count):
        obj = copy.deepcopy(template)
        obj["id"] = f"{objects.DENIAL}--{uuid.uuid4()}"
        obj["end_user"]["name"] = f"Bench End User {n}"
        batch.append(obj)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def run(count: int, incremental: int, page_size: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Run the benchmark and return the rows to print (label, objects, seconds)."""
    with tempfile.TemporaryDirectory(prefix="kizuna-bench-") as tmp:
        sender_home, receiver_home = Path(tmp) / "jp", Path(tmp) / "us"
        port = _free_port()
        with home_at(sender_home):
            sender = Node.init("Bench sender (JP)", "JPN", f"http://127.0.0.1:{port}")
        with home_at(receiver_home):
            receiver = Node.init("Bench receiver (US)", "USA", "http://127.0.0.1:1")
            receiver.add_peer(sender.card())
        with home_at(sender_home):
            sender.add_peer(receiver.card())
            say(f"creating {count:,} signed denials at the sending node …")
            for batch in _denials(sender, count, 0):
                sender.create_many(batch, "bench", validate=False)
        kizuna = str(Path(sys.executable).parent / "kizuna")
        server = subprocess.Popen([kizuna, "exchange", "serve", "--port", str(port)],
                                  env={**os.environ, "KIZUNA_HOME": str(sender_home)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(port, server)
            with home_at(receiver_home):
                peer = receiver.peer(sender.identity_id)
                say("initial sync …")
                first = sync_peer(receiver, peer, page_size)
                with home_at(sender_home):
                    for batch in _denials(sender, incremental, count):
                        sender.create_many(batch, "bench", validate=False)
                say("incremental sync …")
                second = sync_peer(receiver, receiver.peer(sender.identity_id), page_size)
                say("full re-download (cursor reset, as a MISP pull does) …")
                third = sync_peer(receiver, dataclasses.replace(receiver.peer(sender.identity_id), cursor=None),
                                  page_size)
                held = receiver.count()
        finally:
            server.terminate()
            server.wait(timeout=30)
            sender.close()
            receiver.close()
    total = count + incremental
    fetched_again = total
    rows = [
        (f"initial sync ({first.pages} pages of {page_size:,})", first.received, first.seconds),
        (f"incremental sync of new objects ({second.pages} page{'s' if second.pages != 1 else ''})", second.received,
         second.seconds),
        (f"full re-download instead (MISP-style pull, {third.pages} pages; 0 new stored)", fetched_again,
         third.seconds),
    ]
    ratio = third.seconds / second.seconds if second.seconds else float("inf")
    summary = (f"receiver holds {held:,} objects (expected {total + 1:,} with its own identity); the incremental "
               f"sync moved {second.received:,} objects in {second.seconds:.2f} s, a full re-download moves "
               f"{fetched_again:,} in {third.seconds:.2f} s: {ratio:,.0f}× the time for the same result")
    return {"rows": rows, "summary": summary, "backend": receiver.db.kind}
