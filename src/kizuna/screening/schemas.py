"""The response schema of a screening hit (``Hit.to_dict``), shared by every route that returns hits."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kizuna.core.schemas import Out
from kizuna.screening.explain import Step

StepOut = Annotated[Step, Field(discriminator="step")]


class HitOut(Out):
    list_code: str = Field(alias="list")
    entry_id: str
    name: str
    matched_name: str
    score: float
    explanation: str = Field(description="The steps in words (what the command line and the console show).")
    source_url: str
    data_date: str
    entity_type: str
    countries: list[str]
    steps: list[StepOut] = Field(description="Why it matched, step by step: the query's path, the words shared "
                                 "and how each pair met, words not shared, conflicts, qualifiers, coverage and "
                                 "name score, evidence adjustments, a cross-list link, the final score.")
