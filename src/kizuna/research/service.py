"""The research capability as the CLI and the web call it: one function per thing a user asks, each returning
one result both format (``to_dict`` for JSON, ``report`` for the filed report)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Finding, Outcome
from kizuna.core.report import Report
from kizuna.core.tables import read_table
from kizuna.research import coauthor, priorities
from kizuna.research.area import Area, AreaFilter, area
from kizuna.research.diligence import Affiliation, RiskFinding, check_affiliations
from kizuna.research.orcid import read_orcid
from kizuna.research.orgs import OrgRegistry, crosswalk_ids, registry
from kizuna.research.refusal import check_columns, check_query, refusal_rules
from kizuna.research.resolve import Resolved, resolve
from kizuna.research.rules import rules, rules_version
from kizuna.research.works import (
    SAMPLE,
    Institution,
    Work,
    author_works,
    coauthor_institutions,
    read_works,
    sample_works,
)

TEAM_COLUMNS = ("member", "orcid_file", "openalex_author", "affiliations", "past_affiliations", "funders")


@dataclass(slots=True)
class Diligence:
    """The answer to a due-diligence check: what was resolved, what was found, what could not be checked."""

    subject: str
    kind: str  # institution, researcher, team
    resolved: list[tuple[Affiliation, Resolved]] = field(default_factory=list)
    findings: list[RiskFinding] = field(default_factory=list)
    not_checked: list[dict[str, str]] = field(default_factory=list)
    priority: str | None = None
    members: int = 0
    as_of: str = field(default_factory=lambda: date.today().isoformat())
    priority_filter: AreaFilter | None = None  # what the priority narrowed (None: no priority given)

    @property
    def outcome(self) -> str:
        if not self.findings:
            return "nothing found (a non-hit is not a clearance)"
        listed = sum(1 for f in self.findings if f.finding().outcome.value == "met")
        return f"{listed} restricted-entity finding(s), {len(self.findings) - listed} note(s): review"

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "kind": self.kind, "as_of": self.as_of, "outcome": self.outcome,
                "ror_release": registry().release, "priority": self.priority,
                "priority_filter": self.priority_filter.to_dict() if self.priority_filter else None,
                "members": self.members,
                "findings": [f.to_dict() for f in self.findings],
                "resolved": [{**a.to_dict(), **r.to_dict()} for a, r in self.resolved if r.organisation],
                "unresolved": [{**a.to_dict(), "reasons": [x.text for x in r.reasons]}
                               for a, r in self.resolved if r.organisation is None],
                "not_checked": self.not_checked, "rule_data_version": rules_version()}

    def report(self) -> Report:
        """The report a research office files (rendered by ``kizuna.core.report``)."""
        orgs = registry()
        sources = [Citation(s.file, s.release, s.release, s.url, Confidence.VERIFIED, date=s.data_date)
                   for s in orgs.sources]
        facts: dict[str, Any] = {"kind": self.kind, "ROR release": orgs.release,
                                 "affiliations checked": len(self.resolved),
                                 "resolved to ROR": sum(1 for _, r in self.resolved if r.organisation),
                                 "not resolved": sum(1 for _, r in self.resolved if r.organisation is None)}
        if self.members:
            facts["team members"] = self.members
        if self.priority_filter:
            facts["priority area"] = self.priority_filter.priority
            facts["priority filter"] = self.priority_filter.text()
        if self.not_checked:
            facts["not checked"] = len(self.not_checked)
        return Report(f"Research due diligence: {self.subject}", self.subject, self.as_of,
                      [*(f.finding() for f in self.findings), *self._gaps()], sources, rules_version(), "research",
                      self.outcome, facts)

    def _gaps(self) -> list[Finding]:
        """Notes for what was not checked: affiliations resolving to no organisation, members given by name."""
        templates = rules().findings
        notes = [Finding.from_rule(Outcome.NOTE, templates.not_resolved,
                                   {"person": a.person or self.subject, "kind": a.kind, "text": a.text,
                                    "source": a.source, "reason": "; ".join(x.text for x in r.reasons)},
                                   rule="not-resolved", evidence=(Evidence(EvidenceKind.RECORD, a.text,
                                                                           data=a.to_dict()),))
                 for a, r in self.resolved if r.organisation is None]
        notes += [Finding.from_rule(Outcome.NOTE, templates.not_checked, item, rule="not-checked",
                                    evidence=(Evidence(EvidenceKind.RECORD, item["subject"]),))
                  for item in self.not_checked]
        return notes


def resolve_affiliation(text: str, country: str | None = None) -> Resolved:
    """``kizuna research resolve``: an affiliation string to its ROR organisation."""
    return resolve(text, country)


def check(query: str, priority: str | None = None) -> Diligence:
    """An institution (name in any script, or ROR id) and its ROR parents against the lists and cited data.
    A query about nationality or ethnicity is refused; a query naming no organisation finds nothing and says a
    person's name alone is never screened. A priority narrows nothing here (an institution's listings hold in
    every area) and the answer says so."""
    chosen = area(priority) if priority else None
    text = " ".join(query.split())
    if not text:
        raise InputError("must not be empty", field="query")
    resolved = resolve(text)
    if resolved.organisation is None or resolved.matched_part != text:
        check_query(text)
    result = _diligence(text, "institution", [Affiliation(text, "institution", source="query")], chosen)
    if resolved.organisation is None:
        result.not_checked.append({"subject": text, "reason": refusal_rules().name_only})
    return result


def check_orcid(path: Path, priority: str | None = None) -> Diligence:
    """A researcher's ORCID record: every documented affiliation and funder (whatever the priority)."""
    chosen = area(priority) if priority else None
    orcid, affiliations = read_orcid(path)
    return _diligence(f"ORCID {orcid}", "researcher", affiliations, chosen)


