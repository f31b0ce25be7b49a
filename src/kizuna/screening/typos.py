"""Finding vocabulary words within an edit or two of a query word without scanning the vocabulary.

Symmetric delete spelling correction (Wolf Garbe, SymSpell, 2012): every word is indexed under the strings
obtained by deleting one character; two words within one edit (or one adjacent transposition) share such a
string. Candidates are then checked with the real distance. The variants are kept as 64-bit hashes in sorted
numpy arrays, so the index loads from its cache in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b

import numpy as np


def deletes(word: str) -> set[str]:
    """The word itself and every string with one character removed."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _hash(text: str) -> int:
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class DeleteIndex:
    """One-deletion variants of the vocabulary, hashed, mapped to word ids (CSR layout)."""

    def __init__(self, words: Iterable[tuple[int, str]] = (), min_length: int = 4) -> None:
        pairs = sorted((_hash(v), word_id) for word_id, word in words if len(word) >= min_length
                       for v in deletes(word))
        keys = np.array([k for k, _ in pairs], dtype=np.int64)
        self.ids = np.array([w for _, w in pairs], dtype=np.int32)
        self.keys, self.starts = np.unique(keys, return_index=True) if len(keys) else (keys, keys)
        self.ends = np.append(self.starts[1:], len(self.ids)) if len(keys) else keys

    def near(self, word: str) -> set[int]:
        """Ids of indexed words that share a one-deletion variant with ``word`` (a superset of distance <= 1)."""
        if not len(self.keys):
            return set()
        keys = self.keys
        wanted = np.array([_hash(v) for v in deletes(word)], dtype=np.int64)
        places = np.searchsorted(keys, wanted)
        places[places == len(keys)] = 0  # past the last key: compared with the first, which differs
        hits = places[keys[places] == wanted]
        found: set[int] = set()
        for start, end in zip(self.starts[hits].tolist(), self.ends[hits].tolist(), strict=True):
            found.update(self.ids[start:end].tolist())
        return found
