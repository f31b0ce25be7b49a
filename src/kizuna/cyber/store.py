"""The assessment store: assessments, every saved revision, the POA&M, and the trusted-capital registry.

It lives on the shared database layer (``kizuna.core.db``): SQLite at ``$KIZUNA_HOME/cyber/cyber.db`` by default,
or any database URL; its schema is the Alembic revisions in ``kizuna/cyber/migrations``, applied when the store is
opened. Every change is one transaction: a failed import leaves the previous state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kizuna.core import db
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import home
from kizuna.cyber.answers import AnswerSet

if TYPE_CHECKING:
    from sqlalchemy.engine import Result

def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(slots=True)
class AssessmentRecord:
    id: int
    organization: str
    system: str
    catalog_id: str
    assessor: str
    assessed_on: str
    created_at: str
    revisions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Revision:
    assessment_id: int
    revision: int
    saved_at: str
    author: str
    note: str
    answers: AnswerSet


@dataclass(slots=True)
class PoamRecord:
    requirement_id: str
    title: str
    objectives: list[str]
    points: int
    eligible: bool
    owner: str
    due_date: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Registration:
    company_id: int
    name: str
    country: str
    sector: str
    sprs_score: int
    cmmc_status: str
    assessed_on: str
    assessor: str
    evidence_summary: str
    assessment_id: int | None
    registered_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CyberStore(db.Store):
    """The store; one connection per store object (open one per thread or request)."""

    name = "cyber"

    def __init__(self, path: Path | str | None = None) -> None:
        """Open (creating or upgrading) the store at ``path``: a SQLite file or a database URL."""
        super().__init__(path or home() / "cyber" / "cyber.db")

    def _query(self, sql: str, **params: Any) -> Result[Any]:
        return self.run(sql, params)

    # --- assessments -------------------------------------------------------------------------------------------
    def create(self, organization: str, system: str, catalog_id: str, assessor: str, assessed_on: date) -> int:
        if not organization.strip() or not system.strip():
            raise InputError("organization and system must not be empty", field="organization")
        with self.transaction():
            return int(self._query(
                "INSERT INTO assessments (organization, system, catalog_id, assessor, assessed_on, created_at) "
                "VALUES (:organization, :system, :catalog, :assessor, :assessed_on, :now) RETURNING id",
                organization=organization.strip(), system=system.strip(), catalog=catalog_id,
                assessor=assessor.strip(), assessed_on=assessed_on.isoformat(), now=_now()).scalar_one())

    def get(self, assessment_id: int) -> AssessmentRecord:
        row = self._query(f"{_ASSESSMENTS} WHERE a.id = :id", id=assessment_id).mappings().first()
        if row is None:
            raise NotFoundError(f"no assessment {assessment_id}")
        return AssessmentRecord(**row)

    def assessments(self) -> list[AssessmentRecord]:
        return [AssessmentRecord(**row) for row in self._query(f"{_ASSESSMENTS} ORDER BY a.id").mappings()]

    def save_answers(self, assessment_id: int, answers: AnswerSet, author: str = "", note: str = "") -> int:
        """Store a new revision (the previous ones stay as history); returns its number."""
        record = self.get(assessment_id)
        if answers.catalog_id != record.catalog_id:
            raise InputError(f"answers are for catalog {answers.catalog_id}, the assessment uses {record.catalog_id}")
        payload = json.dumps(answers.to_dict(), separators=(",", ":"), ensure_ascii=False)
        with self.transaction():
            number = int(self._query("SELECT COALESCE(MAX(revision), 0) FROM revisions WHERE assessment_id = :id",
                                     id=assessment_id).scalar_one()) + 1
            self._query("INSERT INTO revisions (assessment_id, revision, saved_at, author, note, answers) "
                        "VALUES (:id, :revision, :now, :author, :note, :answers)", id=assessment_id,
                        revision=number, now=_now(), author=author, note=note, answers=payload)
            return number

    def revision(self, assessment_id: int, revision: int | None = None) -> Revision | None:
        """A revision (the latest by default), or None for an assessment with no answers yet."""
        self.get(assessment_id)
        if revision is None:
            row = self._query("SELECT * FROM revisions WHERE assessment_id = :id ORDER BY revision DESC LIMIT 1",
                              id=assessment_id).mappings().first()
        else:
            row = self._query("SELECT * FROM revisions WHERE assessment_id = :id AND revision = :revision",
                              id=assessment_id, revision=revision).mappings().first()
            if row is None:
                raise NotFoundError(f"assessment {assessment_id} has no revision {revision}")
        return _revision(row) if row is not None else None

    def history(self, assessment_id: int) -> list[Revision]:
        self.get(assessment_id)
        rows = self._query("SELECT * FROM revisions WHERE assessment_id = :id ORDER BY revision", id=assessment_id)
        return [_revision(row) for row in rows.mappings()]

    def iter_latest(self) -> Iterator[tuple[AssessmentRecord, AnswerSet]]:
        """Every assessment with its latest answers (assessments without answers are skipped)."""
        rows = self._query(
            "SELECT a.*, r.revision AS revisions, r.answers FROM assessments a JOIN revisions r "
            "ON r.assessment_id = a.id "
            "AND r.revision = (SELECT MAX(revision) FROM revisions WHERE assessment_id = a.id) "
            "ORDER BY a.id")
        for row in rows.mappings():
            data = dict(row)
            answers = AnswerSet.from_dict(json.loads(data.pop("answers")))
            yield AssessmentRecord(**data), answers

    # --- POA&M -------------------------------------------------------------------------------------------------
    def replace_poam(self, assessment_id: int, items: list[PoamRecord]) -> None:
        """Replace the assessment's POA&M with ``items`` in one transaction."""
        self.get(assessment_id)
        with self.transaction():
            self._query("DELETE FROM poam_items WHERE assessment_id = :id", id=assessment_id)
            if not items:
                return
            self.run(
                "INSERT INTO poam_items (assessment_id, requirement_id, title, objectives, points, eligible, owner, "
                "due_date, status, created_at, position) VALUES (:id, :requirement_id, :title, :objectives, :points, "
                ":eligible, :owner, :due_date, :status, :now, :position)",
                [{"id": assessment_id, "requirement_id": item.requirement_id, "title": item.title,
                  "objectives": json.dumps(item.objectives), "points": item.points, "eligible": int(item.eligible),
                  "owner": item.owner, "due_date": item.due_date, "status": item.status, "now": _now(),
                  "position": position} for position, item in enumerate(items, 1)])

    def poam(self, assessment_id: int) -> list[PoamRecord] | None:
        """The stored POA&M, or None when none was generated."""
        rows = self._query("SELECT * FROM poam_items WHERE assessment_id = :id ORDER BY position",
                           id=assessment_id).mappings().all()
        if not rows:
            return None
        return [PoamRecord(r["requirement_id"], r["title"], json.loads(r["objectives"]), r["points"],
                           bool(r["eligible"]), r["owner"], r["due_date"], r["status"]) for r in rows]

    # --- registry ----------------------------------------------------------------------------------------------
    def register(self, name: str, country: str, sector: str, sprs_score: int, cmmc_status: str, assessed_on: str,
                 assessor: str, evidence_summary: str, assessment_id: int | None = None) -> int:
        """Record a company's latest assessment (earlier registrations stay as history); returns the company id."""
        with self.transaction():
            found = self._query("SELECT id FROM companies WHERE name = :name AND country = :country",
                                name=name, country=country).scalar()
            if found is None:
                company_id = int(self._query(
                    "INSERT INTO companies (name, country, sector, created_at) VALUES (:name, :country, :sector, :now) "
                    "RETURNING id", name=name, country=country, sector=sector, now=_now()).scalar_one())
            else:
                company_id = int(found)
                self._query("UPDATE companies SET sector = :sector WHERE id = :id", sector=sector, id=company_id)
            self._query(
                "INSERT INTO registrations (company_id, sprs_score, cmmc_status, assessed_on, assessor, "
                "evidence_summary, assessment_id, registered_at) VALUES (:company, :sprs, :cmmc, :assessed_on, "
                ":assessor, :summary, :assessment, :now)", company=company_id, sprs=sprs_score, cmmc=cmmc_status,
                assessed_on=assessed_on, assessor=assessor, summary=evidence_summary, assessment=assessment_id,
                now=_now())
            return company_id

    def registrations(self) -> list[Registration]:
        """Each company with its latest registration."""
        rows = self._query(
            "SELECT c.id AS company_id, c.name, c.country, c.sector, g.sprs_score, g.cmmc_status, g.assessed_on, "
            "g.assessor, g.evidence_summary, g.assessment_id, g.registered_at FROM companies c JOIN registrations g "
            "ON g.id = (SELECT MAX(id) FROM registrations WHERE company_id = c.id) ORDER BY c.name")
        return [Registration(**row) for row in rows.mappings()]


_ASSESSMENTS = ("SELECT a.*, (SELECT COUNT(*) FROM revisions r WHERE r.assessment_id = a.id) AS revisions "
                "FROM assessments a")


def _revision(row: Any) -> Revision:
    return Revision(row["assessment_id"], row["revision"], row["saved_at"], row["author"], row["note"],
                    AnswerSet.from_dict(json.loads(row["answers"])))
