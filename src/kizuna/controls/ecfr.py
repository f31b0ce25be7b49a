"""Reading the Commerce Control List (15 CFR 774 Supp. No. 1) as the eCFR publishes it, in either of two forms.

- **JSON** (``.json`` or ``.json.gz``): a list of ``{"code": "ECCN-3A090", "heading", "text", "related_controls",
  "related_definitions", "text_completeness"}`` records, the form of the bundled 2026-07-23 edition (a parse of the
  eCFR versioner XML; data/controls/SOURCES.md).
- **XML** (``.xml``): the eCFR versioner's own ``ECFR``/``DIV9`` layout, as
  ``https://www.ecfr.gov/api/versioner/v1/full/DATE/title-15.xml?part=774`` returns it. An ECCN starts at a
  paragraph whose bold lead is the code (``<FP-2><B>3A090 Integrated circuits …</B></FP-2>``); ``Related
  Controls:``, ``Related Definitions:`` and ``Items:`` are italic leads; everything after ``Items`` (paragraphs,
  ``NOTE`` blocks, ``HD2`` sub-headings) is the item text; the License Requirements table before it is kept as
  text of the heading part, as the JSON edition keeps it.

Both give :class:`RawEccn` records in document order; ``kizuna.controls.ccl`` builds the paragraph tree from them.
Files are read through ``kizuna.core`` (UTF-8 checks, JSON bounds, XML without DTDs or entities).
"""

from __future__ import annotations

import gzip
import io
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from pathlib import Path

from kizuna.core.datafiles import parse_json, require
from kizuna.core.errors import InputError
from kizuna.core.limits import limits
from kizuna.core.text import decode, read_bytes
from kizuna.core.xmlfiles import parse_xml

_CODE = re.compile(r"^(?:ECCN-)?(\d[A-E]\d{3})$")
_LEAD = re.compile(r"^\s*(\d[A-E]\d{3})\b\s*(.*)$", re.DOTALL)
_MAX_INFLATED = 64 << 20  # the 2026 edition is 1.2 MB of JSON; a "gzip bomb" stops here


@dataclass(frozen=True, slots=True)
class RawEccn:
    """One ECCN as the source prints it: code, heading, full text (heading first), related controls and
    definitions, and whether the source has the items or only the heading."""

    code: str
    heading: str
    text: str
    related_controls: str
    related_definitions: str
    heading_only: bool


def read_ecfr(path: Path) -> list[RawEccn]:
    """The ECCNs of an eCFR part 774 file (JSON, gzip'd JSON or XML, by suffix), in document order."""
    name = path.name.lower()
    if name.endswith(".xml"):
        return _from_xml(path)
    if name.endswith((".json", ".json.gz")):
        raw = read_bytes(path)
        if name.endswith(".gz"):
            raw = _inflate(raw, path)
        return _from_json(parse_json(decode(raw, path), path, max_chars=limits().max_legal_text_chars), path)
    raise InputError("not an eCFR file Kizuna reads: use .json, .json.gz or .xml", path=path)


def _inflate(raw: bytes, path: Path) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(_MAX_INFLATED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"not a gzip file ({exc})", path=path) from exc
    if len(data) > _MAX_INFLATED:
        raise InputError(f"inflates to more than {_MAX_INFLATED >> 20} MiB", path=path)
    return data


def _from_json(document: object, path: Path) -> list[RawEccn]:
    records = require(document, list, path=path, field="(top level)")
    out = []
    for index, record in enumerate(records):
        where = f"[{index}]"
        record = require(record, dict, path=path, field=where)
        code = _CODE.match(str(record.get("code", "")))
        if not code:
            raise InputError(f"not an ECCN: {record.get('code')!r}", path=path, field=f"{where}.code")
        fields = {}
        for key in ("heading", "text", "related_controls", "related_definitions"):
            fields[key] = require(record.get(key) or "", str, path=path, field=f"{where}.{key}")
        out.append(RawEccn(code.group(1), fields["heading"], fields["text"] or fields["heading"],
                           fields["related_controls"], fields["related_definitions"],
                           record.get("text_completeness") == "heading_only"))
    return out


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _lead(element: ET.Element) -> tuple[str, str]:
    """The bold or italic lead of a paragraph (``Related Controls:``) and the text after it."""
    first = next(iter(element), None)
    if first is None or first.tag not in ("B", "I", "E") or (element.text or "").strip():
        return "", _text(element)
    lead = _text(first)
    rest = " ".join(((first.tail or "") + "".join("".join(c.itertext()) + (c.tail or "")
                                                   for c in list(element)[1:])).split())
    return lead, rest


@dataclass(slots=True)
class _Building:
    code: str
    heading: str
    before: list[str]
    items: list[str]
    related_controls: str = ""
    related_definitions: str = ""
    in_items: bool = False

    def done(self) -> RawEccn:
        text = " ".join([self.heading, *self.before, *self.items]).strip()
        return RawEccn(self.code, self.heading, text, self.related_controls, self.related_definitions,
                       not self.items)


def _from_xml(path: Path) -> list[RawEccn]:
    root = parse_xml(path)
    appendix = next((div for div in root.iter() if div.tag.startswith("DIV")
                     and "Supplement No. 1 to Part 774" in div.get("N", "")), None)
    if appendix is None:
        raise InputError("no DIV of 'Supplement No. 1 to Part 774' (the Commerce Control List)", path=path)
    out: list[RawEccn] = []
    current: _Building | None = None
    for element in appendix:
        if element.tag == "HD1":
            continue  # category and group headings, and section headings inside an entry (List of Items Controlled)
        lead, rest = _lead(element)
        starts = _LEAD.match(lead) if element.tag in ("FP", "FP-1", "FP-2", "P") and lead else None
        if starts and (current is None or starts.group(1) != current.code):
            if current is not None:
                out.append(current.done())
            heading = " ".join(f"{starts.group(2)}{'' if rest[:1] in '.,;:' else ' '}{rest}".split())
            current = _Building(starts.group(1), heading, [], [])
            continue
        if current is None:
            continue  # the supplement's own front matter, before the first ECCN
        label = lead.rstrip(":").strip().lower()
        if label == "related controls":
            current.related_controls = rest
        elif label == "related definitions":
            current.related_definitions = rest
        elif label == "items":
            current.in_items = True
            if rest:
                current.items.append(rest)
        elif current.in_items or element.tag in ("P", "NOTE"):
            # Some entries have no "Items:" lead (5A001): their paragraphs are plain <P> after the headings.
            current.items.append(_text(element))
        elif element.tag in ("DIV", "GPOTABLE", "TABLE"):
            current.before.append(_table_text(element))
    if current is not None:
        out.append(current.done())
    if not out:
        raise InputError("the Commerce Control List holds no ECCN", path=path)
    return out


def _table_text(element: ET.Element) -> str:
    """A License Requirements table as the JSON edition writes it: ``cell | cell ;; cell | cell``."""
    rows = [" | ".join(_text(cell) for cell in row) for row in element.iter() if row.tag in ("TR", "ROW")]
    return " ;; ".join(rows) if rows else _text(element)
