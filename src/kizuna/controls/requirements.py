"""The License Requirements table of each ECCN (15 CFR 774 Supp. No. 1): one row per reason for control, with the
paragraphs it applies to, its Commerce Country Chart column or the verbatim special requirement where no column
applies, and the list-based licence exception lines.

The rows are a machine parse of the eCFR (``data/licensing/ear/eccn_license_requirements.csv``, confidence
``secondary``, edition in ``licence_requirements.yaml``). Five ECCNs of the CCL are missing from that parse: for
them, and for ECCNs whose CCL entry has no table, :func:`requirements_for` answers one row saying so — never an
empty list, which would read as "no licence".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.core.tables import read_table

TABLE = "licensing/ear/eccn_license_requirements.csv"
RULES = "licensing/ear/licence_requirements.yaml"
EXCEPTIONS = ("LVS", "GBS", "TSR", "APP", "ACE", "ENC", "IEC", "HBM", "AIA", "ACM", "LPP", "STA")
# A paragraph component is one or two letters or up to three digits (3B001.c.1.a, 0A501.x, 6A003.b.4.b).
_ECCN = re.compile(r"^\s*(\d[A-Ea-e]\d{3})((?:\.(?:[A-Za-z]{1,2}|\d{1,3}))*)\s*$")


class TableRules(RuleModel):
    """``data/licensing/ear/licence_requirements.yaml``: the parse's edition and the ECCNs it lacks."""

    edition: str
    source: str
    url: str
    confidence: str
    missing: list[str]
    missing_note: str
    no_table_note: str


class Kind(StrEnum):
    ROW = "row"  # a row of the ECCN's table
    NO_TABLE = "no table"  # the CCL entry has no License Requirements table (prose, a reference, the ITAR)
    NO_DATA = "no licence data"  # the ECCN is in the CCL but missing from the parse


@dataclass(frozen=True, slots=True)
class LicenceRequirement:
    """One row of an ECCN's License Requirements table, as the parse has it.

    ``column`` is the chart column (``NS1``) when the row names one; otherwise ``special`` holds the verbatim
    requirement ("To or within any destination worldwide, see § 742.6(a)(6)(iii)(A) of the EAR."). ``scope`` is
    the paragraph scope as written ("entire entry", "3A090.a", "entire entry except 0A501.y")."""

    eccn: str
    kind: Kind
    row: int = 0
    reason: str = ""
    scope: str = ""
    column: str | None = None
    special: str | None = None
    exceptions: tuple[tuple[str, str], ...] = ()  # (code, the line verbatim), codes in EXCEPTIONS order
    reasons_line: str = ""  # the entry's "Reason for Control" line
    heading: str = ""
    edition: str = ""
    source: str = ""
    confidence: str = "secondary"
    flags: tuple[str, ...] = ()
    note: str = ""

    def applies_to(self, paragraph: str | None) -> bool | None:
        """Whether this row covers ``paragraph`` (``3A090.a``; None or the bare ECCN for the item as a whole):
        True, False, or None when the scope text cannot tell (a row for a sub-paragraph when only the ECCN is
        given, a scope in words such as "MMIC amplifiers in 3A001.b.2 …") — then the question is which paragraph."""
        if self.kind is not Kind.ROW:
            return None
        scope = parse_scope(self.eccn, self.scope)
        target = _paragraph(self.eccn, paragraph)
        if scope is None:
            return _named_elsewhere(self.eccn, self.scope, target)
        if scope.whole and not scope.exclude:
            return True
        if target is None:
            return None
        if scope.whole:
            if any(_within(target, p) for p in scope.exclude):
                return False
            return None if any(_within(p, target) for p in scope.exclude) else True
        if any(_within(target, p) for p in scope.include):
            return True
        return None if any(_within(p, target) for p in scope.include) else False

    def to_dict(self) -> dict[str, Any]:
        return {"eccn": self.eccn, "kind": self.kind.value, "row": self.row, "reason": self.reason,
                "scope": self.scope, "column": self.column, "special": self.special,
                "exceptions": dict(self.exceptions), "edition": self.edition, "confidence": self.confidence,
                "flags": list(self.flags), **({"note": self.note} if self.note else {})}


