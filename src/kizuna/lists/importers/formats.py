"""Name tables of ``data/lists/formats.yaml``: how other publications name the lists."""

from __future__ import annotations

from functools import cache

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled


@cache
def _tables() -> dict[str, dict[str, str]]:
    return read_yaml(bundled("lists", "formats.yaml"))


def csl_source_code(source: str) -> str | None:
    """The list code for a CSL ``source`` value; matches on the bracketed abbreviation when wording drifts."""
    table = _tables()["csl_sources"]
    if source in table:
        return table[source]
    for known, code in table.items():
        abbreviation = known[known.find("(") : known.find(")") + 1]
        if abbreviation and abbreviation in source:
            return code
    return None


def us_restricted_code(list_id: str) -> str | None:
    return _tables()["us_restricted_ids"].get(list_id)


def ftm_dataset_code(dataset: str) -> str:
    """The list code for an OpenSanctions dataset; unknown datasets keep their name in code form."""
    return _tables()["ftm_datasets"].get(dataset) or dataset.replace("_", "-")
