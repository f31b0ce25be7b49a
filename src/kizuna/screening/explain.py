"""Explanations a screening officer can read and defend, as typed steps: the path from the query to the listed
name, the words that met (and how), the words that did not, every score part and the final score.

A hit carries its explanation as a list of steps (``Hit.steps``); ``render`` is the one place that turns them into
the words the command line, the console, the exports and the API show (``Hit.explanation``). The API also returns
the steps themselves (``Step.to_dict``), so a program can read what met and by how much without parsing words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kizuna.screening.forms import Form
    from kizuna.screening.match import NameMatch, Pair

# Listed names matched as the list writes them; any other form (a reading, a romanisation) is named in the words.
_AS_WRITTEN = ("name", "cjk characters")


@dataclass(frozen=True, slots=True)
class QueryPath:
    """How the query became comparable: as written (``via`` "name") or a form of it (a translation, a reading)
    and the tables or readings its matched words needed, in order."""

    query: str
    via: str
    form: str
    tables: tuple[str, ...] = ()
    step: Literal["query_path"] = "query_path"


@dataclass(frozen=True, slots=True)
class ListedName:
    """The listed name that matched: its text and kind (primary, alias…), and the form it was matched as."""

    name: str
    kind: str
    via: str
    form: str
    step: Literal["listed_name"] = "listed_name"


@dataclass(frozen=True, slots=True)
class SharedWord:
    """A query word that met a listed word, and how: exact, spelling, sound, same reading, romanisation, initial,
    joined, same country, entry country; ``similarity`` is what it counted for (1 for exact)."""

    query: str
    listed: str
    how: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Shared:
    """Every pair of words the two names share (none is possible: a hit through qualifiers alone cannot be)."""

    words: tuple[SharedWord, ...]
    step: Literal["shared"] = "shared"


@dataclass(frozen=True, slots=True)
class Unmatched:
    """Words of one side (``query`` or ``listed``) the other side does not have."""

    side: Literal["query", "listed"]
    words: tuple[str, ...]
    step: Literal["unmatched"] = "unmatched"


@dataclass(frozen=True, slots=True)
class Conflict:
    """The names differ exactly where they identify a party: a number, a place, a kind of body (scoring.yaml
    ``conflicts`` factors)."""

    classes: tuple[str, ...]
    step: Literal["conflict"] = "conflict"


@dataclass(frozen=True, slots=True)
class QualifierNote:
    """How a country or region qualifier was weighed (``how``): in both names (``places``: its countries), the
    same country as the listed qualifier (``places``: that qualifier), naming the entry's country (``places``:
    the code), or only in the query / only in the listed name (``factor``: the score factor)."""

    how: Literal["both", "same_country", "entry_country", "query_only", "listed_only"]
    words: str
    places: str = ""
    factor: float | None = None
    step: Literal["qualifier"] = "qualifier"


@dataclass(frozen=True, slots=True)
class GenericOnly:
    """The names share only places and generic words, so the lower of the two coverages is the name score."""

    step: Literal["generic_only"] = "generic_only"


@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of the query's weight found in the listed name, and of the listed name's in the query, and the name
    score made of them (after conflicts and qualifier factors)."""

    query_coverage: float
    name_coverage: float
    name_score: float
    step: Literal["coverage"] = "coverage"


@dataclass(frozen=True, slots=True)
class EvidenceAdjustment:
    """A fact both sides state (``country``, ``type``, ``birth_year``): the query's value, the listed values,
    whether they agree, and what it added to the score (scoring.yaml ``evidence``)."""

    fact: Literal["country", "type", "birth_year"]
    query: str
    listed: tuple[str, ...]
    agrees: bool
    change: float
    step: Literal["evidence"] = "evidence"


@dataclass(frozen=True, slots=True)
class CrossListLink:
    """The hit is inherited from an entry on another list linked to this one as the same party (both list
    ``shared_name``); the other steps describe the match on that entry."""

    list_code: str
    entry_id: str
    name: str
    shared_name: str
    step: Literal["link"] = "link"


@dataclass(frozen=True, slots=True)
class FinalScore:
    """The hit's score: the name score with the evidence adjustments, within 0 to 1."""

    score: float
    step: Literal["score"] = "score"


Step = (QueryPath | ListedName | Shared | Unmatched | Conflict | QualifierNote | GenericOnly | Coverage
        | EvidenceAdjustment | CrossListLink | FinalScore)


def to_dict(step: Step) -> dict[str, Any]:
    """A step as JSON (as the API writes it): its fields, ``step`` naming its type, scores rounded to four places."""
    rounded: dict[str, Any] = _rounded(asdict(step))
    return rounded


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


# -- building -----------------------------------------------------------------------------------------------


