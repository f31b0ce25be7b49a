"""Issue 11, item 8: refused requests cannot grow the audit log without bound.

The attack: 50 unsigned requests, each with a 15 kB header and a 15 kB query, added 1.7 MB to the audit log.
Now each refused request's record is bounded (long fields cut, their sizes kept), and past a number of records per
source and window the refusals are only counted, then written as one counter record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kizuna.exchange import audit, taxii
from kizuna.exchange.config import rules
from kizuna.exchange.node import COLLECTION_ID
from tests.exchange.conftest import AgencyNode, MakeNodes

LIMITS = rules()["refused_requests"]
OBJECTS = f"/taxii2/api/collections/{COLLECTION_ID}/objects/"


@pytest.fixture()
def served(nodes: MakeNodes, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[AgencyNode, TestClient]]:
    from kizuna.web import exchange

    (jp,) = nodes("JP")
    monkeypatch.setenv("KIZUNA_HOME", str(jp.home))
    with TestClient(exchange.create_node_app()) as client:
        yield jp, client
    node = exchange._nodes.pop(str(jp.home), None)
    if node is not None:
        node.close()


def _audit_bytes(agency: AgencyNode) -> int:
    return int(agency.node.db.scalar("SELECT coalesce(sum(length(detail) + length(coalesce(peer, ''))), 0) "
                                     "FROM audit") or 0)


def test_fifty_big_unsigned_requests_add_a_bounded_amount(served: tuple[AgencyNode, TestClient]) -> None:
    jp, client = served
    before_bytes, before_records = _audit_bytes(jp), audit.head(jp.node.db)[0]
    big = "A" * 15_000
    for _ in range(50):
        response = client.get(OBJECTS, params={"added_after": big}, headers={"X-Kizuna-Node": big})
        assert response.status_code == 401
    added = audit.head(jp.node.db)[0] - before_records
    assert added == int(LIMITS["records_per_source"])
    grown = _audit_bytes(jp) - before_bytes
    assert grown < added * 4 * int(LIMITS["max_field_chars"]), grown  # before: about 1.5 MB
    record = audit.records(jp.node.db, event="request-refused", limit=1)[0]
    assert record["detail"]["sizes"]["request"] > 15_000 and record["detail"]["sizes"]["peer"] == 15_000
    assert len(record["detail"]["request"]) <= int(LIMITS["max_field_chars"]) + 1
    # When the window has passed, the rest are written as one counter record.
    later = datetime.now(UTC) + timedelta(seconds=int(LIMITS["window_seconds"]))
    with jp.node.db.transaction():
        taxii.flush_refusals(jp.node, later)
    counted = audit.records(jp.node.db, event="requests-refused")
    assert len(counted) == 1
    detail: dict[str, Any] = counted[0]["detail"]
    assert detail["refused"] == 50 and detail["recorded_individually"] == int(LIMITS["records_per_source"])
    assert audit.verify(jp.node.db).ok


def test_another_source_is_still_recorded(served: tuple[AgencyNode, TestClient]) -> None:
    jp, client = served
    for _ in range(int(LIMITS["records_per_source"]) + 5):
        client.get(OBJECTS)
    with jp.node.db.transaction():
        taxii.record_refusal(jp.node, "203.0.113.9", "GET", OBJECTS, {}, "the request is not signed")
    sources = [r["detail"]["source"] for r in audit.records(jp.node.db, event="request-refused", limit=100)]
    assert sources.count("203.0.113.9") == 1 and sources.count("testclient") == int(LIMITS["records_per_source"])
