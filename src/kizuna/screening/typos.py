"""Finding vocabulary words within an edit or two of a query word without scanning the vocabulary.

Symmetric delete spelling correction (Wolf Garbe, SymSpell, 2012): every word is indexed under the strings
obtained by deleting one character; two words within one edit (or one adjacent transposition) share such a
string. Candidates are then checked with the real distance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def deletes(word: str) -> set[str]:
    """The word itself and every string with one character removed."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def build_delete_index(words: Iterable[tuple[int, str]], min_length: int) -> dict[str, list[int]]:
    """Map each one-deletion variant to the ids of the words it came from."""
    index: dict[str, list[int]] = defaultdict(list)
    for word_id, word in words:
        if len(word) >= min_length:
            for variant in deletes(word):
                index[variant].append(word_id)
    return dict(index)


def near_words(word: str, index: dict[str, list[int]]) -> set[int]:
    """Ids of indexed words that share a one-deletion variant with ``word`` (a superset of distance <= 1)."""
    found: set[int] = set()
    for variant in deletes(word):
        found.update(index.get(variant, ()))
    return found
