"""A free-text affiliation string → its ROR organisation and parent, with a score and the reasons.

Affiliation strings name departments, cities and countries around the organisation ("Dept. of Physics, Tsinghua
Univ., Beijing"; 東京大学大学院工学系研究科). Before screening, the string is cut into the parts an organisation
name can be (runs of comma-separated parts; CJK prefixes ending in an organisation word) and common abbreviations
are written out; each part is screened against the ROR organisations through ``kizuna.screening`` and the best
hit at or above the rule file's ``accept`` score wins. A string whose best part stays below it is "no match"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kizuna.core.countries import to_alpha2
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.evidence import Reason
from kizuna.core.party import Party
from kizuna.research.orgs import Organisation, OrgRegistry, registry
from kizuna.research.rules import Resolution, rules
from kizuna.screening import Hit, screen

_ROR_ID = re.compile(r"^(?:https?://)?(?:ror\.org/)?(0[a-z0-9]{6}[0-9]{2})/?$")
_BRACKETS = re.compile(r"[(（]([^()（）]{1,40})[)）]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(slots=True)
class Resolved:
    """What an affiliation string resolved to (``organisation`` None: no match), and why."""

    query: str
    organisation: Organisation | None
    parent: Organisation | None
    score: float
    reasons: list[Reason] = field(default_factory=list)
    matched_part: str = ""
    release: str = ""

    def to_dict(self) -> dict[str, Any]:
        org, parent = self.organisation, self.parent
        return {"query": self.query, "ror_id": org.url if org else None, "name": org.name if org else None,
                "country": org.party.country if org else None,
                "parent": None if parent is None else {"ror_id": parent.url, "name": parent.name},
                "score": round(self.score, 4), "matched_part": self.matched_part,
                "reasons": [r.text for r in self.reasons],
                "source": None if org is None else {"origin": org.origin, "release": org.release,
                                                    "record": org.party.source},
                "ror_release": self.release}


def resolve(text: str, country: str | None = None) -> Resolved:
    """The ROR organisation ``text`` names (a ROR id, or a free-text affiliation in any script). ``country``
    (ISO alpha-2, the organisation's country where the source gives it, as OpenAlex and ORCID do) tells apart
    organisations of the same name; else a country named at the end of the string does."""
    cleaned = " ".join(text.split())
    config = rules().resolution
    if not cleaned:
        raise InputError("must not be empty", field="affiliation")
    if len(cleaned) > config.max_chars:
        raise InputError(f"longer than {config.max_chars} characters", field="affiliation")
    code = to_alpha2(country) if country else None
    if country and code is None:
        raise InputError(f"not a country: {country!r}", field="country")
    return _resolve(cleaned, code, registry().release)


@dataclass(frozen=True, slots=True)
class _Candidate:
    part: str
    span: frozenset[int]  # which comma-separated parts of the string it covers
    org: Organisation
    hit: Hit

    def rank(self, tie: float) -> tuple[float, bool, bool, int]:
        """Score (in steps of ``tie``), then a literal match over a translated one, the primary name over an
        alias, then the longer part of the string."""
        literal = self.literal
        return (round(self.hit.score / tie) if tie else self.hit.score, literal,
                literal and self.hit.matched_name == self.org.name, len(self.part))

    @property
    def literal(self) -> bool:
        return _plain(self.part) == _plain(self.hit.matched_name)

    @property
    def acceptable(self) -> bool:
        """A one-word Latin part ("Tsukuba", "Springfield") names an organisation only as its literal name or as
        an acronym written in capitals (KAIST, POSTECH): else it is the place of another part's organisation."""
        return (self.literal or self.part.isupper() or _CJK.search(self.part) is not None
                or len(self.part.split()) > 1)


@lru_cache(maxsize=4096)
def _resolve(text: str, country: str | None, release: str) -> Resolved:
    """``resolve`` once per string, country and ROR release (a fetched dump replaces the answers)."""
    orgs = registry()
    by_id = _ROR_ID.match(text.casefold())
    if by_id:
        return _by_id(orgs, text, by_id.group(1))
    config = rules().resolution
    hint = country or country_named(text, config)
    candidates = _candidates(orgs, text, hint, config)
    if not candidates:
        return _no_match(orgs, text, Reason("no-match", f"no ROR organisation scores {config.accept:.2f} or more for "
                                            "any part of the string", {"accept": config.accept}))
    best = max(candidates, key=lambda c: c.rank(config.tie))
    units = [c for c in candidates if _names_a_unit(c, best, orgs)]
    pool = units or [c for c in candidates if c.part == best.part]
    best = max(pool, key=lambda c: c.rank(config.tie))
    rivals = {c.org.ror_id: c.org for c in pool if c.org is not best.org and c.rank(config.tie)[:3] ==
              best.rank(config.tie)[:3] and c.part == best.part}
    if rivals:
        names = [f"{o.name} ({o.url})" for o in [best.org, *rivals.values()]]
        return _no_match(orgs, text, Reason("ambiguous", f"{best.part!r} names {len(names)} organisations equally "
                                            f"well: {'; '.join(names)}", {"candidates": names}))
    return _resolved(orgs, text, best, bool(units), candidates, hint)


def _names_a_unit(candidate: _Candidate, best: _Candidate, orgs: OrgRegistry) -> bool:
    """True when ``candidate`` is a unit (ROR descendant) of ``best``'s organisation named by another part of the
    string ("Institute of Physics, Chinese Academy of Sciences") or by a longer part that contains ``best``'s
    ("Czech Academy of Sciences, Institute of Physics", a name of the Academy's institute): the more specific
    record is the answer, not its parent."""
    elsewhere = not candidate.span & best.span or candidate.span > best.span
    return elsewhere and any(a is best.org for a, _ in orgs.ancestors(candidate.org))


def _resolved(orgs: OrgRegistry, text: str, best: _Candidate, unit: bool, candidates: list[_Candidate],
              hint: str | None) -> Resolved:
    reasons = [Reason("part", f"matched the part {best.part!r} of the string", {"part": best.part})
               ] if best.part != text else []
    if unit:
        parent = next(a for a, _ in orgs.ancestors(best.org) if any(c.org is a for c in candidates))
        reasons.append(Reason("parent-named", f"its ROR parent {parent.name} is named in the string too",
                              {"parent": parent.url}))
    if hint:
        reasons.append(Reason("country", f"country {hint} taken into account", {"country": hint}))
    reasons += [Reason("screening", line) for line in best.hit.explanation_lines]
    return Resolved(text, best.org, orgs.parent(best.org), best.hit.score, reasons, best.part, orgs.release)


def _candidates(orgs: OrgRegistry, text: str, country: str | None, config: Resolution) -> list[_Candidate]:
    """Every hit at or above ``accept`` for every part, without the ones a distinguishing word rules out and
    one-word parts that only resemble a name."""
    found = []
    for part, span in candidate_parts(text, config):
        party = Party(part, PartyKind.ORGANIZATION, country=country)
        hits = screen(party, screener=orgs.screener(), limit=config.candidates)
        found += [_Candidate(part, span, orgs.by_id[hit.entry_id], hit) for hit in hits
                  if hit.score >= config.accept and not distinguished(part, hit.matched_name, config.distinguishing)]
    return [c for c in found if c.acceptable]


def country_named(text: str, config: Resolution) -> str | None:
    """The country the last part of an affiliation string names ("…, Beijing 100084, China" → CN); two-letter
    parts are not read as codes (", CA," is California)."""
    pieces = _pieces(text, config)
    last = re.sub(r"[\d\-]+", " ", pieces[-1]).strip() if pieces else ""
    words = last.split()
    for size in range(min(3, len(words)), 0, -1):
        tail = " ".join(words[-size:])
        if len(tail) > 2 and (code := to_alpha2(tail)):
            return code
    return None


def distinguished(part: str, name: str, groups: list[list[str]]) -> bool:
    """True when a distinguishing concept (hospital, normal university …) is in one of the two and not the other."""
    a, b = part.casefold(), name.casefold()
    return any(any(w in a for w in group) != any(w in b for w in group) for group in groups)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _no_match(orgs: OrgRegistry, text: str, reason: Reason) -> Resolved:
    return Resolved(text, None, None, 0.0, [reason], release=orgs.release)


def clear_cache() -> None:
    """Forget the strings resolved so far (after the organisations changed; between benchmark runs)."""
    _resolve.cache_clear()


def _by_id(orgs: OrgRegistry, text: str, ror_id: str) -> Resolved:
    org = orgs.get(ror_id)
    if org is None:
        return _no_match(orgs, text, Reason("unknown-id", f"ROR id {ror_id} is not in {orgs.release} or the "
                                            "OpenAlex crosswalk", {"ror_id": ror_id}))
    return Resolved(text, org, orgs.parent(org), 1.0, [Reason("ror-id", "given as a ROR id")], text, orgs.release)


def candidate_parts(text: str, config: Resolution) -> list[tuple[str, frozenset[int]]]:
    """The parts of an affiliation string that may name the organisation, the whole string first, each with the
    comma-separated pieces it covers: runs of pieces, CJK prefixes, the part without a bracketed acronym and the
    acronym alone, each also with abbreviations written out."""
    pieces = _pieces(text, config)
    found = [(text, frozenset(range(len(pieces))))]
    for size in range(1, config.max_run + 1):
        for start in range(len(pieces) - size + 1):
            found.append((", ".join(pieces[start:start + size]), frozenset(range(start, start + size))))
    for part, span in list(found):
        if _CJK.search(part):
            found += [(prefix, span) for prefix in cjk_prefixes(part, config.cjk_org_suffixes)]
        for bracketed in _BRACKETS.findall(part):
            found += [(" ".join(_BRACKETS.sub(" ", part).split()), span), (bracketed.strip(), span)]
    found += [(expand(part, config.abbreviations), span) for part, span in list(found)]
    return list(dict.fromkeys((part, span) for part, span in found if part))


def _pieces(text: str, config: Resolution) -> list[str]:
    pieces = [p.strip() for p in re.split("|".join(map(re.escape, config.separators)), text) if p.strip()]
    return pieces[:config.max_parts]


def cjk_prefixes(text: str, suffixes: list[str]) -> list[str]:
    """Each prefix of ``text`` ending in an organisation word (東京大学 of 東京大学大学院工学系研究科)."""
    ends = {match.end() for suffix in suffixes for match in re.finditer(re.escape(suffix), text)}
    return [text[:end].strip() for end in sorted(ends) if end < len(text)]


def expand(text: str, abbreviations: dict[str, str]) -> str:
    """``text`` with abbreviated words written out ("Tsinghua Univ." → "Tsinghua University")."""
    words = []
    for word in text.split(" "):
        core, comma = (word[:-1], ",") if word.endswith(",") else (word, "")
        full = abbreviations.get(core.casefold()) or abbreviations.get(core.casefold().rstrip("."))
        words.append((full or core) + comma)
    return " ".join(words)

