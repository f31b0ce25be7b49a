"""What ``kizuna controls …``, ``/v1/controls/…`` and the console pages call: one function per question, each
answer carrying the date its lists are as of and the citations (a recalled row shown as unconfirmed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kizuna.controls import allies, gaps
from kizuna.controls.ccl import Ccl, bundled_ccl, read_ccl
from kizuna.controls.codes import jp_categories, parse, us_code_for
from kizuna.controls.crosswalk import rows_for
from kizuna.controls.paragraphs import Paragraph
from kizuna.controls.requirements import requirements_for
from kizuna.controls.sources import citation, list_sources, path_of
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.evidence import Evidence, EvidenceKind, Finding, Outcome, Reason
from kizuna.core.paths import bundled
from kizuna.core.report import Report, data_version
from kizuna.core.templating import add_templates

add_templates(Path(__file__).parent / "templates")  # controls/gaps_report.html in the one Jinja environment


def _ccl_reference(reference: str) -> tuple[str, str]:
    """An ECCN reference from an ECCN, a Wassenaar code (3.B.1.f) or an EU code, and a note on how it was read."""
    text = reference.strip()
    if not text:
        raise InputError("give an ECCN or paragraph, e.g. 3A090.a.2", field="reference")
    if text[:1].isdigit() and text[1:2] == ".":
        entry = parse(text, "wassenaar", field="reference")
        code, why = us_code_for(entry.key)
        if why:
            return code, f"Wassenaar {entry.code} is US {code}: {why}"
        return code, f"Wassenaar {entry.code} is written {code} in EU Annex I and the CCL"
    return text, ""


def entry(reference: str, ccl: Ccl | None = None) -> dict[str, Any]:
    """An ECCN or paragraph: its text (with its ancestors'), notes, sub-paragraphs, related controls and
    definitions, the Wassenaar entry of the same number, and the crosswalk rows about it with their confidence."""
    edition = ccl or bundled_ccl()
    ref, how = _ccl_reference(reference)
    found = edition.lookup(ref)
    eccn, paragraph = found.eccn, found.paragraph
    wa = _wassenaar_entry(found.reference)
    rows = rows_for(found.reference)
    return {
        "reference": found.reference, "eccn": eccn.code, "heading": eccn.heading, "as_of": edition.as_of,
        "read_as": how, "text": found.text(),
        "paragraph": paragraph.to_dict(depth=1) if paragraph else None,
        "notes": _notes(found.path),
        "paragraphs": [] if paragraph else [p.to_dict(1) for p in eccn.paragraphs],
        "entry_notes": [] if paragraph else [n.to_dict() for n in eccn.notes],
        "preamble": "" if paragraph else eccn.preamble,
        "related_controls": eccn.related_controls, "related_definitions": eccn.related_definitions,
        "heading_only": eccn.heading_only,
        "licence_requirements": _requirements(eccn.code, found.reference if paragraph else None),
        "wassenaar": wa.to_dict() if wa else None,
        "crosswalk": [r.to_dict() for r in rows],
        "sources": [edition.source.to_dict(), *(r.citation().to_dict() for r in rows)],
    }


def _requirements(code: str, paragraph: str | None) -> list[dict[str, Any]]:
    """The ECCN's License Requirements rows (``kizuna.controls.requirements``), each saying whether it applies to
    the paragraph asked about: true, false, or null where the row's scope cannot tell (then: which paragraph?)."""
    try:
        rows = requirements_for(code)
    except InputError:
        return []  # an ECCN of another edition than the table's
    return [{**row.to_dict(), "applies": row.applies_to(paragraph)} for row in rows]


def _wassenaar_entry(reference: str) -> allies.WassenaarEntry | None:
    """The deepest Wassenaar entry of the same item: by the comparison key, so a US paragraph whose letter means
    another item (US 3B002.b is WA 3.B.2.c) finds the right one, and a US-only paragraph none."""
    key = parse(reference, "us-eccn", field="reference").key
    by_code = allies.wassenaar_by_eu_code()
    parts = key.split(".")
    return next((by_code[c] for n in range(len(parts), 0, -1) if (c := ".".join(parts[:n])) in by_code), None)


def _notes(path: list[Paragraph]) -> list[dict[str, str]]:
    """The notes that apply to a paragraph: its ancestors' and its own (Note 1 to 3A090.a applies to .a.2)."""
    out, seen = [], set()
    for paragraph in path:
        for note in paragraph.notes:
            if id(note) not in seen:
                seen.add(id(note))
                out.append({**note.to_dict(), "of": paragraph.label})
    return out


def jp_item(item: str) -> dict[str, Any]:
    """An item (項) of Japan's 別表第一 as the e-Gov text has it, sentence by sentence, with the Wassenaar category
    it follows and, for item 7, the 23 SME items of 2023 that the ministerial order lists under it."""
    number = item.strip().removesuffix("の項").removesuffix("項").replace("-", "の")
    sentences = [i for i in allies.jp_table1() if i.item == number]
    if not sentences:
        known = ", ".join(dict.fromkeys(i.item for i in allies.jp_table1()))
        raise NotFoundError(f"別表第一 has no item {item!r} (its items: {known})")
    sme = [s for s in allies.jp_sme_items() if "7の項" in s.legal_basis] if number == "7" else []
    return {"item": number, "as_of": sentences[0].as_of, "destinations": sentences[0].destinations,
            "wassenaar_category": jp_categories().get(number), "catch_all": sentences[0].catch_all,
            "sentences": [{"sub_item": i.sub_item, "text": i.text} for i in sentences],
            "sme_items_2023": [s.to_dict() for s in sme],
            "sources": [citation("jp_table1").to_dict(), *([citation("jp_sme").to_dict()] if sme else [])]}


def edition(path: Path | None = None, as_of: str | None = None) -> Ccl:
    """The bundled CCL, or the eCFR part 774 file at ``path`` (JSON, .json.gz or the eCFR XML) as of ``as_of``."""
    if path is None:
        return bundled_ccl()
    if not as_of:
        raise InputError("give the date the file's text is as of (the eCFR edition date)", field="--ccl-date")
    return read_ccl(path, gaps.check_date(as_of, "--ccl-date") or as_of)


def search(query: str, category: str | None = None, limit: int = 50, ccl: Ccl | None = None) -> dict[str, Any]:
    edition = ccl or bundled_ccl()
    hits = edition.search(query, category=category, limit=limit)
    return {"query": query, "category": category or "", "as_of": edition.as_of, "count": len(hits),
            "hits": [h.to_dict() for h in hits], "sources": [edition.source.to_dict()]}


def gap_matrix(category: str = "", as_of: str | None = None, show: str = "all",
               controlled_by: str | None = None) -> dict[str, Any]:
    return gaps.matrix(category, as_of, show, controlled_by).to_dict()


def diff(date_from: str, date_to: str, category: str = "") -> dict[str, Any]:
    return gaps.diff(date_from, date_to, category)


def lists() -> dict[str, Any]:
    """The bundled lists: each with its date, citation, confidence and size."""
    sizes = {"ccl": len(bundled_ccl()), "wassenaar": len(allies.wassenaar_entries()),
             "eu": sum(bool(e.eu_code) for e in allies.wassenaar_entries()), "jp_table1": len(allies.jp_table1()),
             "jp_sme": len(allies.jp_sme_items()), "nl": len(allies.nl_measures()),
             "measures": len(allies.measures()), "crosswalk": len(gaps.crosswalk())}
    return {"lists": [{"name": name, "records": sizes[name], "as_of": item.as_of, "title": item.title,
                       "citation": item.citation, "url": item.url, "confidence": item.confidence}
                      for name, item in list_sources().items()]}


def _row_finding(row: gaps.GapRow) -> Finding:
    cells = row.cells
    controlled = [f"{j} ({c.since or 'date unknown'})" for j, c in cells.items() if c.status == gaps.CONTROLLED]
    text = (f"{row.family}: controlled by {', '.join(controlled) or 'none'}"
            + (f"; unknown: {', '.join(row.unknown)}" if row.unknown else "")
            + ("; UNILATERAL" if row.unilateral else ""))
    reasons = tuple(Reason(f"cell.{j}", f"{j}: {c.status}" + (f" since {c.since}" if c.since else "")
                           + (f" under {c.code}" if c.code and c.status == gaps.CONTROLLED else "")
                           + f" ({c.confidence}{', unconfirmed' if c.unconfirmed else ''})",
                           {"status": c.status, "since": c.since, "confidence": c.confidence})
                    for j, c in cells.items())
    outcome = Outcome.MET if row.unilateral or row.unknown else Outcome.NOT_MET
    return Finding(outcome, text, rule=f"crosswalk:{row.row.line}", citations=(row.row.citation(),),
                   evidence=(Evidence(EvidenceKind.RECORD, row.description, reasons=reasons),))


def gap_report(category: str = "", as_of: str | None = None, show: str = "all",
               controlled_by: str | None = None) -> tuple[Report, gaps.GapMatrix]:
    """The gap matrix as a report (the one renderer: JSON, CSV, HTML, PDF); a finding is "met" where the row
    is a gap: one jurisdiction alone, or unknown cells."""
    result = gaps.matrix(category, as_of, show, controlled_by)
    summary = result.summary()
    files = [path_of(n) for n in ("crosswalk", "measures", "nl", "jp_sme")] + [bundled("controls", "lists.yaml")]
    report = Report(title=f"Allied control gap matrix, category {result.category}",
                    subject=f"category {result.category}", as_of=result.as_of or "every date in the data",
                    findings=[_row_finding(r) for r in result.rows], sources=result.sources,
                    rule_data_version=data_version(files), capability="controls",
                    outcome=f"{summary['unilateral']} unilateral rows, {summary['unknown_cells']} unknown cells, "
                            f"{summary['unconfirmed_rows']} rows unconfirmed (recalled) of {summary['rows']}",
                    facts={"category": result.category, "as_of": result.as_of or "all dates", "rows shown": show
                           + (f", controlled by {controlled_by.upper()}" if controlled_by else ""),
                           "jurisdictions": ", ".join(gaps.JURISDICTIONS), **summary})
    return report, result


def gap_csv_rows(result: gaps.GapMatrix) -> tuple[list[str], list[list[Any]]]:
    """The matrix as a table: one row per family, status / since / code / confidence per jurisdiction."""
    header = ["family", "description", "confidence", "unilateral", "unknown"]
    for j in gaps.JURISDICTIONS:
        header += [f"{j}_status", f"{j}_since", f"{j}_code", f"{j}_confidence"]
    rows = []
    for row in result.rows:
        line: list[Any] = [row.family, row.description, row.confidence + (" (unconfirmed)" if row.confidence ==
                                                                          "recalled" else ""),
                           "yes" if row.unilateral else "no", " ".join(row.unknown)]
        for j in gaps.JURISDICTIONS:
            c = row.cells[j]
            line += [c.status, c.since, c.code, c.confidence + (" (unconfirmed)" if c.unconfirmed else "")]
        rows.append(line)
    return header, rows
