"""The console's languages: every label has its Japanese, the language is chosen and remembered, data is not
translated."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kizuna.cables.maps import LABELS as MAP_LEGEND
from kizuna.capabilities import REGISTRY
from kizuna.core.entity import NameKind, PartyKind
from kizuna.ownership.model import Tri
from kizuna.web.app import create_app
from kizuna.web.i18n import catalogue, translate
from kizuna.web.monitoring import LABELS as MONITORING_LABELS

WEB = Path(__file__).resolve().parents[2] / "src" / "kizuna" / "web"
_STRING = r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\''
# Labels the templates translate from a variable: the values those variables take.
_WORDS = {"in force", "not yet in force", "suspended", "final", "conditional", "not eligible", "met", "not met",
          "not applicable", "partial", "N/A", "unanswered", "active", "revoked", "expired", "all", "open", "answered",
          "withdrawn", "pending", "consulting", "approved", "everyone", "allies", "this agency", "no-objection",
          "objection", "trusted", "concern", "any", "your role cannot answer consultations",
          "only a supervisor approves", "answer recorded; it goes to the consulting agency on its next sync",
          "application approved", "only an administrator changes sharing", "saved"}
DYNAMIC = (set(MAP_LEGEND.values()) | {e.value for e in PartyKind} | {k.value for k in NameKind}
           | {k.value for k in PartyKind} | {t.value for t in Tri} | _WORDS
           | {label for group in MONITORING_LABELS.values() for label in group.values()})


def labels() -> set[str]:
    """Every label the console pages and the web code write for translation."""
    found: set[str] = set()
    for path in (WEB / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\b_n?\(\s*(?:" + _STRING + r")(?:\s*,\s*(?:" + _STRING + r"))?", text):
            found.update(g for g in match.groups()[:2] if g is not None)
            if text[match.start():].startswith("_n("):
                found.update(g for g in match.groups()[2:] if g is not None)
    for path in WEB.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'gettext\(request,\s*"((?:[^"\\]|\\.)*)"', text))
    return found | {entry.label for entry in REGISTRY.nav()}


def test_every_label_has_a_japanese_translation() -> None:
    found = labels()
    assert len(found) > 300  # the extraction works
    missing = sorted((found | DYNAMIC) - catalogue("ja").keys())
    assert not missing, missing


def test_translations_keep_their_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for english, japanese in catalogue("ja").items():
        assert fields(english) == fields(japanese), english


def test_unknown_labels_fall_back_to_english() -> None:
    assert translate("ja", "no such label {n}", n=3) == "no such label 3"
    assert translate("en", "{n} hits", n=2) == "2 hits" and translate("ja", "{n} hits", n=2) == "2件該当"


@pytest.fixture(scope="module")
def client(kizuna_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def test_language_from_query_cookie_and_header(client: TestClient) -> None:
    client.cookies.clear()
    assert '<html lang="en">' in client.get("/lists").text
    assert '<html lang="ja">' in client.get("/lists", headers={"Accept-Language": "ja,en;q=0.8"}).text
    asked = client.get("/lists?lang=ja")
    assert '<html lang="ja">' in asked.text and "読み込み済みリスト" in asked.text
    assert asked.cookies.get("kizuna_lang") == "ja"
    assert '<html lang="ja">' in client.get("/").text  # remembered
    assert '<html lang="en">' in client.get("/?lang=en").text
    assert '<html lang="en">' in client.get("/?lang=xx").text  # an unknown language is ignored
    client.cookies.clear()


def test_labels_change_data_does_not(client: TestClient) -> None:
    page = client.get("/", params={"q": "北京航空航天大学", "lang": "ja"}).text
    assert "取引先のスクリーニング" in page and "公式出典" in page
    assert "Beijing University of Aeronautics and Astronautics" in page  # the listed name as published
    client.cookies.clear()


def test_language_switch_after_a_form_post_goes_to_the_section(client: TestClient) -> None:
    page = client.post("/ownership/load", files={"file": ("bad.csv", b"owner,owned\nA,B\n")}).text
    assert 'href="/ownership?lang=ja"' in page and "bad.csv" in page
