"""Cross-list linking: entries on different lists that name the same party.

The lists publish the same party under the same name (the BIS Entity List and METI both list "Beijing
University of Aeronautics and Astronautics", METI adding 北京航空航天大学), so a hit on one entry brings the
others, each still shown with its own list and provenance. Two entries are linked when a significant name of
one (legal forms and connectives left out) equals a significant name of the other, their types agree, their
countries overlap (or one is unknown) and, for persons, the name has three words or the birth years agree. A
cluster never holds two entries of the same list.
"""

from __future__ import annotations

from collections import defaultdict

from kizuna.core.entity import Entry, NameKind, PartyKind
from kizuna.core.scripts import is_cjk
from kizuna.screening.han import canonical_han
from kizuna.screening.latin import latin_tokens
from kizuna.screening.wordclass import CONNECTIVE, LEGAL, word_class

_MAX_GROUP = 12  # a key shared by more entries is too generic to identify one party


def _keys(entry: Entry) -> set[str]:
    keys = set()
    for name in entry.names:
        if name.kind is NameKind.WEAK:
            continue
        if is_cjk(name.text):
            canonical = "".join(canonical_han(name.text).split())
            if len(canonical) >= 3:
                keys.add(canonical)
            continue
        tokens = [t for t in latin_tokens(name.text) if word_class(t) not in (LEGAL, CONNECTIVE)]
        if len(tokens) >= 2 or (len(tokens) == 1 and len(tokens[0]) >= 5):
            keys.add(" ".join(tokens))
    return keys


def _compatible(a: Entry, b: Entry, key: str) -> bool:
    if a.list_code == b.list_code:
        return False
    kinds = {a.entity_type, b.entity_type} - {PartyKind.UNKNOWN}
    if len(kinds) > 1:
        return False
    if a.countries and b.countries and not set(a.countries) & set(b.countries):
        return False
    if PartyKind.PERSON in kinds:
        years_a, years_b = {d[:4] for d in a.dates_of_birth}, {d[:4] for d in b.dates_of_birth}
        if years_a and years_b:
            return bool(years_a & years_b)
        return len(key.split()) >= 3
    return True


def link_entries(entries: list[Entry]) -> tuple[list[int], dict[int, str]]:
    """A cluster number per entry (its own number when unlinked) and, per linked entry, why it was linked."""
    parent = list(range(len(entries)))
    lists_in = [{entry.list_code} for entry in entries]  # per cluster root: the lists it already spans

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    groups: dict[str, list[int]] = defaultdict(list)
    for number, entry in enumerate(entries):
        for key in sorted(_keys(entry)):  # sorted: which names link (and the reason shown) must not vary by run
            groups[key].append(number)
    reasons: dict[int, str] = {}
    for key, members in groups.items():
        if len(members) < 2 or len(members) > _MAX_GROUP:
            continue
        for i, first in enumerate(members):
            for other in members[i + 1 :]:
                a, b = find(first), find(other)
                # A list never names one party twice, so a cluster holds at most one entry per list; this
                # also stops chains of shared aliases from merging different parties.
                if a != b and not lists_in[a] & lists_in[b] and _compatible(entries[first], entries[other], key):
                    parent[b] = a
                    lists_in[a] |= lists_in[b]
                    reasons.setdefault(other, key)
                    reasons.setdefault(first, key)
    return [find(i) for i in range(len(entries))], reasons