@dataclass(frozen=True, slots=True)
class ParagraphScope:
    """A paragraph scope read into paragraphs: the whole entry (minus ``exclude``) or the ``include`` list."""

    whole: bool
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def requirements_for(eccn: str) -> list[LicenceRequirement]:
    """The License Requirements rows of ``eccn`` (``3A090`` or ``3A090.a``: the paragraph is ignored here, see
    ``LicenceRequirement.applies_to``). One ``NO_DATA`` row for an ECCN the parse lacks, one ``NO_TABLE`` row for an
    entry without a table; InputError for a code that is no ECCN of the table's edition."""
    code = eccn_of(eccn)
    found = _rows().get(code)
    if found is not None:
        return list(found)
    rules = table_rules()
    if code in rules.missing:
        return [LicenceRequirement(code, Kind.NO_DATA, edition=rules.edition, source=rules.source,
                            confidence=rules.confidence, note=rules.missing_note)]
    raise InputError(f"{eccn!r} is not an ECCN of the Commerce Control List of {rules.edition}", field="eccn")


def eccn_of(code: str) -> str:
    """The ECCN of ``code`` (``3a090.A`` → ``3A090``); InputError when it is not an ECCN."""
    match = _ECCN.match(code)
    if match is None:
        raise InputError(f"{code!r} is not an ECCN (digit, letter A–E, three digits, optional .paragraphs)",
                         field="eccn")
    return match.group(1).upper()


def known_eccns() -> set[str]:
    """Every ECCN the table or its list of gaps names."""
    return set(_rows()) | set(table_rules().missing)


def table_rules() -> TableRules:
    return bundled_rules(RULES, TableRules)


def parse_scope(eccn: str, scope: str) -> ParagraphScope | None:
    """The paragraphs a scope text names, or None when it is words the parser does not read."""
    text = re.sub(r"^(?:the |items controlled by |paragraphs? )", "", scope.strip().rstrip(".").strip())
    whole = re.match(r"^entire entry(?:,)?(?:\s+except:?\s*(.*))?$", text)
    if whole:
        rest = whole.group(1)
        if not rest:
            return ParagraphScope(True)
        excluded = _paragraph_list(eccn, rest)
        return None if excluded is None else ParagraphScope(True, exclude=excluded)
    included = _paragraph_list(eccn, text)
    return None if included is None else ParagraphScope(False, include=included)


def _paragraph_list(eccn: str, text: str) -> tuple[str, ...] | None:
    found: list[str] = []
    for token in re.split(r",\s*|;\s*|\s+and\s+|\s+or\s+", text.strip().rstrip(".")):
        token = re.sub(r"^(?:and|or)\s+", "", token.strip())
        if not token:
            continue
        ranged = re.match(r"^(\S+)\s+to\s+(\S+)$", token)
        if ranged:
            expanded = _range(eccn, ranged.group(1), ranged.group(2))
            if expanded is None:
                return None
            found.extend(expanded)
            continue
        paragraph = _token(eccn, token)
        if paragraph is None:
            return None
        found.append(paragraph)
    return tuple(found) or None


def _token(eccn: str, token: str) -> str | None:
    """``3A090.a``, ``.x``, ``z.2.a`` or ``c`` as a full paragraph of ``eccn``; None for anything else."""
    token = token.removeprefix("ECCN ").strip()
    full = _ECCN.match(token)
    if full:
        return full.group(1).upper() + full.group(2).lower()
    relative = re.match(r"^\.?([a-z](?:\.[a-z0-9]+)*)$", token)
    return f"{eccn}.{relative.group(1)}" if relative else None


