"""Country and region qualifiers: the words a group adds to its brand to name a local company.

"Huawei Technologies Japan K.K.", "Huawei Technologies (UK) Co., Ltd.", "ファーウェイ・ジャパン" and "ZTE
Deutschland" are the brand plus a qualifier. The words come from ``data/screening/qualifiers.yaml``; this module
finds them in a name's tokens (Latin words and phrases, and the lexicon keys of CJK forms) and says how two
qualifiers relate: the same country, a region and one of its countries, or different places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kizuna.screening.latin import latin_tokens
from kizuna.screening.tables import QualifierRow, qualifier_rows


@dataclass(frozen=True, slots=True)
class Qualifier:
    """What a qualifier word names: its words as written in the table, the countries, and whether a region."""

    name: str
    countries: frozenset[str]
    region: bool

    def same_place(self, other: Qualifier) -> bool:
        """Both name the same country (UK / United Kingdom / 英国), or the same region."""
        if self.region or other.region:
            return self.region == other.region and self.countries == other.countries
        return bool(self.countries & other.countries)

    def compatible(self, other: Qualifier) -> bool:
        """The same place, or a region and one of its countries (Europe / Deutschland): no conflict."""
        if self.same_place(other):
            return True
        inner, outer = (self, other) if other.region else (other, self)
        return outer.region and not inner.region and inner.countries <= outer.countries

    def names_country(self, countries: Sequence[str]) -> str:
        """The entry country this (country) qualifier names, or ""; a region names none."""
        if self.region:
            return ""
        return next((c for c in countries if c in self.countries), "")


# A qualifier phrase found in a token sequence: [start, end) and what it names.
Found = tuple[int, int, Qualifier]


@cache
def _phrases() -> dict[tuple[str, ...], Qualifier]:
    """Token sequence -> qualifier: Latin words and phrases as tokenised, CJK forms as lexicon keys."""
    from kizuna.screening.han import canonical_han

    found: dict[tuple[str, ...], list[QualifierRow]] = {}
    for row in qualifier_rows():
        english = [latin_tokens(e) for e in row.en]
        keys = [(canonical_han(h),) for h in row.han] or [(f"⟨{' '.join(english[0])}⟩",)]
        for tokens in dict.fromkeys([*english, *keys]):
            if tokens:
                found.setdefault(tokens, []).append(row)
    phrases = {}
    for tokens, rows in found.items():
        # "Korea" is in the rows of both Koreas: it names either.
        countries = frozenset(c for row in rows for c in row.countries)
        phrases[tokens] = Qualifier(" ".join(tokens), countries, any(row.region for row in rows))
    return phrases


@cache
def _longest() -> int:
    return max(len(k) for k in _phrases())


def find(tokens: Sequence[str]) -> list[Found]:
    """The qualifier phrases in a token sequence, longest first at each place (South Africa before Africa)."""
    phrases, longest = _phrases(), _longest()
    found: list[Found] = []
    start = 0
    while start < len(tokens):
        for end in range(min(len(tokens), start + longest), start, -1):
            qualifier = phrases.get(tuple(tokens[start:end]))
            if qualifier is not None:
                found.append((start, end, qualifier))
                start = end
                break
        else:
            start += 1
    return found


def qualifier_word(token: str) -> Qualifier | None:
    """The qualifier a single token is (UK, Japan, 日本), or None."""
    return _phrases().get((token,))
