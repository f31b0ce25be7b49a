"""Posting lists in one flat array (CSR): word id -> the ids of the names that use the word."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class Postings:
    def __init__(self, lists: Iterable[list[int]] = ()) -> None:
        lengths, flat = [], []
        for names in lists:
            lengths.append(len(names))
            flat.extend(names)
        self.offsets = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64)
        self.flat = np.array(flat, dtype=np.int32)

    def __getitem__(self, word_id: int) -> np.ndarray:
        return self.flat[self.offsets[word_id] : self.offsets[word_id + 1]]

    def __len__(self) -> int:
        return len(self.offsets) - 1