def _range(eccn: str, first: str, last: str) -> list[str] | None:
    """``a.1 to a.3`` or ``k to n``: the paragraphs from ``first`` to ``last`` at one level."""
    start, end = _token(eccn, first), _token(eccn, last)
    if start is None or end is None:
        return None
    head, _, a = start.rpartition(".")
    other, _, b = end.rpartition(".")
    if head != other:
        return None
    if a.isdigit() and b.isdigit() and int(a) <= int(b):
        return [f"{head}.{n}" for n in range(int(a), int(b) + 1)]
    if len(a) == len(b) == 1 and a.isalpha() and b.isalpha() and a <= b:
        return [f"{head}.{chr(c)}" for c in range(ord(a), ord(b) + 1)]
    return None


def _paragraph(eccn: str, paragraph: str | None) -> str | None:
    """``paragraph`` normalised (``3A090.A`` → ``3A090.a``), None for the ECCN as a whole."""
    if paragraph is None:
        return None
    match = _ECCN.match(paragraph)
    if match is None or match.group(1).upper() != eccn or not match.group(2):
        return None
    return eccn + match.group(2).lower()


def _named_elsewhere(eccn: str, scope: str, target: str | None) -> bool | None:
    """For a scope in words ("3A002.h when the parameters in 3A101.a.2 …"): False when it names paragraphs of
    ``eccn`` in full, only in full, and none of them is or contains ``target``; None otherwise (read the words)."""
    if target is None:
        return None
    named = [eccn + m.group(1).lower() for m in re.finditer(rf"\b{eccn}((?:\.[A-Za-z0-9]+)+)", scope)]
    relative = re.search(r"(?:^|[\s,(])\.?[a-z]\.\d|(?:^|[\s,(])\.[a-z]\b", scope)
    if not named or relative:
        return None
    return None if any(_within(target, p) or _within(p, target) for p in named) else False


def _within(paragraph: str, scope: str) -> bool:
    return paragraph == scope or paragraph.startswith(scope + ".")


@cache
def _rows() -> dict[str, tuple[LicenceRequirement, ...]]:
    """The table by ECCN, read once per process."""
    rules = table_rules()
    path = bundled(TABLE)
    table = read_table(path)
    table.require("eccn", "row_no", "reason", "paragraph_scope", "country_chart_column", "requirement_text",
                  "parse_flags", *(f"le_{code}" for code in EXCEPTIONS))
    by_eccn: dict[str, list[LicenceRequirement]] = {}
    for line, record in table.records():
        eccn = eccn_of(record["eccn"])
        flags = tuple(f for f in record["parse_flags"].split(";") if f)
        if "no_license_requirements_table_in_source" in flags:
            row = LicenceRequirement(eccn, Kind.NO_TABLE, heading=record["heading"], edition=record["edition_date"],
                              source=record["source"], confidence=record["confidence"], flags=flags,
                              note=f"{rules.no_table_note} {record['requirement_text']}".strip())
        else:
            row = _row(eccn, record, flags, line)
        by_eccn.setdefault(eccn, []).append(row)
    return {eccn: tuple(rows) for eccn, rows in by_eccn.items()}


def _row(eccn: str, record: dict[str, str], flags: tuple[str, ...], line: int) -> LicenceRequirement:
    column_cell = record["country_chart_column"].strip()
    is_column = "not_a_chart_column" not in flags and re.fullmatch(r"[A-Z]{2}\d", column_cell) is not None
    if not column_cell and "requirement_cell_empty_in_source" not in flags:
        raise InputError("no chart column or special requirement", path=bundled(TABLE), line=line,
                         field="country_chart_column")
    exceptions = tuple((code, record[f"le_{code}"].strip()) for code in EXCEPTIONS if record[f"le_{code}"].strip())
    return LicenceRequirement(eccn, Kind.ROW, int(record["row_no"]), record["reason"].strip(),
                       record["paragraph_scope"].strip(), column_cell if is_column else None,
                       None if is_column else (column_cell or record["requirement_text"].strip() or None),
                       exceptions, record["reason_for_control_line"].strip(), record["heading"].strip(),
                       record["edition_date"], record["source"], record["confidence"], flags)
