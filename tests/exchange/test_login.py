"""Issue 11, item 7: console sign-in. Unknown users cost the same scrypt work as known ones, repeated failures
lock the name (and the source) out with an audit record, the login form carries a CSRF token, and the session
cookie is ``Secure`` when the console is served over TLS."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kizuna.core import credentials
from kizuna.exchange import audit, users
from kizuna.exchange.config import rules
from tests.exchange.conftest import AgencyNode, MakeNodes

PASSWORD = "correct horse battery staple"
LIMITS = rules()["login"]


@pytest.fixture()
def jp(nodes: MakeNodes) -> AgencyNode:
    (agency,) = nodes("JP")
    users.add_user(agency.node, "aoki", "analyst", "UNCLASSIFIED", "JPN", PASSWORD)
    return agency


@pytest.fixture()
def console(jp: AgencyNode, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The node's console app in-process; ``console(https=True)`` as if served over TLS."""
    from kizuna.web import exchange

    monkeypatch.setenv("KIZUNA_HOME", str(jp.home))
    clients: list[TestClient] = []

    def make(https: bool = False) -> TestClient:
        client = TestClient(exchange.create_node_app(), base_url="https://testserver" if https else "http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    node = exchange._nodes.pop(str(jp.home), None)
    if node is not None:
        node.close()


def _scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(int(kwargs.get("n", 0)))
        return real(*args, **kwargs)

    monkeypatch.setattr(credentials.hashlib, "scrypt", counting)
    return calls


def test_an_unknown_user_costs_the_same_scrypt_work(jp: AgencyNode, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _scrypt_calls(monkeypatch)
    assert users.login(jp.node, "aoki", "wrong password!") is None
    known = list(calls)
    calls.clear()
    assert users.login(jp.node, "nobody-here", "wrong password!") is None
    assert calls == known and len(known) == 1 and known[0] >= 2**14


def test_repeated_failures_lock_the_name_out_with_an_audit_record(jp: AgencyNode) -> None:
    for _ in range(int(LIMITS["max_failures_per_user"])):
        assert users.login(jp.node, "aoki", "wrong password!", source="192.0.2.1") is None
    with pytest.raises(credentials.LockedOut, match="too many failed sign-ins"):
        users.login(jp.node, "aoki", PASSWORD, source="192.0.2.2")
    locked = audit.records(jp.node.db, event="login-locked")
    assert len(locked) == 1 and locked[0]["actor"] == "user:aoki"
    # An unknown name locks out the same way: lockout does not tell names apart.
    for _ in range(int(LIMITS["max_failures_per_user"])):
        users.login(jp.node, "ghost", "wrong password!", source="192.0.2.3")
    with pytest.raises(credentials.LockedOut):
        users.login(jp.node, "ghost", "wrong password!", source="192.0.2.4")


def test_one_source_trying_many_names_is_locked_out(jp: AgencyNode) -> None:
    users.add_user(jp.node, "kato", "analyst", "UNCLASSIFIED", "JPN", PASSWORD)
    for n in range(int(LIMITS["max_failures_per_source"])):
        assert users.login(jp.node, f"guess{n}", "wrong password!", source="198.51.100.7") is None
    with pytest.raises(credentials.LockedOut):
        users.login(jp.node, "kato", PASSWORD, source="198.51.100.7")
    assert users.login(jp.node, "kato", PASSWORD, source="198.51.100.8") is not None
    assert any(r["detail"].get("source") == "198.51.100.7" for r in audit.records(jp.node.db, event="login-locked"))


def _form(client: TestClient) -> dict[str, str]:
    page = client.get("/exchange/login")
    match = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert page.status_code == 200 and match, page.text
    return {"username": "aoki", "password": PASSWORD, "login_csrf": match.group(1)}


def test_the_login_form_needs_its_csrf_token(console: Any) -> None:
    client = console()
    form = _form(client)
    refused = client.post("/exchange/login", data={**form, "login_csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403 and "kizuna_session" not in refused.headers.get("set-cookie", "")
    other = console()  # a cross-site post carries no token cookie of this browser
    assert other.post("/exchange/login", data=form, follow_redirects=False).status_code == 403
    accepted = client.post("/exchange/login", data=_form(client), follow_redirects=False)
    assert accepted.status_code == 303 and "kizuna_session=" in accepted.headers["set-cookie"]


def test_session_cookies_are_secure_over_tls_only(console: Any) -> None:
    for https in (True, False):
        client = console(https=https)
        response = client.post("/exchange/login", data=_form(client), follow_redirects=False)
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("kizuna_session="))
        assert ("secure" in cookie.lower()) is https, cookie


def test_a_locked_out_sign_in_says_so_in_the_console(console: Any) -> None:
    client = console()
    for _ in range(int(LIMITS["max_failures_per_user"])):
        assert client.post("/exchange/login", data={**_form(client), "password": "wrong password!"}).status_code == 401
    locked = client.post("/exchange/login", data=_form(client), follow_redirects=False)
    assert locked.status_code == 429 and "too many failed sign-ins" in locked.text
