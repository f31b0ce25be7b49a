"""Assessor answers: what each 800-171A objective was found to be, with evidence, links and date.

Answers are read from and written to CSV and xlsx. A file may answer objectives (``objective_id``), whole
requirements (``requirement_id``: every objective gets the requirement's status), or both for different
requirements. ``partial`` is a requirement-level answer, allowed only where the scoring rules define a partial case.
Files are checked completely before anything is returned, so a bad row never leads to a partial write.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.tables import read_table, write_table, yes_no
from kizuna.cyber.catalog import Catalog
from kizuna.cyber.rules import Rules


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


PARTIAL = "partial"
_BY_VALUE = {s.value: s for s in Status}  # a dict lookup: Status(value) is slow in the 10,000-assessment bench
_ALIASES = {"met": "met", "not_met": "not_met", "notmet": "not_met", "not_applicable": "not_applicable",
            "n/a": "not_applicable", "na": "not_applicable", "partial": PARTIAL}
_TICK = frozenset({"x"})  # a ticked box in a spreadsheet template counts as yes
COLUMNS = ["requirement_id", "objective_id", "status", "evidence", "links", "assessed_on", "poam", "objective"]


@dataclass(slots=True)
class Answer:
    """One objective's finding."""

    objective_id: str
    status: Status
    evidence: str = ""
    links: list[str] = field(default_factory=list)
    assessed_on: str | None = None  # ISO date

    def to_list(self) -> list[Any]:
        return [self.status.value, self.evidence, self.links, self.assessed_on]


@dataclass(slots=True)
class AnswerSet:
    """Every answer of one assessment revision.

    ``partial`` holds requirements answered with their documented partial case; ``poam`` the requirements with a
    plan of action, or None when the answers do not say (then the 3.12.2 plan-of-action check is not made).
    """

    catalog_id: str
    answers: dict[str, Answer] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    poam: set[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Compact JSON form used by the store."""
        return {"catalog": self.catalog_id, "answers": {k: a.to_list() for k, a in self.answers.items()},
                "partial": sorted(self.partial), "poam": None if self.poam is None else sorted(self.poam)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerSet:
        answers = {k: Answer(k, _BY_VALUE[v[0]], v[1], v[2], v[3]) for k, v in data["answers"].items()}
        poam = data.get("poam")
        return cls(data["catalog"], answers, set(data.get("partial", [])), None if poam is None else set(poam))


def parse_status(value: str) -> str | None:
    """The canonical status for a cell, or None when it is not one."""
    key = value.strip().casefold().replace("-", "_").replace(" ", "_")
    return _ALIASES.get(key)


def _iso_date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value).strip()).isoformat()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a CSV or xlsx file (the sheet ``answers``, else the first) as (line, {lower-case column: value})."""
    suffix = path.suffix.casefold()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InputError("unsupported file type: use .csv or .xlsx", path=path)
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    table = read_table(path, sheet="answers")
    names = [h.casefold() for h in table.header]
    if not any(names):
        raise InputError("empty sheet: expected a header row", path=path, line=1)
    for line, cells in table.rows:
        if len(cells) > len(names) and any(str(c).strip() for c in cells[len(names):]):
            raise InputError(f"{len(cells)} cells but the header has {len(names)}", path=path, line=line)
        yield line, dict(zip(names, cells, strict=False))


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name, "")
    return "" if value is None else str(value).strip()


def _requirement_for(catalog: Catalog, rules: Rules | None, value: str) -> str | None:
    if value in catalog.requirements:
        return value
    if rules is not None and ".L2-" in value:  # a CMMC practice id such as AC.L2-3.1.1
        number = value.split(".L2-", 1)[1]
        if number in catalog.requirements and rules.practice_id(number) == value:
            return number
    return None


def read_answers(path: str | Path, catalog: Catalog, rules: Rules | None) -> AnswerSet:
    """Read and check a whole answers file; InputError (file, line, field) on the first problem found."""
    path = Path(path)
    return parse_rows(read_rows(path), catalog, rules, str(path))


