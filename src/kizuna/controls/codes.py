"""Control-list entries in US ECCN, EU, Wassenaar and Japanese numbering, brought to one comparison key.

"Essentially identical" (the no-undercut test) needs the same control entry however each state writes it:
WA 3.B.1.f.1.b, EU 3B001.f.1.b and US ECCN 3B001.f.1.b share the key ``3B001.f.1.b`` unless
``data/controls/numbering.yaml`` records that the US letter means another item. A Japanese item number
(輸出貿易管理令 別表第一 7の項(1)) has no known 号-level crosswalk, so it only matches the same Japanese number; its
Wassenaar category is reported as "related" for the officer to judge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from kizuna.controls.allies import jp_table1, wassenaar_by_eu_code
from kizuna.core.errors import InputError
from kizuna.core.rules import RuleModel, bundled_rules

SCHEMES = ("us-eccn", "eu", "wassenaar", "jp-etco")
_ECCN = re.compile(r"^(\d)([A-E])(\d{3})((?:\.[a-z0-9]+)*)$", re.IGNORECASE)
_WA = re.compile(r"^(\d)\.([A-E])\.(\d{1,3})((?:\.[a-z0-9]+)*)$", re.IGNORECASE)
_JP = re.compile(r"^(?:輸出(?:貿易管理)?令)?(?:別表第[一1１]の?)?(\d+(?:の\d+)?)の?項(?:[(（](\d+)[)）])?$")
_JP_SHORT = re.compile(r"^(\d+(?:の\d+)?)(?:\((\d+)\))?$")
_PREFIXES = {"eccn": "us-eccn", "us": "us-eccn", "us-eccn": "us-eccn", "eu": "eu", "wa": "wassenaar",
             "wassenaar": "wassenaar", "jp": "jp-etco", "jp-etco": "jp-etco"}


@dataclass(frozen=True, slots=True)
class ControlEntry:
    """One control-list entry as written, its scheme, and the key it is compared by."""

    scheme: str
    code: str  # normalised as the scheme writes it
    key: str  # comparison key (WA/EU numbering without dots, or JP-…/US-… for national-only items)
    note: str = ""  # why the key differs from the plain numbering, with its source

    def to_dict(self) -> dict[str, str]:
        return {"scheme": self.scheme, "code": self.code}

    def label(self) -> str:
        return f"{self.scheme} {self.code}"

    @property
    def category(self) -> str | None:
        """The Wassenaar category digit (0-9) this entry falls in, where known."""
        if self.scheme == "jp-etco":
            return jp_categories().get(self.code.split("(")[0])
        return self.key.removeprefix("US-")[0] if self.key.removeprefix("US-")[:1].isdigit() else None


class Scheme(RuleModel):
    label: str
    source: str


class Override(RuleModel):
    """A US code whose paragraph letter means another item than the Wassenaar numbering (a numbering trap)."""

    scheme: str
    code: str
    key: str
    why: str
    source: str


class Numbering(RuleModel):
    """``data/controls/numbering.yaml``: the schemes, the overrides, and the Wassenaar category of 別表第一 items."""

    schemes: dict[str, Scheme]
    overrides: list[Override]
    jp_item_categories: dict[str, str]


@cache
def numbering() -> Numbering:
    return bundled_rules("controls/numbering.yaml", Numbering)


@cache
def _overrides() -> dict[tuple[str, str], tuple[str, str]]:
    return {(o.scheme, o.code): (o.key, f"{o.why} ({o.source})") for o in numbering().overrides}


@cache
def jp_items() -> frozenset[str]:
    """The items (項) of 輸出貿易管理令 別表第一 in the official e-Gov text: 1, 2, 3, 3の2, 4 … 16."""
    return frozenset(item.item for item in jp_table1())


@cache
def jp_categories() -> dict[str, str]:
    """JP item (項) → Wassenaar category digit (``numbering.yaml``, read from the items' own text)."""
    return dict(numbering().jp_item_categories)


@cache
def wassenaar_codes() -> frozenset[str]:
    """EU/CCL-style codes of every entry in the WA 2025 Dual-Use List (codes only)."""
    return frozenset(wassenaar_by_eu_code())


def _paragraphs(suffix: str) -> str:
    return suffix.lower()


def parse(text: str, scheme: str | None = None, field: str = "--control") -> ControlEntry:
    """Read a control entry, guessing the scheme from its shape unless given ("wa 3.B.1.f", "jp 7(1)" also work)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if scheme is None and " " in raw:
        head, _, rest = raw.partition(" ")
        if head.lower().rstrip(":") in _PREFIXES:
            scheme, raw = _PREFIXES[head.lower().rstrip(":")], rest.strip()
    if scheme is not None and scheme not in SCHEMES:
        raise InputError(f"unknown control scheme {scheme!r} (one of {', '.join(SCHEMES)})", field=field)
    if (scheme in (None, "wassenaar")) and (m := _WA.match(raw)):
        cat, group, number, suffix = m.groups()
        code = f"{cat}.{group.upper()}.{int(number)}{_paragraphs(suffix)}"
        return ControlEntry("wassenaar", code, f"{cat}{group.upper()}{int(number):03d}{_paragraphs(suffix)}")
    if (scheme in (None, "us-eccn", "eu")) and (m := _ECCN.match(raw)):
        cat, group, number, suffix = m.groups()
        code = f"{cat}{group.upper()}{number}{_paragraphs(suffix)}"
        chosen = scheme or "us-eccn"
        key, note = code, ""
        if chosen == "us-eccn":
            for candidate in _ancestors(code):
                if (chosen, candidate) in _overrides():
                    mapped, note = _overrides()[(chosen, candidate)]
                    key = mapped + code[len(candidate):]
                    break
        return ControlEntry(chosen, code, key, note)
    if scheme in (None, "jp-etco"):
        m = _JP.match(raw.replace(" ", "")) or (_JP_SHORT.match(raw) if scheme == "jp-etco" else None)
        if m:
            item, number = m.groups()
            code = f"{item}({int(number)})" if number else item
            if item in jp_items():
                # The key keeps 項 and 号 as levels, so 7の項 contains 7の項(1) as 3B001 contains 3B001.f.
                return ControlEntry("jp-etco", code, f"JP-{item}" + (f".{int(number)}" if number else ""))
            raise InputError(f"{text!r}: 別表第一 has no item {item}", field=field)
    raise InputError(f"{text!r} is not a control entry Kizuna can read: use an ECCN (3B001.f), a Wassenaar code "
                     f"(3.B.1.f), or a Japanese item number (7の項(1))", field=field)


def us_code_for(key: str) -> tuple[str, str]:
    """The US ECCN paragraph that a comparison key (a Wassenaar/EU code without dots) is written as, and why when
    the numbering differs: WA 3.B.2.c is US 3B002.b (``numbering.yaml``)."""
    for (scheme, code), (mapped, note) in _overrides().items():
        if scheme == "us-eccn" and (key == mapped or key.startswith(mapped + ".")):
            return code + key[len(mapped):], note
    return key, ""


def _ancestors(code: str) -> list[str]:
    """``3B002.b.1`` → [``3B002.b.1``, ``3B002.b``, ``3B002``]."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def from_dict(data: dict[str, Any]) -> ControlEntry:
    """An entry as ``ControlEntry.to_dict`` wrote it (a denial's ``control_entries``), parsed again."""
    return parse(str(data.get("code", "")), str(data.get("scheme")) if data.get("scheme") else None, field="control")


@dataclass(frozen=True, slots=True)
class ControlMatch:
    """How two entries relate: ``same`` counts as essentially identical; ``related`` is for the officer only."""

    relation: str  # "same" or "related"
    ours: ControlEntry
    theirs: ControlEntry
    explanation: str


def compare(ours: ControlEntry, theirs: ControlEntry) -> ControlMatch | None:
    """The same entry (equal keys, or one a sub-paragraph of the other), a related one, or None."""
    a, b = ours.key, theirs.key
    if a == b or a.startswith(b + ".") or b.startswith(a + "."):
        how = "the same entry" if a == b else "the same entry (one is a sub-paragraph of the other)"
        notes = "; ".join(n for n in (ours.note, theirs.note) if n)
        text = f"{ours.label()} and {theirs.label()} are {how}: key {min(a, b, key=len)}"
        return ControlMatch("same", ours, theirs, text + (f" — {notes}" if notes else ""))
    if ("jp-etco" in (ours.scheme, theirs.scheme) and ours.scheme != theirs.scheme and ours.category
            and ours.category == theirs.category):
        jp = ours if ours.scheme == "jp-etco" else theirs
        return ControlMatch("related", ours, theirs,
                            f"{ours.label()} and {theirs.label()} are both Wassenaar category {ours.category} "
                            f"(別表第一 {jp.code.split('(')[0]}の項); no 号-level crosswalk is known, so Kizuna "
                            f"cannot say whether they are the same entry — check by hand")
    return None


def unknown_wassenaar(entry: ControlEntry) -> bool:
    """True when a WA/EU entry's 5-character code is not in the WA 2025 list (a typo, or a national code)."""
    if entry.scheme not in ("wassenaar", "eu"):
        return False
    return entry.key.split(".")[0] not in wassenaar_codes()
