"""Japan's export licence rules (外為法第48条, 輸出貿易管理令): list control for the goods of 別表第一 items 1–15, and
the catch-all (補完的輸出規制, item 16) to destinations outside 別表第三 (Group A), whose exemption in 輸出令第4条第1項
第三号・第四号 is lost when the exporter is informed by METI or when the objective requirement is met — a party on
METI's End User List, or an end use the exporter names.

The rules and their texts, English and Japanese, are ``data/licensing/jp/fefta.yaml``; the item texts and the
destination tables come from the e-Gov XML of the Order as of 2026-02-14 (``data/licensing/jp/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from kizuna.controls import parse
from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence, Evidence, EvidenceKind, Reason
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.core.tables import read_table
from kizuna.licensing.assessment import Answer, Determination, Shipment, ShipmentParty, ShipmentRole

if TYPE_CHECKING:
    from kizuna.screening import Hit

RULE_FILE = "licensing/jp/fefta.yaml"
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


class HsChapters(RuleModel):
    quote: str
    ranges: list[tuple[int, int]]
    sub_item_1_ranges: list[tuple[int, int]]


class RuleCitation(RuleModel):
    id: str
    citation: str
    citation_en: str
    quote: str
    confidence: Confidence
    note: str = ""


class SmallValue(RuleCitation):
    """第4条第1項第五号: the small-value exemption from list control."""

    value_fact: str
    items: tuple[str, ...]
    limit_jpy: int
    strict_limit_jpy: int
    strict_items: tuple[str, ...]
    strict_if_notified: tuple[str, ...]
    strict_quote: str
    excluded_table: str
    excluded_quote: str
    needs_absent_group_a: tuple[str, ...]
    needs_absent: tuple[str, ...]
    needs_absent_embargo: tuple[str, ...]
    embargo_except: tuple[str, ...]


class JapanRequirement(RuleCitation):
    kind: str  # "informed", "end_user" or "end_use"
    concern: str = ""  # for end_use: "wmd" or "conventional"
    sub_items: list[str]
    embargo_sub_items: tuple[str, ...] = ()


class EndUse(RuleModel):
    id: str
    concern: str
    label: str
    label_ja: str
    also: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


class JapanTexts(RuleModel):
    """The reasons and questions, each English text ``key`` with its Japanese ``key_ja`` (questions: English)."""

    list_control: str
    list_control_ja: str
    small_value_open: str
    small_value_open_ja: str
    small_value_question: str
    small_value_over: str
    small_value_over_ja: str
    small_value_excluded: str
    small_value_excluded_ja: str
    small_value_notice: str
    small_value_notice_ja: str
    small_value_notice_question: str
    small_value_lost: str
    small_value_lost_ja: str
    small_value_pending: str
    small_value_pending_ja: str
    small_value: str
    small_value_ja: str
    not_list: str
    not_list_ja: str
    item_unknown: str
    item_unknown_ja: str
    item_question: str
    group_a: str
    group_a_ja: str
    listed: str
    listed_ja: str
    outside_16: str
    outside_16_ja: str
    informed: str
    informed_ja: str
    not_informed: str
    not_informed_ja: str
    informed_unknown: str
    informed_unknown_ja: str
    informed_question: str
    end_user: str
    end_user_ja: str
    no_end_user: str
    no_end_user_ja: str
    end_user_unknown: str
    end_user_unknown_ja: str
    end_user_question: str
    end_use: str
    end_use_ja: str
    end_use_words: str
    end_use_words_ja: str
    end_use_question: str
    no_end_use: str
    no_end_use_ja: str
    not_covered: str
    not_covered_ja: str
    sub_item_question: str
    scope_question: str
    scope_unknown: str
    scope_unknown_ja: str


class Fefta(RuleModel):
    """``data/licensing/jp/fefta.yaml``."""

    edition: str
    law: str
    law_en: str
    url: str
    text_file: str
    items_file: str
    destinations_file: str
    group_a: str
    arms_embargo: str
    eul_lists: list[str]
    not_listed: list[str]
    catch_all_item: str
    listed_items: dict[str, str]  # items 1–15 as the citation names them: {item: …, item_en: …}
    hs_fact: str
    hs_chapters: HsChapters
    list_control: RuleCitation
    small_value: SmallValue
    catch_all: RuleCitation
    requirements: list[JapanRequirement]
    end_uses: list[EndUse]
    roles: dict[str, tuple[str, str]]
    texts: JapanTexts


@cache
def rules() -> Fefta:
    return bundled_rules(RULE_FILE, Fefta)


@cache
def item_texts() -> dict[tuple[str, int | None], str]:
    """(item, sub-item number or None) → the text of 別表第一's 中欄, from the e-Gov XML's table."""
    path = bundled(rules().items_file)
    table = read_table(path)
    table.require("item_no", "sentence_no", "sub_item", "text_ja")
    out: dict[tuple[str, int | None], str] = {}
    for _, row in table.records():
        item, text = str(row["item_no"]), str(row["text_ja"]).strip()
        if str(row["sentence_no"]) == "1":
            out[(item, None)] = text  # the item's opening sentence stands for the whole item
        number = _kanji_number(str(row["sub_item"] or "").strip("（）"))
        if number is not None:  # (十の二) and the like are not addressable as 7の項(n)
            out.setdefault((item, number), text)
    return out


@cache
def destination_tables() -> dict[str, dict[str, str]]:
    """Table name (別表第三 …) → ISO code → the Order's name of the destination."""
    table = read_table(bundled(rules().destinations_file))
    table.require("table_ja", "country_ja", "iso2")
    out: dict[str, dict[str, str]] = {}
    for _, row in table.records():
        out.setdefault(str(row["table_ja"]), {})[str(row["iso2"]).upper()] = str(row["country_ja"])
    return out