def parse_rows(rows: Iterable[tuple[int, dict[str, Any]]], catalog: Catalog, rules: Rules | None,
               source: str) -> AnswerSet:
    """Check answer rows (line, {column: value}) from a file, a form or a request; InputError names source and line."""
    path = source
    result = AnswerSet(catalog.id)
    where: dict[str, int] = {}  # objective -> line that answered it
    partial_lines: dict[str, int] = {}
    poam_known = False
    header_checked = False
    for line, row in rows:
        if not header_checked:
            if "status" not in row or not ({"objective_id", "requirement_id", "id"} & row.keys()):
                raise InputError("the header needs a 'status' column and an 'objective_id' or 'requirement_id' "
                                 "column", path=path, line=1)
            header_checked = True
        raw_status = _text(row, "status")
        if not raw_status:
            continue  # an unanswered row of a template
        status = parse_status(raw_status)
        if status is None:
            raise InputError(f"unknown status {raw_status!r} (use met, not_met, not_applicable or partial)",
                             path=path, line=line, field="status")
        objective_id = _text(row, "objective_id") or _text(row, "id")
        requirement_field = _text(row, "requirement_id")
        evidence, links = _text(row, "evidence"), _split_links(_text(row, "links"))
        try:
            assessed_on = _iso_date(row.get("assessed_on") or row.get("date"))
        except ValueError as exc:
            raise InputError(f"not an ISO date (YYYY-MM-DD): {row.get('assessed_on')!r}", path=path, line=line,
                             field="assessed_on") from exc
        has_plan = yes_no(_text(row, "poam"), path=path, line=line, field="poam", yes=_TICK)
        # A blank poam column (a template's) says nothing; any yes/no in it says which gaps have a plan.
        poam_known = poam_known or has_plan is not None

        # A single-objective requirement shares its id with its objective: "3.13.11,partial" means the requirement.
        single_partial = status == PARTIAL and objective_id in catalog.requirements
        if objective_id and objective_id in catalog.objectives and not single_partial:
            objective = catalog.objectives[objective_id]
            if requirement_field and _requirement_for(catalog, rules, requirement_field) != objective.requirement_id:
                raise InputError(f"objective {objective_id} belongs to {objective.requirement_id}, not "
                                 f"{requirement_field}", path=path, line=line, field="requirement_id")
            if status == PARTIAL:
                raise InputError("partial is a requirement-level answer: put it on a row with requirement_id "
                                 f"{objective.requirement_id} and no objective_id", path=path, line=line,
                                 field="status")
            targets, requirement_id = [objective_id], objective.requirement_id
        else:
            label = objective_id or requirement_field
            requirement_id = _requirement_for(catalog, rules, label) or ""
            if not requirement_id:
                kind = "objective or requirement" if objective_id else "requirement"
                raise InputError(f"unknown {kind} id {label!r} for catalog {catalog.id}", path=path, line=line,
                                 field="objective_id" if objective_id else "requirement_id")
            if status == PARTIAL:
                if rules is None or requirement_id not in rules.partial:
                    allowed = ", ".join(rules.partial) if rules else "none for this catalog"
                    raise InputError(f"{requirement_id} has no partial case (partial is allowed for: {allowed})",
                                     path=path, line=line, field="status")
                if requirement_id in partial_lines:
                    raise InputError(f"{requirement_id} answered partial twice (lines {partial_lines[requirement_id]} "
                                     f"and {line})", path=path, line=line, field="status")
                partial_lines[requirement_id] = line
                result.partial.add(requirement_id)
                if has_plan:
                    result.poam = (result.poam or set()) | {requirement_id}
                continue
            targets = [o.id for o in catalog.requirements[requirement_id].objectives]
        if status == Status.NOT_APPLICABLE and rules is not None and requirement_id in rules.never_not_applicable:
            raise InputError(f"{requirement_id} cannot be not_applicable ({rules.gate_citation})", path=path,
                             line=line, field="status")
        for target in targets:
            if target in where:
                raise InputError(f"objective {target} answered twice (lines {where[target]} and {line})",
                                 path=path, line=line, field="objective_id")
            where[target] = line
            result.answers[target] = Answer(target, Status(status), evidence, links, assessed_on)
        if has_plan:
            result.poam = (result.poam or set()) | {requirement_id}
    if not header_checked:
        raise InputError("no rows: the file has a header but no answers", path=path)
    if poam_known and result.poam is None:
        result.poam = set()
    # A partial requirement's objectives not answered one by one are not met: that is what partial means.
    for requirement_id, line in partial_lines.items():
        objectives = catalog.requirements[requirement_id].objectives
        if all(o.id in result.answers for o in objectives) and all(
                result.answers[o.id].status != Status.NOT_MET for o in objectives):
            raise InputError(f"{requirement_id} is answered partial but none of its objectives is not_met",
                             path=path, line=line, field="status")
        for objective in objectives:
            result.answers.setdefault(objective.id, Answer(objective.id, Status.NOT_MET))
    return result


def _split_links(value: str) -> list[str]:
    return [part for part in value.replace("|", " ").replace(";", " ").split() if part]


def answer_rows(catalog: Catalog, answers: AnswerSet | None) -> list[list[Any]]:
    """Rows (``COLUMNS``) for every objective of the catalog, answered or blank, then the partial answers."""
    rows: list[list[Any]] = []
    for requirement in catalog.requirements.values():
        poam = "" if answers is None or answers.poam is None else (
            "yes" if requirement.id in answers.poam else "no")
        for objective in requirement.objectives:
            answer = answers.answers.get(objective.id) if answers else None
            rows.append([requirement.id, objective.id, answer.status.value if answer else "",
                         answer.evidence if answer else "", " ".join(answer.links) if answer else "",
                         (answer.assessed_on or "") if answer else "", poam, objective.text])
        if answers is not None and requirement.id in answers.partial:
            rows.append([requirement.id, "", PARTIAL, "", "", "", poam, "requirement-level partial answer"])
    return rows


def write_answers(path: str | Path, catalog: Catalog, answers: AnswerSet | None) -> int:
    """Write every objective (a blank template when ``answers`` is None) to CSV or xlsx, atomically."""
    path = Path(path)
    rows = answer_rows(catalog, answers)
    write_table(path, COLUMNS, rows, sheet_title="answers", customise=_answer_sheet)
    return len(rows)


def _answer_sheet(sheet: Any, rows: int) -> None:
    """The xlsx template's status drop-down and column widths."""
    from openpyxl.worksheet.datavalidation import DataValidation

    choices = DataValidation(type="list", formula1='"met,not_met,not_applicable,partial"', allow_blank=True)
    sheet.add_data_validation(choices)
    choices.add(f"C2:C{rows + 1}")
    for column, width in zip("ABCDEFGH", (12, 16, 14, 40, 30, 12, 6, 80), strict=True):
        sheet.column_dimensions[column].width = width
