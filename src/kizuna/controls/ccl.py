"""The Commerce Control List as data: every ECCN with its paragraph tree, notes, related controls and definitions;
paragraph look-up (``3A090.a.2``) and English text search.

An edition is read from an eCFR file (``kizuna.controls.ecfr``: JSON or the eCFR XML of part 774); the bundled
one is the eCFR text of 2026-07-23 (``data/controls/lists.yaml``, entry ``ccl``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.controls.ecfr import RawEccn, read_ecfr
from kizuna.controls.paragraphs import Note, Paragraph, parse_items
from kizuna.controls.sources import citation, path_of, source
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.evidence import Citation

_REFERENCE = re.compile(r"^\s*(?:(?i:ECCN)\s+)?(\d[A-Ea-e]\d{3})((?:\.[a-zA-Z0-9]+)*)\.?\s*$")
_CATEGORY = re.compile(r"\d[A-Ea-e]?")
_WORD = re.compile(r"[0-9a-z]+(?:\.[0-9]+)?")


@dataclass(slots=True)
class Eccn:
    """One ECCN: heading, the text before its items (the License Requirements table where the source keeps
    it), entry-level notes, the paragraph tree, related controls and definitions, as of the edition's date."""

    code: str
    heading: str
    preamble: str
    notes: list[Note]
    paragraphs: list[Paragraph]
    related_controls: str
    related_definitions: str
    heading_only: bool
    text: str  # the source's text, whole

    @property
    def category(self) -> str:
        return self.code[0]

    @property
    def group(self) -> str:
        return self.code[:2]

    def walk(self) -> list[Paragraph]:
        return [p for root in self.paragraphs for p in root.walk()]

    def paragraph(self, label: str) -> Paragraph | None:
        return next((p for p in self.walk() if p.label == label), None)

    def to_dict(self, depth: int | None = None) -> dict[str, Any]:
        return {"eccn": self.code, "heading": self.heading, "preamble": self.preamble,
                "notes": [n.to_dict() for n in self.notes],
                "paragraphs": [p.to_dict(depth) for p in self.paragraphs],
                "related_controls": self.related_controls, "related_definitions": self.related_definitions,
                "heading_only": self.heading_only}


def build(raw: RawEccn) -> Eccn:
    """An ECCN with its paragraph tree from the source's text."""
    items = parse_items(raw.text, raw.code)
    return Eccn(raw.code, raw.heading, items.preamble, items.notes, items.paragraphs, raw.related_controls,
                raw.related_definitions, raw.heading_only, raw.text)


@dataclass(slots=True)
class Lookup:
    """A paragraph look-up's answer: the ECCN, the paragraph (None for the whole entry) and its ancestors."""

    eccn: Eccn
    paragraph: Paragraph | None
    path: list[Paragraph]

    @property
    def reference(self) -> str:
        return self.eccn.code + (f".{self.paragraph.label}" if self.paragraph else "")

    def text(self) -> str:
        """The paragraph's text read with its ancestors' (``a.`` … ``either of the following:`` ``a.2.`` …)."""
        if self.paragraph is None:
            return self.eccn.heading
        return " ".join(f"{p.label}. {p.text}" for p in self.path)


@dataclass(slots=True)
class SearchHit:
    eccn: str
    label: str
    text: str
    where: str  # "heading", "paragraph", "note", "related controls", "related definitions"

    @property
    def reference(self) -> str:
        return self.eccn + (f".{self.label}" if self.label else "")

    def to_dict(self) -> dict[str, str]:
        return {"reference": self.reference, "eccn": self.eccn, "paragraph": self.label, "where": self.where,
                "text": self.text}


class Ccl:
    """One edition of the CCL: its ECCNs in order, the date its text is as of, and where it came from."""

    def __init__(self, entries: list[Eccn], as_of: str, source: Citation) -> None:
        self.entries = entries
        self.as_of = as_of
        self.source = source
        self.by_code = {e.code: e for e in entries}
        if len(self.by_code) != len(entries):
            repeated = sorted({e.code for e in entries if sum(x.code == e.code for x in entries) > 1})
            raise InputError(f"ECCN printed twice: {', '.join(repeated)}", path=source.citation)

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, reference: str) -> Lookup:
        """``3A090``, ``3A090.a.2`` or ``ECCN 3A090.A.2``: the entry or paragraph; NotFoundError otherwise."""
        match = _REFERENCE.match(reference)
        if not match:
            raise InputError(f"{reference!r} is not an ECCN or ECCN paragraph (e.g. 3A090 or 3A090.a.2)",
                             field="reference")
        code, suffix = match.group(1).upper(), match.group(2).lower().lstrip(".")
        eccn = self.by_code.get(code)
        if eccn is None:
            raise NotFoundError(f"{code} is not in the Commerce Control List as of {self.as_of}")
        if not suffix:
            return Lookup(eccn, None, [])
        paragraph = eccn.paragraph(suffix)
        if paragraph is None:
            known = ", ".join(p.label for p in eccn.paragraphs) or "none"
            raise NotFoundError(f"{code} has no paragraph .{suffix} in the edition of {self.as_of} "
                                f"(its top-level paragraphs: {known})")
        parts = suffix.split(".")
        path = [p for n in range(1, len(parts) + 1) if (p := eccn.paragraph(".".join(parts[:n]))) is not None]
        return Lookup(eccn, paragraph, path)

    def search(self, query: str, *, category: str | None = None, limit: int = 50) -> list[SearchHit]:
        """Paragraphs, notes and headings whose English text holds every word of ``query`` (case-insensitive),
        in list order; ``category`` narrows to ``3`` or ``3B``."""
        words = _WORD.findall(query.lower())
        if not words:
            raise InputError("search for at least one word", field="query")
        if category and not _CATEGORY.fullmatch(category):
            raise InputError(f"{category[:20]!r} is not a CCL category (a digit, or a digit and a group: 3, 3B)",
                             field="category")
        hits: list[SearchHit] = []
        for eccn in self.entries:
            if category and not eccn.code.upper().startswith(category.upper()):
                continue
            for hit in _places(eccn):
                text = hit.text.lower()
                if all(word in text for word in words):
                    hits.append(hit)
                    if len(hits) >= limit:
                        return hits
        return hits


def _places(eccn: Eccn) -> list[SearchHit]:
    out = [SearchHit(eccn.code, "", eccn.heading, "heading")]
    out += [SearchHit(eccn.code, "", f"{n.heading} {n.text}", "note") for n in eccn.notes]
    for paragraph in eccn.walk():
        out.append(SearchHit(eccn.code, paragraph.label, paragraph.text, "paragraph"))
        out += [SearchHit(eccn.code, paragraph.label, f"{n.heading} {n.text}", "note") for n in paragraph.notes]
    out += [SearchHit(eccn.code, "", text, where) for text, where in
            ((eccn.related_controls, "related controls"), (eccn.related_definitions, "related definitions")) if text]
    return out


def read_ccl(path: Path, as_of: str, source_citation: Citation | None = None) -> Ccl:
    """An edition from an eCFR file (``kizuna.controls.ecfr``) whose text is as of ``as_of``."""
    cited = source_citation or Citation(id=f"ccl:{path.name}", text="Commerce Control List",
                                        citation=f"{path.name} (eCFR part 774, {as_of})", date=as_of)
    return Ccl([build(raw) for raw in read_ecfr(path)], as_of, cited)


@cache
def bundled_ccl() -> Ccl:
    """The bundled edition (eCFR text of 2026-07-23)."""
    return read_ccl(path_of("ccl"), source("ccl").as_of, citation("ccl"))