def _kanji_number(text: str) -> int | None:
    """一 … 二十九 as a number; None for anything else (五の二)."""
    if not text or any(c not in _KANJI and c != "十" for c in text):
        return None
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return _KANJI.get(text)
    return (_KANJI.get(tens, 0) if tens else 1) * 10 + (_KANJI.get(units, 0) if units else 0)


@dataclass(frozen=True, slots=True)
class JapanItem:
    """The good as Japan's rules see it: a listed item (1–15), a catch-all good (16, its sub-item if known), not
    listed (非該当, scope by HS code), or not given as a 別表第一 number (``raw``)."""

    kind: str  # "listed", "catch_all", "not_listed", "unknown"
    raw: str
    item: str = ""
    sub: int | None = None
    text: str = ""

    def labels(self) -> dict[str, str]:
        """The item as the Order writes it (``7の項(1)``) and in English (``7(1)``); the input when not an item."""
        if not self.item:
            return {"item": self.raw, "item_en": self.raw}
        sub = f"({self.sub})" if self.sub else ""
        return {"item": f"{self.item.replace('-', 'の')}の項{sub}", "item_en": f"{self.item}{sub}"}


def resolve_item(shipment: Shipment) -> JapanItem:
    """Read ``shipment.item`` as a 別表第一 item; an item number the table lacks is an InputError."""
    raw = (shipment.item or "").strip()
    if not raw:
        return JapanItem("unknown", shipment.description or "no item")
    if raw.casefold() in {w.casefold() for w in rules().not_listed}:
        return JapanItem("not_listed", raw)
    try:
        entry = parse(raw, "jp-etco", field="--item")
    except InputError:
        if "項" in raw:
            raise
        return JapanItem("unknown", raw)
    item, _, sub_text = entry.code.partition("(")
    item = item.replace("の", "-")
    sub = int(sub_text.rstrip(")")) if sub_text else None
    text = item_texts().get((item, sub))
    if text is None:
        raise InputError(f"{raw!r}: 別表第一 {item}の項 has no ({sub})", field="--item")
    return JapanItem("catch_all" if item == rules().catch_all_item else "listed", raw, item, sub, text)


