"""The bounds on input Kizuna checks before parsing, read from ``data/core/input_limits.yaml`` (cited there)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from kizuna.core.paths import bundled

SOURCE = "data/core/input_limits.yaml"


@dataclass(frozen=True, slots=True)
class Limits:
    max_cell_chars: int
    max_json_depth: int
    xlsx_max_part_bytes: int
    xlsx_max_total_bytes: int
    xlsx_max_ratio: float
    xlsx_ratio_applies_from_bytes: int
    max_legal_text_chars: int  # a regulation's own text field (an ECCN's full text), where its reader asks
    pdf_max_bytes: int
    pdf_max_pages: int


@cache
def limits() -> Limits:
    """The bundled limits (read once; yaml directly, since the data-file readers themselves apply these bounds)."""
    data = yaml.safe_load(bundled("core", "input_limits.yaml").read_text(encoding="utf-8"))
    xlsx = data["xlsx"]
    pdf = data["pdf"]
    return Limits(int(data["max_cell_chars"]), int(data["max_json_depth"]), int(xlsx["max_part_bytes"]),
                  int(xlsx["max_total_bytes"]), float(xlsx["max_ratio"]), int(xlsx["ratio_applies_from_bytes"]),
                  int(data["max_legal_text_chars"]), int(pdf["max_bytes"]), int(pdf["max_pages"]))