def match_steps(query_text: str, form: Form, listed: ListedName, match: NameMatch) -> list[Step]:
    """The steps of one name match, from the query to the name score."""
    steps: list[Step] = [QueryPath(query_text, form.via, form.text, _tables(match.pairs)), listed,
                         Shared(tuple(dict.fromkeys(SharedWord(p.query, p.listed, p.how, p.similarity)
                                                    for p in match.pairs)))]
    if match.query_unmatched:
        steps.append(Unmatched("query", tuple(match.query_unmatched)))
    if match.name_unmatched:
        steps.append(Unmatched("listed", tuple(match.name_unmatched)))
    if match.conflicts:
        steps.append(Conflict(tuple(match.conflicts)))
    steps.extend(match.qualifiers)
    if match.generic_only:
        steps.append(GenericOnly())
    steps.append(Coverage(match.query_coverage, match.name_coverage, match.score))
    return steps


def _tables(pairs: Sequence[Pair]) -> tuple[str, ...]:
    """The tables or readings the matched query slots needed, once each, in order."""
    return tuple(dict.fromkeys(pair.slot.how for pair in pairs if pair.slot.how))


# -- rendering ----------------------------------------------------------------------------------------------


def render(steps: Sequence[Step]) -> str:
    """The steps in words: one paragraph from the query (through a cross-list link, if any) to the score."""
    link, head, rest, score = _parts(steps)
    there = f"{link}; there: " if link else ""
    return there + head + "".join(f"; {text}" for text in rest) + (f" → {score}" if score else "")


def render_lines(steps: Sequence[Step]) -> list[str]:
    """The same words as ``render``, one line per step, for a list on screen: the link, the query meeting the
    listed name, each further step, the final score."""
    link, head, rest, score = _parts(steps)
    return [*([link] if link else []), head, *rest, *([f"score {score}"] if score else [])]


def _parts(steps: Sequence[Step]) -> tuple[str, str, list[str], str]:
    """The link, the head (query path ↔ listed name: shared words), the further steps and the score, in words."""
    link = score = ""
    head: list[str] = []
    rest: list[str] = []
    for step in steps:
        if isinstance(step, CrossListLink):
            link = (f"linked to {step.list_code} entry '{step.name}' as the same party (both list the name "
                    f"'{step.shared_name}')")
        elif isinstance(step, QueryPath | ListedName | Shared):
            head.append(_words(step))
        elif isinstance(step, FinalScore):
            score = f"{step.score:.2f}"
        else:
            rest.append(_words(step))
    path, target, shared = head
    return link, f"{path} ↔ {target}: shared {shared}", rest, score


def _words(step: Step) -> str:
    """One step in words (the parts of the paragraph ``render`` joins)."""
    match step:
        case QueryPath(query=query, via=via, form=form, tables=tables):
            if via == "name":
                return f"'{query}'"
            return f"'{query}' → {via} ({'; '.join(tables)})" if tables else f"'{query}' → {via} '{form}'"
        case ListedName(name=name, kind=kind, via=via, form=form):
            shown = f" as {via} '{form}'" if via not in _AS_WRITTEN and form != name else ""
            return f"'{name}' ({kind}){shown}"
        case Shared(words=words):
            return ", ".join(dict.fromkeys(_shared_word(word) for word in words)) or "none"
        case Unmatched(side=side, words=words):
            return f"not in {'listed name' if side == 'query' else 'query'}: {', '.join(words)}"
        case Conflict(classes=classes):
            return f"names differ in {' and '.join(classes)}"
        case QualifierNote():
            return _qualifier(step)
        case GenericOnly():
            return "only places and generic words shared, so the lower coverage counts"
        case Coverage(query_coverage=query, name_coverage=name, name_score=score):
            return f"query coverage {query:.2f}, listed-name coverage {name:.2f} → name score {score:.2f}"
        case EvidenceAdjustment():
            return _evidence(step)
    raise ValueError(f"no words for step {step!r}")


def _shared_word(word: SharedWord) -> str:
    if word.how == "exact":
        return word.listed
    if word.how == "joined":
        return f"{word.query}={word.listed} (joined)"
    if word.how in ("same country", "entry country"):
        return f"{word.query}={word.listed} ({word.how})"
    return f"{word.query}≈{word.listed} ({word.how} {word.similarity:.2f})"


def _qualifier(note: QualifierNote) -> str:
    words = f"qualifier '{note.words}'"
    if note.how == "both":
        return f"{words} ({note.places}) in both names" if note.places else f"{words} in both names"
    if note.how == "same_country":
        return f"{words} = '{note.places}' (same country)"
    if note.how == "entry_country":
        return f"{words} names the entry's country {note.places}"
    where = "the query" if note.how == "query_only" else "the listed name"
    return f"{words} only in {where} (×{note.factor:.2f})"


def _evidence(item: EvidenceAdjustment) -> str:
    change = f"({item.change:+.2f})"
    if item.fact == "type":
        return f"type {item.query} vs listed {'/'.join(item.listed)} {change}"
    fact = "birth year" if item.fact == "birth_year" else "country"
    if item.agrees:
        return f"{fact} {item.query} matches {change}"
    return f"{fact} {item.query} not in {'/'.join(item.listed)} {change}"
