"""The assessment store (SQLite, ``$KIZUNA_HOME/cyber/cyber.db``): assessments, every saved revision, the POA&M,
and the trusted-capital registry. Every change is one transaction: a failed import leaves the previous state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import home
from kizuna.cyber.answers import AnswerSet

SCHEMA = """
CREATE TABLE IF NOT EXISTS assessments (
    id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    system TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    assessor TEXT NOT NULL DEFAULT '',
    assessed_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    revision INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL,
    PRIMARY KEY (assessment_id, revision)
);
CREATE TABLE IF NOT EXISTS poam_items (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    requirement_id TEXT NOT NULL,
    title TEXT NOT NULL,
    objectives TEXT NOT NULL,
    points INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    owner TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, requirement_id)
);
CREATE TABLE IF NOT EXISTS companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    sector TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (name, country)
);
CREATE TABLE IF NOT EXISTS registrations (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    sprs_score INTEGER NOT NULL,
    cmmc_status TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    assessor TEXT NOT NULL,
    evidence_summary TEXT NOT NULL,
    assessment_id INTEGER REFERENCES assessments(id),
    registered_at TEXT NOT NULL
);
"""


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


class CyberStore:
    """SQLite store; one connection per store object (open one per thread or request)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or home() / "cyber" / "cyber.db"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> CyberStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write."""
        with self.conn:
            yield self.conn

    # --- assessments -------------------------------------------------------------------------------------------
    def create(self, organization: str, system: str, catalog_id: str, assessor: str, assessed_on: date) -> int:
        if not organization.strip() or not system.strip():
            raise InputError("organization and system must not be empty", field="organization")
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO assessments (organization, system, catalog_id, assessor, assessed_on, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (organization.strip(), system.strip(), catalog_id, assessor.strip(), assessed_on.isoformat(), _now()))
            return int(cursor.lastrowid or 0)

    def get(self, assessment_id: int) -> AssessmentRecord:
        row = self.conn.execute(
            "SELECT a.*, (SELECT COUNT(*) FROM revisions r WHERE r.assessment_id = a.id) AS revisions "
            "FROM assessments a WHERE a.id = ?", (assessment_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no assessment {assessment_id}")
        return AssessmentRecord(**dict(row))

    def assessments(self) -> list[AssessmentRecord]:
        rows = self.conn.execute(
            "SELECT a.*, (SELECT COUNT(*) FROM revisions r WHERE r.assessment_id = a.id) AS revisions "
            "FROM assessments a ORDER BY a.id").fetchall()
        return [AssessmentRecord(**dict(row)) for row in rows]

    def save_answers(self, assessment_id: int, answers: AnswerSet, author: str = "", note: str = "") -> int:
        """Store a new revision (the previous ones stay as history); returns its number."""
        record = self.get(assessment_id)
        if answers.catalog_id != record.catalog_id:
            raise InputError(f"answers are for catalog {answers.catalog_id}, the assessment uses {record.catalog_id}")
        payload = json.dumps(answers.to_dict(), separators=(",", ":"), ensure_ascii=False)
        with self.transaction() as conn:
            current = conn.execute("SELECT COALESCE(MAX(revision), 0) FROM revisions WHERE assessment_id = ?",
                                   (assessment_id,)).fetchone()[0]
            conn.execute("INSERT INTO revisions (assessment_id, revision, saved_at, author, note, answers) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (assessment_id, current + 1, _now(), author, note, payload))
            return int(current) + 1

    def revision(self, assessment_id: int, revision: int | None = None) -> Revision | None:
        """A revision (the latest by default), or None for an assessment with no answers yet."""
        self.get(assessment_id)
        if revision is None:
            row = self.conn.execute("SELECT * FROM revisions WHERE assessment_id = ? ORDER BY revision DESC LIMIT 1",
                                    (assessment_id,)).fetchone()
        else:
            row = self.conn.execute("SELECT * FROM revisions WHERE assessment_id = ? AND revision = ?",
                                    (assessment_id, revision)).fetchone()
            if row is None:
                raise NotFoundError(f"assessment {assessment_id} has no revision {revision}")
        if row is None:
            return None
        return Revision(row["assessment_id"], row["revision"], row["saved_at"], row["author"], row["note"],
                        AnswerSet.from_dict(json.loads(row["answers"])))

    def history(self, assessment_id: int) -> list[Revision]:
        self.get(assessment_id)
        rows = self.conn.execute("SELECT * FROM revisions WHERE assessment_id = ? ORDER BY revision",
                                 (assessment_id,)).fetchall()
        return [Revision(r["assessment_id"], r["revision"], r["saved_at"], r["author"], r["note"],
                         AnswerSet.from_dict(json.loads(r["answers"]))) for r in rows]

    def iter_latest(self) -> Iterator[tuple[AssessmentRecord, AnswerSet]]:
        """Every assessment with its latest answers (assessments without answers are skipped)."""
        rows = self.conn.execute(
            "SELECT a.*, r.revision AS revisions, r.answers FROM assessments a JOIN revisions r "
            "ON r.assessment_id = a.id "
            "AND r.revision = (SELECT MAX(revision) FROM revisions WHERE assessment_id = a.id) "
            "ORDER BY a.id")
        for row in rows:
            data = dict(row)
            answers = AnswerSet.from_dict(json.loads(data.pop("answers")))
            yield AssessmentRecord(**data), answers

    # --- POA&M -------------------------------------------------------------------------------------------------
    def replace_poam(self, assessment_id: int, items: list[PoamRecord]) -> None:
        """Replace the assessment's POA&M with ``items`` in one transaction."""
        self.get(assessment_id)
        with self.transaction() as conn:
            conn.execute("DELETE FROM poam_items WHERE assessment_id = ?", (assessment_id,))
            conn.executemany(
                "INSERT INTO poam_items (assessment_id, requirement_id, title, objectives, points, eligible, owner, "
                "due_date, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(assessment_id, i.requirement_id, i.title, json.dumps(i.objectives), i.points, int(i.eligible),
                  i.owner, i.due_date, i.status, _now()) for i in items])

    def poam(self, assessment_id: int) -> list[PoamRecord] | None:
        """The stored POA&M, or None when none was generated."""
        rows = self.conn.execute("SELECT * FROM poam_items WHERE assessment_id = ? ORDER BY rowid",
                                 (assessment_id,)).fetchall()
        if not rows:
            return None
        return [PoamRecord(r["requirement_id"], r["title"], json.loads(r["objectives"]), r["points"],
                           bool(r["eligible"]), r["owner"], r["due_date"], r["status"]) for r in rows]

    # --- registry ----------------------------------------------------------------------------------------------
    def register(self, name: str, country: str, sector: str, sprs_score: int, cmmc_status: str, assessed_on: str,
                 assessor: str, evidence_summary: str, assessment_id: int | None = None) -> int:
        """Record a company's latest assessment (earlier registrations stay as history); returns the company id."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM companies WHERE name = ? AND country = ?", (name, country)).fetchone()
            if row is None:
                company_id = int(conn.execute(
                    "INSERT INTO companies (name, country, sector, created_at) VALUES (?, ?, ?, ?)",
                    (name, country, sector, _now())).lastrowid or 0)
            else:
                company_id = int(row["id"])
                conn.execute("UPDATE companies SET sector = ? WHERE id = ?", (sector, company_id))
            conn.execute(
                "INSERT INTO registrations (company_id, sprs_score, cmmc_status, assessed_on, assessor, "
                "evidence_summary, assessment_id, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (company_id, sprs_score, cmmc_status, assessed_on, assessor, evidence_summary, assessment_id, _now()))
            return company_id

    def registrations(self) -> list[Registration]:
        """Each company with its latest registration."""
        rows = self.conn.execute(
            "SELECT c.id AS company_id, c.name, c.country, c.sector, g.sprs_score, g.cmmc_status, g.assessed_on, "
            "g.assessor, g.evidence_summary, g.assessment_id, g.registered_at FROM companies c JOIN registrations g "
            "ON g.id = (SELECT MAX(id) FROM registrations WHERE company_id = c.id) ORDER BY c.name").fetchall()
        return [Registration(**dict(r)) for r in rows]
