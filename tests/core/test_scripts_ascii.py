"""ASCII text takes a fast path through script detection that answers as the character count does."""

from __future__ import annotations

from collections import Counter

import pytest

from kizuna.core.scripts import COMMON, char_script, detect_script


def counted(text: str) -> str:
    counts = Counter(char_script(c) for c in text)
    counts.pop(COMMON, None)
    return counts.most_common(1)[0][0] if counts else COMMON


@pytest.mark.parametrize("text", ["Tsinghua University", "123", "", " - ", "MIT (USA)", "a1"])
def test_ascii_fast_path_agrees_with_the_count(text: str) -> None:
    assert detect_script(text) == counted(text)