def check_openalex_author(author_id: str, works_file: Path | None = None, priority: str | None = None) -> Diligence:
    """An OpenAlex author: the institutions on their works and those of their co-authors (of the works in the
    priority area, when one is given)."""
    pool = _Pool.read(works_file, area(priority) if priority else None)
    if not author_works(pool.everything, author_id):
        raise InputError(f"no work of author {author_id} in the works", field="--openalex-author")
    affiliations = pool.author_affiliations(author_id, author_id)
    return _diligence(f"OpenAlex author {author_id}", "researcher", affiliations, pool.area, pool.filter)


def check_team(path: Path, works_file: Path | None = None, priority: str | None = None) -> Diligence:
    """A proposal team (CSV/xlsx, one member a row; see ``TEAM_COLUMNS``): every member's affiliations, funders,
    ORCID record and OpenAlex co-authors (of the works in the priority area, when one is given). A member given
    by name alone is listed as not checked."""
    chosen = area(priority) if priority else None
    table = read_table(path)
    check_columns(table.header, path)
    unknown = [c for c in table.header if c not in TEAM_COLUMNS]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r} (columns: {', '.join(TEAM_COLUMNS)})", path=path, line=1,
                         field=unknown[0])
    pool: _Pool | None = None
    affiliations: list[Affiliation] = []
    not_checked = []
    members = 0
    for line, row in table.records():
        members += 1
        if members > rules().diligence.max_team:
            raise InputError(f"more than {rules().diligence.max_team} members", path=path, line=line)
        label = (row.get("member") or "").strip() or f"row {line}"
        found = _member_affiliations(path, line, row, label)
        author = (row.get("openalex_author") or "").strip()
        if author:
            pool = pool or _Pool.read(works_file, chosen)
            found += pool.author_affiliations(author, label)
        if not found:
            reason = refusal_rules().name_only
            if author and chosen and pool and author_works(pool.everything, author):
                reason = f"no work of {author} in {chosen.priority} in the works, and no affiliation given"
            not_checked.append({"subject": label, "reason": reason})
        affiliations += found
    result = _diligence(path.name, "team", affiliations, chosen, pool.filter if pool else None)
    result.not_checked += not_checked
    result.members = members
    return result


