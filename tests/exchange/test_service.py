"""The exchange service: the denial importer on the one table reader, lists shown a page at a time with their
total (never cut silently) and audited as viewed for exactly what was shown, the console inbox's pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.core.errors import InputError
from kizuna.exchange import audit, objects, service, users
from tests.exchange.conftest import AgencyNode, add_denial

PASSWORD = "correct horse battery staple"


def _viewed(agency: AgencyNode) -> int:
    return len(audit.records(agency.node.db, event="viewed", limit=10_000))


def test_an_import_error_names_file_line_and_column_and_stores_nothing(nodes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (jp,) = nodes("JP")
    sheet = tmp_path / "denials.csv"
    sheet.write_text("\ufeffcontrol,item,end_user,end_user_country,consignee,consignee_country,date\n"
                     "3B001.f.1.b,scanner,北京航空航天大学,CN,,,2026-03-01\n"
                     "3B001.f,etcher,Harbin Institute of Technology,CN,Acme,Atlantis,2026-02-01\n", encoding="utf-8")
    refs = service.markings(jp.node, "amber", ["USA"], None, None)
    before = jp.node.count(objects.DENIAL)
    with pytest.raises(InputError) as caught:
        service.import_denials(jp.node, sheet, refs, "test")
    assert (caught.value.line, caught.value.field) == (3, "consignee-country")
    assert "denials.csv" in str(caught.value) and "Atlantis" in str(caught.value)
    assert jp.node.count(objects.DENIAL) == before
    sheet.write_text("control,item,date\n3B001.f,scanner,2026-03-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        service.import_denials(jp.node, sheet, refs, "test")


def test_a_page_of_denials_states_the_total_and_audits_only_what_it_shows(nodes) -> None:  # type: ignore[no-untyped-def]
    (jp,) = nodes("JP")
    made = [add_denial(jp, end_user=f"Paging Optics {n}") for n in range(5)]
    before = _viewed(jp)
    page = service.denials(jp.node, None, "test", "test page", start=2, limit=2)
    assert [o["id"] for o, _ in page.rows] == [made[2]["id"], made[1]["id"]]  # newest first
    assert (page.total, page.start, page.end, page.more, page.hidden) == (5, 2, 4, True, 0)
    assert _viewed(jp) - before == 2
    last = service.denials(jp.node, None, "test", "test page", start=4, limit=2)
    assert len(last.rows) == 1 and not last.more
    assert service.denials(jp.node, None, "test", "test page", status="revoked").total == 0
    with pytest.raises(InputError, match="not one of"):
        service.denials(jp.node, None, "test", "test page", status="pending")


@pytest.fixture()
def console(nodes, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[AgencyNode, TestClient]]:  # type: ignore[no-untyped-def]
    from kizuna.web import exchange

    (jp,) = nodes("JP")
    users.add_user(jp.node, "aoki", "analyst", "UNCLASSIFIED", "JPN", PASSWORD)
    monkeypatch.setenv("KIZUNA_HOME", str(jp.home))
    with TestClient(exchange.create_node_app()) as client:
        form = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/exchange/login").text)
        assert form is not None
        client.post("/exchange/login", data={"username": "aoki", "password": PASSWORD, "login_csrf": form.group(1)},
                    follow_redirects=False)
        yield jp, client
    node = exchange._nodes.pop(str(jp.home), None)
    if node is not None:
        node.close()


def test_the_inbox_says_how_many_there_are_and_links_the_next_page(console, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    jp, client = console
    monkeypatch.setattr(service, "page_size", lambda: 2)
    for n in range(3):
        add_denial(jp, end_user=f"Inbox Optics {n}")
    add_denial(jp, end_user="Red Optics", tlp="red")  # an analyst reads up to AMBER+STRICT
    first = client.get("/exchange/").text
    assert "showing 1–2 of 3" in first and 'start=2" rel="next"' in first and "3 denials" in first
    assert "Inbox Optics 2" in first and "Inbox Optics 0" not in first and "Red Optics" not in first
    assert "1 more held here" in first
    second = client.get("/exchange/?start=2").text
    assert "showing 3–3 of 3" in second and "Inbox Optics 0" in second and 'rel="next"' not in second


def test_the_objects_api_pages_with_a_total(console) -> None:  # type: ignore[no-untyped-def]
    jp, client = console
    for n in range(3):
        add_denial(jp, end_user=f"Api Optics {n}")
    token = users.issue_token(jp.node, "aoki", "api", "test")
    auth = {"Authorization": f"Bearer {token}"}
    page = client.get("/exchange/api/objects", params={"limit": 2}, headers=auth).json()
    assert (len(page["objects"]), page["total"], page["start"], page["next"]) == (2, 3, 0, 2)
    rest = client.get("/exchange/api/objects", params={"limit": 2, "start": 2}, headers=auth).json()
    assert len(rest["objects"]) == 1 and rest["next"] is None
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"ObjectsPage", "ShownObject"} <= set(schema)


def test_the_settings_page_counts_deliveries_per_peer(console, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.exchange.conftest import make_node

    jp, client = console
    us = make_node(tmp_path / "other", "US")
    jp.node.add_peer(us.node.card())  # nothing delivered to it yet
    us.node.close()
    assert "0 · 0 · 0" in client.get("/exchange/settings").text
    with jp.node.db.transaction():
        jp.node.db.execute("INSERT INTO deliveries (peer, object_id, modified, outcome) VALUES (?, ?, ?, ?)",
                           (us.node.identity_id, "x-kizuna-denial--1", "2026-01-01", "refused"))
    assert jp.node.delivery_counts() == {us.node.identity_id: {"refused": 1}}
    page = client.get("/exchange/settings")
    assert page.status_code == 200 and "0 · 1 · 0" in page.text