def assess_japan(shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> list[Determination]:
    """The Japanese determinations for an export from Japan: list control, then the catch-all requirements (or
    why the catch-all does not apply). An export from elsewhere gets none."""
    if shipment.exporter.upper() != "JP":
        return []
    item = resolve_item(shipment)
    return [_list_control(item, shipment, hits), *_catch_all(item, shipment, hits)]


def _list_control(item: JapanItem, shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> Determination:
    rule, texts = rules().list_control, rules().texts
    values = {**item.labels(), "text_ja": item.text, "quote": rule.quote,
              "destination": _destination_name(shipment.destination)}
    citation = _citation(rule, **(item.labels() if item.item else rules().listed_items))
    if item.kind == "listed":
        required = _determination(rule.id, citation, True, "list_control", values)
        return _small_value(item, shipment, hits, required) if item.item in rules().small_value.items else required
    if item.kind == "unknown":
        return _determination(rule.id, citation, "unknown", "item_unknown", values, applies=True,
                              question=texts.item_question)
    return _determination(rule.id, citation, False, "not_list", values, applies=False)


def _small_value(item: JapanItem, shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]],
                 required: Determination) -> Determination:
    """List control as the small-value exemption of 第4条第1項第五号 leaves it: exempt (no licence), still
    required (with why not), or unknown (with the question)."""
    small, texts = rules().small_value, rules().texts
    destination = shipment.destination.upper()
    value = _value(shipment, small.value_fact)
    code = item.item + (f"({item.sub})" if item.sub else "")
    limit = small.strict_limit_jpy if item.item in small.strict_items else small.limit_jpy
    values: dict[str, Any] = {**item.labels(), "value": value, "limit": limit, "strict": small.strict_limit_jpy,
                              "destination": _destination_name(destination), "table": small.excluded_table}

    def then(answer: Answer, key: str, question: str | None = None, evidence: tuple[Evidence, ...] = (),
             **more: Any) -> Determination:
        extra = {**values, **more}
        return replace(required, licence_required=answer, question=question, evidence=evidence,
                       citation=_citation(small) if answer is False else required.citation,
                       reason=f"{required.reason} {getattr(texts, key).format(**extra)}",
                       reason_ja=f"{required.reason_ja}{getattr(texts, key + '_ja').format(**extra)}")

    if destination in destination_tables().get(small.excluded_table, {}):
        return then(True, "small_value_excluded")
    if value is None:
        return then(True, "small_value_open")
    if value > limit:
        return then(True, "small_value_over")
    if code in small.strict_if_notified and value > small.strict_limit_jpy:
        return then("unknown", "small_value_notice", texts.small_value_notice_question)
    return _small_value_requirements(shipment, hits, then)


def _small_value_requirements(shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]],
                              then: Callable[..., Determination]) -> Determination:
    """第五号's parenthesis: the catch-all requirements that must not be met for the destination."""
    small, destination = rules().small_value, shipment.destination.upper()
    needed = list(small.needs_absent_group_a)
    if destination not in destination_tables().get(rules().group_a, {}):
        needed = list(small.needs_absent)
        if destination in destination_tables().get(rules().arms_embargo, {}) and \
                destination not in small.embargo_except:
            needed += small.needs_absent_embargo
    lost: list[Determination] = []
    pending: list[tuple[Determination, str]] = []
    evidence: list[Evidence] = []
    for requirement in (r for r in rules().requirements if r.id in needed):
        met, key, values, question, found = _met(requirement, shipment, hits)
        evidence.extend(found)
        reason = _determination(requirement.id, _citation(requirement), "unknown", key, values)
        if met:
            lost.append(reason)
        elif met is None:
            pending.append((reason, question or reason.reason))
    if lost:
        return then(True, "small_value_lost", evidence=tuple(evidence), lost="; ".join(d.reason for d in lost),
                    lost_ja="".join(d.reason_ja for d in lost))
    if pending:
        return then("unknown", "small_value_pending", pending[0][1], tuple(evidence),
                    pending=" ".join(q for _, q in pending), pending_ja="".join(d.reason_ja for d, _ in pending))
    return then(False, "small_value", evidence=tuple(evidence))


