"""The US EAR rule data (``data/licensing/ear/rules.yaml``) as typed models, the Country Groups and the
Commerce Country Chart, each read once per process, and the citation of each rule with the edition of its text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic import Field

from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Confidence
from kizuna.core.paths import bundled
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.core.tables import read_table

RULE_FILE = "licensing/ear/rules.yaml"
GROUPS_FILE = "licensing/ear/country_groups.csv"
CHART_FILE = "licensing/ear/country_chart.csv"
FOOTNOTES_FILE = "licensing/ear/country_chart_footnotes.csv"
CHART_COLUMNS = ("CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1", "RS1", "RS2", "FC1", "CC1", "CC2", "CC3",
                 "AT1", "AT2")


class KeptText(RuleModel):
    citation: str
    edition: str
    file: str
    url: str
    confidence: Confidence
    note: str = ""


class ChartTexts(RuleModel):
    id: str
    paragraph: str
    required: str
    not_required: str
    not_this_paragraph: str
    which_paragraph: str
    which_paragraph_question: str
    pointer: str
    footnote: str
    no_row: str
    no_row_question: str
    no_data: str
    no_data_question: str
    no_table: str


class FootnoteRule(RuleModel):
    footnote: str
    id: str
    paragraph: str
    eccns: list[str]
    partly: list[str]
    required: str
    partly_text: str
    question: str
    except_: list[str] = Field(default_factory=list, alias="except")


class DestinationScope(RuleModel):
    """A destination scope: worldwide, or these countries and groups, minus the excepted ones."""

    worldwide: bool = False
    countries: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    except_groups: list[str] = Field(default_factory=list)
    except_countries: list[str] = Field(default_factory=list)

    def covers(self, country: str) -> bool:
        country = governed_as(country)
        inside = self.worldwide or country in self.countries or in_groups(country, self.groups)
        return inside and country not in self.except_countries and not in_groups(country, self.except_groups)


class Special(DestinationScope):
    id: str
    match: list[str]
    paragraph: str
    text: str
    confidence: Confidence = Confidence.VERIFIED
    note: str = ""
    source: str = "742.6"


class SpecialTexts(RuleModel):
    required: str
    not_required: str
    unread: str
    unread_question: str


class Embargo(RuleModel):
    id: str
    destination: str | list[str]
    paragraph: str
    ear99: bool | str
    text: str
    ear99_exempt_note: str = ""
    ear99_text: str = ""
    ear99_question: str = ""

    def covers(self, country: str) -> bool:
        return country in ([self.destination] if isinstance(self.destination, str) else self.destination)


class EmbargoTexts(RuleModel):
    not_embargoed: str
    ear99_exempt: str


class EndUseChoices(RuleModel):
    choices: dict[str, str]
    cues: dict[str, list[str]]
    cue_text: str
    question: str


class EndUseRule(DestinationScope):
    id: str
    paragraph: str
    end_use: str
    text: str
    eccns: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    any_item: bool = False
    ccl_item: bool = False


class HeadquartersRule(RuleModel):
    id: str
    paragraph: str
    eccns: list[str]
    outside_groups: list[str]
    unless_groups: list[str]
    headquarters: list[str]
    headquarters_groups: list[str]
    required: str
    not_required: str
    inside: str
    unknown: str
    question: str
    out_of_scope_item: str


class EndUseTexts(RuleModel):
    required: str
    out_of_scope_item: str
    out_of_scope_destination: str
    not_stated: str
    no_end_use: str


class MilitaryRule(RuleModel):
    id: str
    paragraph: str
    countries: list[str]
    recalled_countries: list[str]
    recalled_note: str
    supp2_eccns: list[str]
    supp2_note: str
    required: str
    meu_required: str
    not_required: str
    not_stated: str
    not_supp2: str
    supp2_question: str


class UsPersonRule(RuleModel):
    id: str
    paragraph: str
    end_uses: list[str]
    scopes: dict[str, DestinationScope]
    required: str
    not_stated: str
    outside: str


class EntityListRule(RuleModel):
    id: str
    paragraph: str
    lists: list[str]
    required: str
    possible: str
    question: str
    none: str
    more: str


class AffiliatesRule(RuleModel):
    id: str
    paragraph: str
    regime: str
    required: str
    possible: str
    question: str
    not_required: str
    suspended: str
    no_graph: str


class OtherLists(RuleModel):
    id: str
    paragraph: str
    lists: list[str]
    required: str
    effects: dict[str, str]
    licence: dict[str, bool]
    confidence: Confidence


class Fdp(RuleModel):
    id: str
    paragraph: str
    us_origin: str
    trigger_listed: str
    trigger_destination: str
    trigger_lists: list[str]
    trigger_countries: list[str]
    trigger_groups: list[str]
    triggered: str
    no_trigger: str
    question: str


class ExceptionRules(RuleModel):
    id: str
    paragraph: str
    conditions: dict[str, str]
    barring: dict[str, str]
    named: str
    barred: str
    none: str


class NacAca(RuleModel):
    id: str
    paragraph: str
    eccns: list[str]
    nac_countries: list[str]
    nac_groups: list[str]
    aca_groups: list[str]
    restricted_prefixes: list[str]
    restriction_exempt: list[str]
    nac: str
    aca: str
    why_destination: str
    why_headquarters: str
    restricted: str


class EarRules(RuleModel):
    """``data/licensing/ear/rules.yaml``."""

    texts: dict[str, KeptText]
    no_list_items: list[str]
    identified: float
    chart_rows_of: dict[str, str]
    chart: ChartTexts
    footnote_rules: list[FootnoteRule]
    special: list[Special]
    special_texts: SpecialTexts
    embargoes: list[Embargo]
    embargo_texts: EmbargoTexts
    end_use: EndUseChoices
    rules_744_23: list[EndUseRule]
    rule_744_23_a_3: HeadquartersRule
    texts_744_23: EndUseTexts
    rule_744_21: MilitaryRule
    rule_744_6: UsPersonRule
    rule_744_11: EntityListRule
    rule_affiliates: AffiliatesRule
    other_lists: OtherLists
    fdp: Fdp
    exceptions: ExceptionRules
    nac_aca: NacAca


@cache
def rules() -> EarRules:
    return bundled_rules(RULE_FILE, EarRules)


def citation(rule_id: str, text_key: str, paragraph: str, text: str, *,
             confidence: Confidence | None = None, note: str = "") -> Citation:
    """The citation of one rule: its paragraph, what it says, and the edition of the text it was read from."""
    source = rules().texts[text_key]
    level = confidence if confidence is not None else source.confidence
    notes = "; ".join(n for n in (f"edition: {source.edition}", source.note, note) if n)
    return Citation(rule_id, text, paragraph, source.url, level, notes, source.edition)


@cache
def groups() -> dict[str, frozenset[str]]:
    """Country group code (``D:5``) → ISO codes, from ``country_groups.csv``."""
    table = read_table(bundled(GROUPS_FILE))
    table.require("group_code", "iso2")
    found: dict[str, set[str]] = {}
    for _line, record in table.records():
        found.setdefault(record["group_code"].strip(), set()).add(record["iso2"].strip().upper())
    return {code: frozenset(members) for code, members in found.items()}


def governed_as(country: str) -> str:
    """The destination whose rules govern ``country`` (Hong Kong: China, ``chart_rows_of``), else itself."""
    return rules().chart_rows_of.get(country, country)


def in_groups(country: str, codes: list[str] | tuple[str, ...]) -> bool:
    country = governed_as(country)
    known = groups()
    return any(country in known.get(code, frozenset()) for code in codes)


def groups_of(country: str) -> list[str]:
    return sorted(code for code, members in groups().items() if country in members)


@dataclass(frozen=True, slots=True)
class ChartRow:
    """One row of the Commerce Country Chart: the columns with an X, its footnotes, or the pointer text of an
    embargoed row (whose requirements are in part 746)."""

    iso2: str
    name: str
    marked: frozenset[str]
    footnotes: tuple[str, ...]
    row_text: str


@cache
def chart() -> dict[str, ChartRow]:
    path = bundled(CHART_FILE)
    table = read_table(path)
    table.require("iso2", "country_chart_name", "footnotes", "row_text", *CHART_COLUMNS)
    rows: dict[str, ChartRow] = {}
    for line, record in table.records():
        marks = {c for c in CHART_COLUMNS if record[c].strip()}
        odd = [c for c in marks if record[c].strip() != "X"]
        if odd:
            raise InputError(f"a chart cell holds {record[odd[0]]!r}, not X or empty", path=path, line=line,
                             field=odd[0])
        iso = record["iso2"].strip().upper()
        rows[iso] = ChartRow(iso, record["country_chart_name"].strip(), frozenset(marks),
                             tuple(n for n in record["footnotes"].split(";") if n.strip()), record["row_text"].strip())
    return rows


def chart_row(destination: str) -> ChartRow | None:
    """The chart row that governs ``destination`` (its own, or the one ``chart_rows_of`` names)."""
    return chart().get(governed_as(destination))


@cache
def footnotes() -> dict[str, str]:
    table = read_table(bundled(FOOTNOTES_FILE))
    table.require("footnote", "text")
    return {record["footnote"].strip(): record["text"].strip() for _line, record in table.records()}
