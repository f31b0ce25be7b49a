"""The semiconductor crosswalk (``data/controls/semiconductor_crosswalk.csv``, 94 rows): one item family per row,
its US, Wassenaar, EU, Japanese, Korean and Taiwanese entries and dates, each row with its confidence (verified /
secondary / recalled) — which travels with every answer that uses the row; a recalled row is "unconfirmed".

Rows are joined by meaning, not by matching letters: a row names the US ECCN it starts from (``3B001.a.4``) and
writes the other lists' codes itself, since the numberings differ (US 3B002.b is WA 3.B.2.c; the row's notes say
where)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kizuna.controls.allies import bundled_rows, codes_in
from kizuna.controls.sources import citation_confidence
from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation

FLAGS = {"US": "us_flag", "JP": "jp_flag", "EU/NL": "eu_nl_flag", "KR": "kr_flag", "TW": "tw_flag"}
LEVELS = ("verified", "secondary", "recalled")


@dataclass(frozen=True, slots=True)
class ControlCrosswalkRow:
    line: int
    us_eccn: str  # as the file writes it: "3B001.a.4", "3A001 (a-i, excl .z)", "3D901 / 3D907"
    code: str  # the first ECCN in it, the row's key
    wassenaar_code: str
    eu_code: str
    jp_item: str
    kr_status: str
    tw_status: str
    description: str
    date_us: str
    date_jp: str
    date_eu_nl: str
    source_citations: str
    confidence: str
    flags: dict[str, str]
    hs6: str
    regime_class: str
    notes: str

    @property
    def category(self) -> str:
        return self.code[:2]

    @property
    def covers(self) -> tuple[str, ...]:
        """The ECCNs and paragraphs the row is about, its ranges written out (``3B001.g-j`` → .g, .h, .i, .j)."""
        return covered(self.us_eccn)

    def citation(self) -> Citation:
        """This row as a citation: unconfirmed when the row is recalled."""
        return Citation(id=f"crosswalk:{self.line}", text=f"{self.us_eccn}: {self.description}",
                        citation=f"semiconductor_crosswalk.csv line {self.line} ({self.us_eccn})",
                        confidence=citation_confidence(self.confidence),
                        note=f"confidence: {self.confidence}; sources: {self.source_citations}")

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "us_eccn": self.us_eccn, "wassenaar_code": self.wassenaar_code,
                "eu_code": self.eu_code, "jp_item": self.jp_item, "kr_status": self.kr_status,
                "tw_status": self.tw_status, "description": self.description, "date_us": self.date_us,
                "date_jp": self.date_jp, "date_eu_nl": self.date_eu_nl, "confidence": self.confidence,
                "unconfirmed": self.confidence == "recalled", "flags": self.flags,
                "regime_class": self.regime_class, "notes": self.notes, "sources": self.source_citations}


@cache
def crosswalk() -> list[ControlCrosswalkRow]:
    """Every row, in file order; a row without an ECCN or with an unknown confidence is an error on its line."""
    out = []
    columns = ("us_eccn", "wassenaar_code", "eu_code", "jp_item", "kr_status", "tw_status", "short_description",
               "date_controlled_us", "date_controlled_jp", "date_controlled_eu_or_nl", "source_citations",
               "confidence", *FLAGS.values(), "hs6_indicative", "regime_class", "notes")
    for line, r in bundled_rows("crosswalk", *columns):
        codes = codes_in(r["us_eccn"])
        if not codes:
            raise InputError(f"no ECCN in {r['us_eccn']!r}", path="semiconductor_crosswalk.csv", line=line,
                             field="us_eccn")
        if r["confidence"] not in LEVELS:
            raise InputError(f"confidence {r['confidence']!r} is not one of {', '.join(LEVELS)}",
                             path="semiconductor_crosswalk.csv", line=line, field="confidence")
        out.append(ControlCrosswalkRow(line, r["us_eccn"], codes[0], r["wassenaar_code"], r["eu_code"], r["jp_item"],
                                r["kr_status"], r["tw_status"], r["short_description"], r["date_controlled_us"],
                                r["date_controlled_jp"], r["date_controlled_eu_or_nl"], r["source_citations"],
                                r["confidence"], {j: r[c] for j, c in FLAGS.items()}, r["hs6_indicative"],
                                r["regime_class"], r["notes"]))
    return out


_LIST = re.compile(r"^(\d[A-E]\d{3}) \(([^)]*)\)$")  # 3A001 (a-i, excl .z), 4A003 (b,c,g)
_ECCN = re.compile(r"^\d[A-E]\d{3}$")


def _steps(first: str, last: str) -> list[str]:
    """a..d, 1..3; [] when the two are not of one kind or run backwards."""
    if first.isdigit() and last.isdigit():
        return [str(n) for n in range(int(first), int(last) + 1)]
    if len(first) == len(last) == 1 and first.isalpha() and last.isalpha():
        return [chr(c) for c in range(ord(first), ord(last) + 1)]
    return []


def _span(part: str) -> list[str]:
    """One written code or range: ``3B001.a.1-a.3``, ``3B001.g-j``, ``3C001-3C004``, ``3B001.d.8``."""
    left, dash, right = part.partition("-")
    if not dash:
        return [part]
    if _ECCN.match(left) and _ECCN.match(right) and left[:2] == right[:2]:
        return [f"{left[:2]}{n:03d}" for n in range(int(left[2:]), int(right[2:]) + 1)]
    base, _, first = left.rpartition(".")
    steps = _steps(first, right.rpartition(".")[2]) if base else []
    return [f"{base}.{step}" for step in steps] or [left]


def covered(written: str) -> tuple[str, ...]:
    """What a crosswalk row's US column covers, e.g. ``3D901 / 3D907``, ``5A002 (a-e)``, ``3E993-3E994``."""
    out: list[str] = []
    for part in (p.strip() for p in written.split("/")):
        listed = _LIST.match(part)
        if listed:
            base, inside = listed.groups()
            for item in (i.strip() for i in inside.split(",")):
                if item and not item.startswith("excl"):
                    out += _span(f"{base}.{item}")
            continue
        out += _span(part.split(" ")[0])
    return tuple(out)


def rows_for(reference: str) -> list[ControlCrosswalkRow]:
    """The rows about an ECCN or paragraph: the row of the paragraph itself, of an ancestor (3B001 for
    3B001.f.1) or of a sub-paragraph (3A090.a for 3A090)."""
    ref = reference.strip()
    return [row for row in crosswalk() if any(code == ref or ref.startswith(code + ".") or code.startswith(ref + ".")
                                              for code in row.covers)]