@dataclass(slots=True)
class _Pool:
    """The works a check reads: all of them, those in the priority area, and the filter's account."""

    everything: list[Work]
    kept: list[Work]
    area: Area | None = None
    filter: AreaFilter | None = None

    @classmethod
    def read(cls, works_file: Path | None, chosen: Area | None) -> _Pool:
        works = read_works(works_file) if works_file else list(sample_works())
        if chosen is None:
            return cls(works, works)
        source = works_file.name if works_file else f"data/research/{SAMPLE}"
        kept, account = chosen.select(works, source, None if works_file else SAMPLE)
        return cls(works, kept, chosen, account)

    def author_affiliations(self, author_id: str, label: str) -> list[Affiliation]:
        """The author's affiliations from the kept works; those found only on the other works are counted as
        left out."""
        found = _author_affiliations(author_id, self.kept, label)
        if self.filter is not None:
            kept = {(a.text, a.kind) for a in found}
            self.filter.left_out.update(a.kind for a in _author_affiliations(author_id, self.everything, label)
                                        if (a.text, a.kind) not in kept)
        return found


def _member_affiliations(path: Path, line: int, row: dict[str, str], label: str) -> list[Affiliation]:
    found = []
    for column, kind, current in (("affiliations", "employment", True), ("past_affiliations", "employment", False),
                                  ("funders", "funding", None)):
        for text in (row.get(column) or "").split(";"):
            if text.strip():
                check_query(text, column, path, line)
                found.append(Affiliation(text.strip(), kind, current, source=f"{path.name}:{line} {column}",
                                         person=label))
    orcid_file = (row.get("orcid_file") or "").strip()
    if orcid_file:
        target = (path.parent / orcid_file).resolve()
        if path.parent.resolve() not in target.parents:
            raise InputError("an ORCID file must be inside the team file's folder", path=path, line=line,
                             field="orcid_file")
        found += [Affiliation(a.text, a.kind, a.current, a.period, a.source, a.country, label)
                  for a in read_orcid(target)[1]]
    return found


def _author_affiliations(author_id: str, works: Iterable[Work], label: str) -> list[Affiliation]:
    """The author's own institutions on each work and their co-authors' institutions (most shared first)."""
    works = list(works)
    orgs = registry()
    own: dict[str, Affiliation] = {}
    for work, authorship in author_works(works, author_id):
        for inst in authorship.institutions:
            own.setdefault(inst.openalex_id, Affiliation(
                _institution_text(inst, orgs), "affiliation on a work", None, str(work.year or ""),
                f"OpenAlex work {work.id}", inst.country, label))
    limit = rules().diligence.max_coauthor_institutions
    coauthors = [Affiliation(_institution_text(inst, orgs), "co-author institution", None, "",
                             f"OpenAlex, {n} shared work(s)", inst.country, label)
                 for inst, n in coauthor_institutions(works, author_id).most_common(limit)]
    return [*own.values(), *coauthors]


def _institution_text(inst: Institution, orgs: OrgRegistry) -> str:
    """A work's institution as the resolver takes it: its ROR id when the work or the crosswalk gives one."""
    found = inst.ror_id or crosswalk_ids().get(inst.openalex_id)
    return f"https://ror.org/{found}" if found and orgs.get(found) else inst.name


def _diligence(subject: str, kind: str, affiliations: list[Affiliation], chosen: Area | None,
               account: AreaFilter | None = None) -> Diligence:
    resolved, findings = check_affiliations(affiliations)
    if chosen is not None and account is None:
        account = AreaFilter(chosen.priority)  # nothing was read from works: nothing to narrow
    return Diligence(subject, kind, resolved, findings, priority=chosen.priority if chosen else None,
                     priority_filter=account)


def strength(priority: str, country: str | None = None, works_file: Path | None = None,
             year: int | None = None) -> coauthor.Strength:
    """``kizuna research coauthors``: who is strong in a priority, and who already works together."""
    return coauthor.strength(priority, country, works_file, year=year)


def priority_rows(priority: str | None = None, text: str | None = None) -> list[priorities.Priority]:
    """``kizuna research priorities``: the crosswalk rows, filtered."""
    return priorities.select(priority, text)
