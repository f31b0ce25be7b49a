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

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.evidence import Reason
from kizuna.core.party import Party
from kizuna.research.orgs import Organisation, Registry, registry, short_id
from kizuna.research.rules import Resolution, rules
from kizuna.screening import Hit, screen

_ROR_ID = re.compile(r"^(?:https?://)?(?:ror\.org/)?(0[a-z0-9]{6}[0-9]{2})/?$")
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


def resolve(text: str) -> Resolved:
    """The ROR organisation ``text`` names (a ROR id, or a free-text affiliation in any script)."""
    cleaned = " ".join(text.split())
    config = rules().resolution
    if not cleaned:
        raise InputError("must not be empty", field="affiliation")
    if len(cleaned) > config.max_chars:
        raise InputError(f"longer than {config.max_chars} characters", field="affiliation")
    return _resolve(cleaned)


@dataclass(frozen=True, slots=True)
class _Candidate:
    part: str
    span: frozenset[int]  # which comma-separated parts of the string it covers
    org: Organisation
    hit: Hit


@lru_cache(maxsize=4096)
def _resolve(text: str) -> Resolved:
    orgs = registry()
    by_id = _ROR_ID.match(text.casefold())
    if by_id:
        return _by_id(orgs, text, by_id.group(1))
    config = rules().resolution
    candidates = _candidates(orgs, text, config)
    if not candidates:
        return _no_match(orgs, text, Reason("no-match", f"no ROR organisation scores {config.accept:.2f} or more for "
                                            "any part of the string", {"accept": config.accept}))
    best = max(candidates, key=lambda c: (c.hit.score, len(c.part)))
    units = [c for c in candidates if not c.span & best.span and any(a is best.org for a, _ in orgs.ancestors(c.org))]
    pool = units or [c for c in candidates if c.part == best.part]
    best = max(pool, key=lambda c: (c.hit.score, len(c.part)))
    rivals = {c.org.ror_id: c.org for c in pool if c.part == best.part and c.org is not best.org
              and c.hit.score >= best.hit.score - config.tie}
    if rivals:
        names = [f"{o.name} ({o.url})" for o in [best.org, *rivals.values()]]
        return _no_match(orgs, text, Reason("ambiguous", f"{best.part!r} names {len(names)} organisations equally "
                                            f"well: {'; '.join(names)}", {"candidates": names}))
    reasons = [Reason("part", f"matched the part {best.part!r} of the string", {"part": best.part})
               ] if best.part != text else []
    if units:
        parent = next(a for a, _ in orgs.ancestors(best.org) if any(c.org is a for c in candidates))
        reasons.append(Reason("parent-named", f"its ROR parent {parent.name} is named in the string too",
                              {"parent": parent.url}))
    reasons += [Reason("screening", line) for line in best.hit.explanation_lines]
    return Resolved(text, best.org, orgs.parent(best.org), best.hit.score, reasons, best.part, orgs.release)


def _candidates(orgs: Registry, text: str, config: Resolution) -> list[_Candidate]:
    """Every hit at or above ``accept`` for every part, without the ones a distinguishing word rules out."""
    found = []
    for part, span in candidate_parts(text, config):
        hits = screen(Party(part, PartyKind.ORGANIZATION), screener=orgs.screener(), limit=config.candidates)
        found += [_Candidate(part, span, orgs.by_id[hit.entry_id], hit) for hit in hits
                  if hit.score >= config.accept and not distinguished(part, hit.matched_name, config.distinguishing)]
    return found


def distinguished(part: str, name: str, groups: list[list[str]]) -> bool:
    """True when a distinguishing concept (hospital, normal university …) is in one of the two and not the other."""
    a, b = part.casefold(), name.casefold()
    return any(any(w in a for w in group) != any(w in b for w in group) for group in groups)


def _no_match(orgs: Registry, text: str, reason: Reason) -> Resolved:
    return Resolved(text, None, None, 0.0, [reason], release=orgs.release)


def _by_id(orgs: Registry, text: str, ror_id: str) -> Resolved:
    org = orgs.get(ror_id)
    if org is None:
        return _no_match(orgs, text, Reason("unknown-id", f"ROR id {ror_id} is not in {orgs.release} or the "
                                            "OpenAlex crosswalk", {"ror_id": ror_id}))
    return Resolved(text, org, orgs.parent(org), 1.0, [Reason("ror-id", "given as a ROR id")], text, orgs.release)


def candidate_parts(text: str, config: Resolution) -> list[tuple[str, frozenset[int]]]:
    """The parts of an affiliation string that may name the organisation, the whole string first, each with the
    comma-separated pieces it covers."""
    pieces = [p.strip() for p in re.split("|".join(map(re.escape, config.separators)), text) if p.strip()]
    pieces = pieces[:config.max_parts]
    found = [(text, frozenset(range(len(pieces))))]
    for size in range(1, config.max_run + 1):
        for start in range(len(pieces) - size + 1):
            found.append((", ".join(pieces[start:start + size]), frozenset(range(start, start + size))))
    found += [(prefix, span) for part, span in list(found) if _CJK.search(part)
              for prefix in cjk_prefixes(part, config.cjk_org_suffixes)]
    found += [(expand(part, config.abbreviations), span) for part, span in list(found)]
    return list(dict.fromkeys(found))


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


def ror_id_of(text: str) -> str | None:
    """The short ROR id if ``text`` is one, else None."""
    match = _ROR_ID.match(text.strip().casefold())
    return short_id(match.group(1)) if match else None
