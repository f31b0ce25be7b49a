"""CCL-based licence requirements: each License Requirements row of the item's ECCN against the destination —
a chart column through the Commerce Country Chart (§ 738.4), or the row's verbatim special requirement read as a
destination scope (§ 742.6(a)(6), (a)(10), § 742.4(a)(4), part 746 …)."""

from __future__ import annotations

from kizuna.controls.requirements import Kind, LicenceRequirement, requirements_for
from kizuna.core.evidence import Evidence, EvidenceKind, Reason
from kizuna.licensing.assessment import Answer, Determination
from kizuna.licensing.ear.item import EarItem
from kizuna.licensing.ear.rules import FootnoteRule, Special, chart_row, citation, footnotes, rules

US = "US"


def chart_determinations(item: EarItem, destination: str) -> list[Determination]:
    """One determination per License Requirements row of the item's ECCN (and the destination's chart notes)."""
    if item.eccn is None:
        return []
    row = chart_row(destination)
    found = [_requirement(r, item, destination) for r in requirements_for(item.eccn)]
    if row is not None:
        found.extend(_footnote(n, item, destination) for n in row.footnotes)
    return found


def _requirement(req: LicenceRequirement, item: EarItem, destination: str) -> Determination:
    texts = rules().chart
    values = {"eccn": req.eccn, "row": req.row, "reason": req.reason, "scope": req.scope,
              "destination": destination, "paragraph": item.label, "edition": req.edition, "note": req.note}
    if req.kind is Kind.NO_DATA:
        return _det(req, "ccl", texts.no_data.format(**values), "unknown",
                    question=texts.no_data_question.format(**values))
    if req.kind is Kind.NO_TABLE:
        return _det(req, "ccl", texts.no_table.format(**values), "unknown",
                    question=texts.no_data_question.format(**values))
    covers = req.applies_to(item.paragraph)
    if covers is False:
        return _det(req, "ccl", texts.not_this_paragraph.format(**values), False, applies=False)
    if covers is None:
        return _det(req, "ccl", texts.which_paragraph.format(**values), "unknown",
                    question=texts.which_paragraph_question.format(**values))
    if req.column is not None:
        return _column(req, destination, values)
    return _special(req, destination, values)


def _column(req: LicenceRequirement, destination: str, values: dict[str, object]) -> Determination:
    texts = rules().chart
    row = chart_row(destination)
    values = {**values, "column": req.column}
    if row is None:
        return _det(req, "chart", texts.no_row.format(**values), "unknown",
                    question=texts.no_row_question.format(**values))
    if row.row_text:
        return _det(req, "chart", texts.pointer.format(**values, row_text=row.row_text), False, applies=False)
    marked = req.column in row.marked
    text = (texts.required if marked else texts.not_required).format(**values)
    return _det(req, "chart", text, marked, applies=marked)


def _special(req: LicenceRequirement, destination: str, values: dict[str, object]) -> Determination:
    texts = rules().special_texts
    special = req.special or ""
    values = {**values, "special": special}
    scope = next((s for s in rules().special if any(m in special for m in s.match)), None)
    if scope is None:
        return _det(req, "ccl", texts.unread.format(**values), "unknown",
                    question=texts.unread_question.format(**values))
    inside = scope.covers(destination)
    text = (texts.required if inside else texts.not_required).format(**values, rule_text=scope.text)
    return _special_det(req, scope, text, inside)


def _special_det(req: LicenceRequirement, scope: Special, text: str, inside: bool) -> Determination:
    cited = citation(scope.id, scope.source, scope.paragraph, scope.text, confidence=scope.confidence,
                     note=scope.note)
    return Determination(US, f"{scope.id}:{req.eccn}-{req.row}", cited, inside, text, applies=inside,
                         evidence=(_row_evidence(req),))


def _det(req: LicenceRequirement, source: str, text: str, answer: Answer, *, applies: bool = True,
         question: str | None = None) -> Determination:
    texts = rules().chart
    rule_id = f"{texts.id}:{req.eccn}-{req.row}"
    paragraph = f"{req.eccn} License Requirements ({req.reason or 'no table'}); {texts.paragraph}"
    cited = citation(rule_id, source, paragraph, req.special or req.column or req.note or req.reason)
    return Determination(US, rule_id, cited, answer, text, applies=applies, question=question,
                         evidence=(_row_evidence(req),))


def _footnote(number: str, item: EarItem, destination: str) -> Determination:
    texts = rules().chart
    note = footnotes().get(number, "")
    rule = next((r for r in rules().footnote_rules if r.footnote == number), None)
    if rule is not None and item.eccn in (*rule.eccns, *rule.partly):
        return _footnote_rule(rule, item, destination, note)
    text = texts.footnote.format(number=number, destination=destination, text=note)
    cited = citation(f"{texts.id}-footnote-{number}", "chart", f"part 738 Supp. No. 1, footnote {number}", note)
    return Determination(US, f"{texts.id}-footnote-{number}", cited, False, text, applies=False)


def _footnote_rule(rule: FootnoteRule, item: EarItem, destination: str, note: str) -> Determination:
    cited = citation(rule.id, "chart", rule.paragraph, note)
    values = {"destination": destination, "item": item.label, "eccn": item.eccn, "text": note}
    if item.within(rule.except_):
        return Determination(US, rule.id, cited, False, rule.partly_text.format(**values), applies=False)
    if item.eccn in rule.eccns:
        return Determination(US, rule.id, cited, True, rule.required.format(**values))
    return Determination(US, rule.id, cited, "unknown", rule.partly_text.format(**values),
                         question=rule.question.format(**values))


def _row_evidence(req: LicenceRequirement) -> Evidence:
    return Evidence(EvidenceKind.RECORD, f"{req.eccn} License Requirements row {req.row}", reasons=(
        Reason("lr-row", f"{req.reason}: {req.scope} — {req.column or req.special or req.note}",
               {"eccn": req.eccn, "row": req.row, "confidence": req.confidence}),),
        data=req.to_dict())