def _value(shipment: Shipment, fact: str) -> int | None:
    raw = shipment.facts.get(fact, "").replace(",", "").replace("_", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InputError(f"{shipment.facts[fact]!r} is not a value in whole yen", field=fact)
    return int(raw)


def _catch_all(item: JapanItem, shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> list[Determination]:
    """Why the catch-all does not apply, or one determination per requirement of 輸出令第4条第1項第三号・第四号."""
    fefta = rules()
    citation = _citation(fefta.catch_all)
    destination = shipment.destination.upper()
    values: dict[str, Any] = {"destination": _destination_name(destination), "table": fefta.group_a,
                              "quote": fefta.catch_all.quote, **item.labels()}
    if item.kind == "listed":
        return [_determination(fefta.catch_all.id, citation, False, "listed", values, applies=False)]
    if destination in destination_tables().get(fefta.group_a, {}):
        return [_determination(fefta.catch_all.id, citation, False, "group_a", values, applies=False)]
    in_16, sub = _scope(item, shipment)
    if in_16 is False:
        values["chapter"] = _chapter(shipment)
        return [_determination(fefta.catch_all.id, citation, False, "outside_16", values, applies=False)]
    embargo = destination in destination_tables().get(fefta.arms_embargo, {})
    scope_question = fefta.texts.item_question if item.kind == "unknown" else fefta.texts.scope_question
    return [_requirement(r, sub, in_16, embargo, scope_question, shipment, hits) for r in fefta.requirements]


def _scope(item: JapanItem, shipment: Shipment) -> tuple[bool | None, int | None]:
    """Whether the good is a 16項 good (None: not known), and its sub-item (1, 2, or None: not known)."""
    if item.kind == "catch_all":
        return True, item.sub
    chapter = _chapter(shipment) if item.kind == "not_listed" else None
    if chapter is None:
        return None, None
    chapters = rules().hs_chapters
    if not any(low <= chapter <= high for low, high in chapters.ranges):
        return False, None
    return True, 1 if any(low <= chapter <= high for low, high in chapters.sub_item_1_ranges) else 2


def _chapter(shipment: Shipment) -> int | None:
    raw = shipment.facts.get(rules().hs_fact, "").strip()
    if not raw:
        return None
    digits = re.sub(r"[.\s]", "", raw)
    if not re.fullmatch(r"\d{2,10}", digits):
        raise InputError(f"{raw!r} is not an HS code (digits, e.g. 8471.30)", field=rules().hs_fact)
    return int(digits[:2])


def _requirement(req: JapanRequirement, sub: int | None, in_16: bool | None, embargo: bool, scope_question: str,
                 shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]) -> Determination:
    """One requirement: does it cover this good and destination, and is it met on the facts given."""
    texts, citation = rules().texts, _citation(req)
    destination = _destination_name(shipment.destination)
    covered = _covered(req, sub, embargo)
    if covered is False:
        values = {"sub_item": sub, "destination": destination, "table": rules().arms_embargo}
        return _determination(req.id, citation, False, "not_covered", values, applies=False)
    met, key, values, question, evidence = _met(req, shipment, hits)
    if met is not True:
        return _determination(req.id, citation, "unknown" if met is None else False, key, values,
                              applies=False, question=question, evidence=evidence)
    if covered is None or in_16 is None:
        question = texts.sub_item_question.format(destination=destination, table=rules().arms_embargo) \
            if covered is None else scope_question
        determination = _determination(req.id, citation, "unknown", key, values, question=question,
                                       evidence=evidence)
        return _scope_unknown(determination)
    return _determination(req.id, citation, True, key, values, evidence=evidence)


def _covered(req: JapanRequirement, sub: int | None, embargo: bool) -> bool | None:
    def covers(s: str) -> bool:
        return s in req.sub_items or (embargo and s in req.embargo_sub_items)
    if sub is not None:
        return covers(str(sub))
    both = {covers("1"), covers("2")}
    return both.pop() if len(both) == 1 else None


def _met(req: JapanRequirement, shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]
         ) -> tuple[bool | None, str, dict[str, Any], str | None, tuple[Evidence, ...]]:
    """Whether the requirement is met, the text key and values of the reason, the question, the evidence."""
    texts = rules().texts
    if req.kind == "informed":
        key = {True: "informed", False: "not_informed", None: "informed_unknown"}[shipment.informed]
        return shipment.informed, key, {}, texts.informed_question if shipment.informed is None else None, ()
    if req.kind == "end_user":
        return _end_user(shipment, hits)
    return _end_use(req, shipment)


