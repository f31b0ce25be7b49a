"""Monitoring reports through the shared renderer (``core.report``): the daily summary, and the state of the cases
with charts (open cases by age, alerts and false-positive rate per list, time to decision) as inline SVG."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from kizuna.core.evidence import Citation, Evidence, EvidenceKind, Finding, Outcome
from kizuna.core.paths import bundled
from kizuna.core.report import Report, data_version
from kizuna.core.templating import add_templates
from kizuna.monitoring.cases import OPEN, State
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore

add_templates(Path(__file__).parent / "templates")  # monitoring/report.html in the one Jinja environment
TEMPLATE = "monitoring/report.html"


@dataclass(slots=True)
class Stats:
    """The figures the charts draw."""

    open_by_age: list[tuple[str, int]]
    per_list: list[dict[str, Any]]  # list, alerts, cleared, confirmed, false_positive_rate
    decision_hours: dict[str, list[float]]  # decision -> hours from alert to decision

    def to_dict(self) -> dict[str, Any]:
        return {"open_by_age": [{"age": a, "cases": n} for a, n in self.open_by_age], "per_list": self.per_list,
                "time_to_decision_hours": {d: _summary(h) for d, h in self.decision_hours.items()}}


def _summary(hours: list[float]) -> dict[str, float | int]:
    return {"decisions": len(hours), "median": round(statistics.median(hours), 2) if hours else 0.0,
            "max": round(max(hours), 2) if hours else 0.0}


def _day(text: str) -> date:
    return datetime.fromisoformat(text).date()


def stats(store: MonitoringStore, as_of: date) -> Stats:
    rows = store.run("SELECT list_code, state, created_at, decided_at FROM alerts").mappings().all()
    buckets = rules().reports.age_buckets_days
    labels = [f"≤ {b} d" for b in buckets] + [f"> {buckets[-1]} d"]
    ages: Counter[str] = Counter()
    per_list: dict[str, Counter[str]] = defaultdict(Counter)
    hours: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        per_list[row["list_code"]]["alerts"] += 1
        per_list[row["list_code"]][row["state"]] += 1
        if row["state"] in OPEN:
            age = (as_of - _day(row["created_at"])).days
            ages[next((labels[n] for n, b in enumerate(buckets) if age <= b), labels[-1])] += 1
        if row["decided_at"]:
            spent = datetime.fromisoformat(row["decided_at"]) - datetime.fromisoformat(row["created_at"])
            hours[row["state"]].append(spent.total_seconds() / 3600)
    lists = []
    for code in sorted(per_list):
        counts = per_list[code]
        decided = counts[State.CLEARED] + counts[State.CONFIRMED]
        lists.append({"list": code, "alerts": counts["alerts"], "cleared": counts[State.CLEARED],
                      "confirmed": counts[State.CONFIRMED],
                      "false_positive_rate": round(counts[State.CLEARED] / decided, 4) if decided else None})
    return Stats([(label, ages[label]) for label in labels], lists, dict(hours))


def _sources() -> list[Citation]:
    return [Citation("monitoring-rules", "Kizuna's monitoring policy", "data/monitoring/rules.yaml", note="the "
                     "project's own policy")]


def _version() -> str:
    return data_version([bundled("monitoring", "rules.yaml")])


def daily_summary(store: MonitoringStore, day: date) -> Report:
    """What happened on ``day``: alerts raised (each a finding with its hit), decisions taken, cases still open."""
    start, end = day.isoformat(), date.fromordinal(day.toordinal() + 1).isoformat()
    raised = store.run("SELECT id, list_code, entry_id, score, evidence, snapshot_id FROM alerts "
                       "WHERE created_at >= :s "
                       "AND created_at < :e ORDER BY id", {"s": start, "e": end}).mappings().all()
    decided = store.run("SELECT id, state, decided_by, proposed_by FROM alerts WHERE decided_at >= :s AND "
                        "decided_at < :e ORDER BY id", {"s": start, "e": end}).mappings().all()
    open_cases = store.run("SELECT COUNT(*) FROM alerts WHERE state IN ('new', 'in_review', 'escalated')").scalar()
    findings = []
    for row in raised:
        evidence = json.loads(row["evidence"])
        hit = evidence["hit"]
        party = evidence["party"]
        findings.append(Finding(Outcome.MET, f"alert {row['id']}: {party['name']} ({party['id']}) "
                                f"matches {hit['name']} on {row['list_code']} ({row['entry_id']})", rule="alert",
                                evidence=(Evidence(EvidenceKind.LIST_HIT, hit["explanation"], score=row["score"],
                                                   source=Citation(row["list_code"], hit["name"], row["list_code"],
                                                                   url=hit["source_url"], date=hit["data_date"]),
                                                   data={"snapshot_id": row["snapshot_id"]}),)))
    for row in decided:
        second = f", proposed by {row['proposed_by']}" if row["proposed_by"] else ""
        findings.append(Finding(Outcome.NOTE, f"alert {row['id']} {row['state']} by {row['decided_by']}{second}",
                                rule="decision"))
    parties = store.run("SELECT COUNT(*) FROM parties WHERE removed_at IS NULL").scalar()
    return Report("Monitoring daily summary", "all registers", day.isoformat(), findings, _sources(), _version(),
                  "monitoring", f"{len(raised)} alert(s) raised, {len(decided)} decision(s), {open_cases} case(s) open",
                  {"alerts raised": len(raised), "decisions": len(decided), "open cases": open_cases,
                   "register parties": parties})


def cases_report(store: MonitoringStore, as_of: date) -> tuple[Report, Markup]:
    """The cases as of ``as_of`` with their charts (rendered by ``core.report.write(..., template=TEMPLATE,
    charts=...)``)."""
    figures = stats(store, as_of)
    findings = [Finding(Outcome.NOTE, f"{row['list']}: {row['alerts']} alert(s), {row['cleared']} cleared, "
                        f"{row['confirmed']} confirmed, false-positive rate "
                        f"{'—' if row['false_positive_rate'] is None else format(row['false_positive_rate'], '.0%')}",
                        rule="per-list") for row in figures.per_list]
    open_total = sum(n for _, n in figures.open_by_age)
    report = Report("Monitoring cases", "all registers", as_of.isoformat(), findings, _sources(), _version(),
                    "monitoring", f"{open_total} case(s) open", figures.to_dict())
    charts = Markup("").join([
        bar_chart("Open cases by age", figures.open_by_age),
        bar_chart("Alerts per list", [(r["list"], r["alerts"]) for r in figures.per_list]),
        bar_chart("False-positive rate per list (%)", [(r["list"], round(100 * r["false_positive_rate"]))
                                                        for r in figures.per_list
                                                        if r["false_positive_rate"] is not None]),
        bar_chart("Median hours to decision", [(d, round(statistics.median(h), 1))
                                               for d, h in sorted(figures.decision_hours.items())]),
    ])
    return report, charts


def bar_chart(title: str, bars: Sequence[tuple[str, float]]) -> Markup:
    """A horizontal bar chart as inline SVG (labels escaped)."""
    width, row, label_width = 560, 22, 200
    height = 30 + row * max(len(bars), 1)
    top = max((value for _, value in bars), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'aria-label="{escape(title)}" class="chart">',
             f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>']
    if not bars:
        parts.append('<text x="0" y="40" font-size="12" fill="#555">none</text>')
    for n, (label, value) in enumerate(bars):
        y = 26 + n * row
        length = (width - label_width - 60) * value / top
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="14" fill="#3b6ea8"/>'
                     f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" font-size="12">'
                     f'{escape(str(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
