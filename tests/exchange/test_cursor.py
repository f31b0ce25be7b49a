"""Issue 11, item 5: a proxy that rewrites only the sync cursor header must not move a peer's cursor.

The attack: a loopback proxy between the US and JP nodes forwards everything and rewrites
``X-TAXII-Date-Added-Last`` to 2099. Before the fix the US stored a 2099 cursor and never again received a
revocation or a new denial from JP.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kizuna.core.party import Party
from kizuna.exchange import objects
from kizuna.exchange.sync import SyncError, sync_peer
from tests.exchange.conftest import AgencyNode, MakeNodes

FUTURE = "2099-01-01T00:00:00.000000Z"


@contextmanager
def rewriting_proxy(upstream_port: int, rewrite: Callable[[str, str], str]) -> Iterator[int]:
    """A loopback HTTP proxy to ``upstream_port`` that passes every byte on except headers ``rewrite`` changes."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
            upstream.request("GET", self.path, headers={k: v for k, v in self.headers.items()})
            response = upstream.getresponse()
            body = response.read()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("content-length", "connection", "date", "server"):
                    self.send_header(name, rewrite(name, value))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            upstream.close()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _to_future(name: str, value: str) -> str:
    return FUTURE if name.lower() == "x-taxii-date-added-last" else value


def _denial(jp: AgencyNode, end_user: str) -> dict:
    node = jp.node
    return node.create(objects.new_denial(creator=node.identity_id, codes=["3B001.f.1.b"], item="scanner",
                                          end_user=Party(end_user, country="CN"), denial_date="2026-08-01",
                                          markings=node.markings("amber", ["USA"])), "test")


def _point_at(us: AgencyNode, jp: AgencyNode, port: int) -> None:
    with us.node.db.transaction():
        us.node.db.execute("UPDATE peers SET url = ? WHERE identity = ?", (f"http://127.0.0.1:{port}",
                                                                            jp.node.identity_id))


def test_a_rewritten_cursor_header_is_refused_and_later_changes_still_arrive(nodes: MakeNodes) -> None:
    jp, us = nodes("JP", "US")
    first = _denial(jp, "Harbin Institute of Technology")
    jp.serve()
    with rewriting_proxy(jp.port, _to_future) as port:
        _point_at(us, jp, port)
        with pytest.raises(SyncError, match="not signed by the peer's key"):
            sync_peer(us.node, us.node.peer(jp.node.identity_id))
    peer = us.node.peer(jp.node.identity_id)
    assert peer.cursor is None and us.node.get(first["id"]) is None  # nothing stored from the forged answer
    _point_at(us, jp, jp.port)
    sync_peer(us.node, us.node.peer(jp.node.identity_id))
    assert us.node.get(first["id"]) is not None
    # A revocation and a new denial still reach the US afterwards.
    jp.node.revise(first["id"], {"status": "revoked", "status_reason": "appeal", "revoked": True}, "test", "revoked")
    second = _denial(jp, "Shenzhen Precision Optics")
    report = sync_peer(us.node, us.node.peer(jp.node.identity_id))
    assert report.received == 2
    assert us.node.get(first["id"])["status"] == "revoked" and us.node.get(second["id"]) is not None


def test_a_signed_cursor_in_the_future_is_refused(nodes: MakeNodes) -> None:
    """Even signed by the peer (a broken clock, or a compromised peer), a cursor beyond the clock skew is refused."""
    jp, us = nodes("JP", "US")
    denial = _denial(jp, "Harbin Institute of Technology")
    with jp.node.db.transaction():
        jp.node.db.execute("UPDATE objects SET date_added = ? WHERE id = ?", (FUTURE, denial["id"]))
    jp.serve()
    with pytest.raises(SyncError, match="in the future"):
        sync_peer(us.node, us.node.peer(jp.node.identity_id))
    assert us.node.peer(jp.node.identity_id).cursor is None and us.node.get(denial["id"]) is None