def _end_user(shipment: Shipment, hits: Sequence[tuple[ShipmentParty, Hit]]
              ) -> tuple[bool | None, str, dict[str, Any], str | None, tuple[Evidence, ...]]:
    """A hit on the End User List on any party meets it; with no hit and no end user named, it is not known."""
    listed = [(p, h) for p, h in hits if h.list_code in rules().eul_lists]
    if not listed:
        if not any(p.role is ShipmentRole.END_USER for p in shipment.parties):
            return None, "end_user_unknown", {}, rules().texts.end_user_question, ()
        return False, "no_end_user", {"parties": len(shipment.parties)}, None, ()
    party, hit = max(listed, key=lambda ph: ph[1].score)
    role_en, role_ja = rules().roles.get(party.role.value, (party.role.value, party.role.value))
    values = {"role": role_en, "role_ja": role_ja, "party": party.party.name, "listed": hit.name,
              "list": hit.list_code, "date": hit.data_date, "score": hit.score}
    return True, "end_user", values, None, tuple(_hit_evidence(p, h) for p, h in listed)


def _hit_evidence(party: ShipmentParty, hit: Hit) -> Evidence:
    summary = hit.summary()  # the explanation is rendered once, for the reason and the record
    return Evidence(EvidenceKind.LIST_HIT, f"{party.party.name} → {hit.name} ({hit.list_code})",
                    subject=party.party.ref(), score=hit.score,
                    reasons=(Reason("eul-match", summary["explanation"], {"listed": hit.name, "entry": hit.entry_id,
                                                                          "role": party.role.value}),),
                    data=summary)


def _end_use(req: JapanRequirement, shipment: Shipment
             ) -> tuple[bool | None, str, dict[str, Any], str | None, tuple[Evidence, ...]]:
    """A named end use of the requirement's concern meets it; a word of one in the free text asks."""
    uses = [u for u in rules().end_uses if u.concern == req.concern]
    chosen = {c.casefold() for c in shipment.end_uses}
    stated = Evidence(EvidenceKind.RECORD, "the end use as stated",
                      data={"end_uses": list(shipment.end_uses), "end_use": shipment.end_use})
    for use in uses:
        if chosen & {use.id, *use.also}:
            return True, "end_use", {"label": use.label, "label_ja": use.label_ja}, None, (stated,)
    text = shipment.end_use.casefold()
    for use in uses:
        words = [w for w in use.words if w.casefold() in text]
        if words:
            values = {"label": use.label, "label_ja": use.label_ja, "words": ", ".join(words)}
            question = rules().texts.end_use_question.format(**values)
            return None, "end_use_words", values, question, (stated,)
    label = "; ".join(u.label for u in uses)
    label_ja = "、".join(u.label_ja for u in uses)
    return False, "no_end_use", {"label": label, "label_ja": label_ja}, None, ()


def _scope_unknown(determination: Determination) -> Determination:
    """A met requirement whose scope is not known: the reason says the licence follows only if it is in scope."""
    texts = rules().texts
    return replace(determination, licence_required="unknown",
                   reason=texts.scope_unknown.format(reason=determination.reason),
                   reason_ja=texts.scope_unknown_ja.format(reason=determination.reason_ja))


def _destination_name(code: str) -> str:
    code = code.upper()
    for names in destination_tables().values():
        if code in names:
            return f"{names[code]} ({code})"
    return code


def _citation(rule: RuleCitation, **values: str) -> Citation:
    fefta = rules()
    text = f"{rule.citation.format(**values)} ({rule.citation_en.format(**values)})"
    return Citation(rule.id, rule.quote, text, fefta.url, rule.confidence, rule.note, fefta.edition)


def _determination(rule: str, citation: Citation, answer: Answer, key: str, values: dict[str, Any], *,
                   applies: bool = True, question: str | None = None,
                   evidence: tuple[Evidence, ...] = ()) -> Determination:
    """A Japanese determination with its reason in English and Japanese, both from the rule file's texts."""
    texts = rules().texts
    english = str(getattr(texts, key)).format(**values)
    japanese = str(getattr(texts, f"{key}_ja", "")).format(**values)
    return Determination("JP", rule, citation, answer, english, applies, question, evidence, japanese)
