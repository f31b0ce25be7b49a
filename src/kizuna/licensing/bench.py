"""``kizuna bench licence``: licence assessments of realistic shipments per minute, screening of every party
included, beside a naive baseline that re-reads every rule file for every assessment — both measured in the same
run on the same shipments."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable

from kizuna.licensing.assess import LicenceAssessment, assess
from kizuna.licensing.assessment import Shipment
from kizuna.licensing.service import build_shipment

TARGET_PER_MINUTE = 10_000
# Destinations weighted roughly as US exports of controlled items go: allies and the large D-group markets.
DESTINATIONS = {"CN": 12, "DE": 8, "JP": 8, "GB": 7, "CA": 7, "MX": 7, "KR": 6, "TW": 6, "IN": 5, "SG": 5, "MY": 4,
                "VN": 4, "AE": 3, "NL": 4, "FR": 4, "BR": 3, "IL": 2, "TR": 2, "SA": 2, "RU": 1, "HK": 1, "MO": 1,
                "CU": 1, "IR": 1}
END_USES = ["supercomputer", "advanced-node-ic", "ic-production", "sme", "military"]
WORDS = ["Precision", "Photonics", "Systems", "Microelectronics", "Instruments", "Logistics", "Networks", "Energy",
         "Robotics", "Materials", "Semiconductor", "Aerospace", "Medical", "Data", "Cloud", "Optics"]
CITIES = ["Shenzhen", "Stuttgart", "Osaka", "Leeds", "Toronto", "Monterrey", "Incheon", "Hsinchu", "Pune",
          "Jurong", "Penang", "Hanoi", "Dubai", "Eindhoven", "Lyon", "Campinas", "Haifa", "Izmir", "Riyadh"]
SUFFIXES = ["Co., Ltd.", "GmbH", "KK", "Ltd", "Inc.", "S.A. de C.V.", "Pte Ltd", "Sdn Bhd", "BV", "SAS", "Ltda"]


def shipments(count: int, seed: int, listed: list[str]) -> list[Shipment]:
    """``count`` shipments: ECCNs with paragraphs from the CCL, EAR99 and chips; two parties each, one in twenty a
    listed name; end uses stated as none, chosen, or not stated."""
    from kizuna.controls.requirements import Kind, known_eccns, parse_scope, requirements_for

    rng = random.Random(seed)
    items: list[str] = []
    for eccn in sorted(known_eccns()):
        rows = [r for r in requirements_for(eccn) if r.kind is Kind.ROW]
        scopes = [parse_scope(eccn, r.scope) for r in rows]
        named = [p for s in scopes if s is not None for p in s.include]
        items.append(rng.choice(named) if named else eccn)
    places, weights = list(DESTINATIONS), list(DESTINATIONS.values())
    built = []
    for _ in range(count):
        destination = rng.choices(places, weights)[0]
        roll = rng.random()
        item = "EAR99" if roll < 0.3 else "chip" if roll < 0.35 else rng.choice(items)
        parties = [(role, _name(rng, listed), destination, rng.choice([destination, destination, "US", "CN", None]))
                   for role in ("end_user", "consignee")]
        use = rng.random()
        end_uses = ["none"] if use < 0.7 else [rng.choice(END_USES)] if use < 0.8 else []
        built.append(build_shipment("US", destination, item=item, parties=parties, end_uses=end_uses,
                                    end_use="" if end_uses else "industrial use",
                                    tpp=rng.choice([1200.0, 2400.0, 4992.0]) if item == "chip" else None,
                                    die_area_mm2=rng.choice([300.0, 600.0, 814.0]) if item == "chip" else None))
    return built


def _name(rng: random.Random, listed: list[str]) -> str:
    if listed and rng.random() < 0.05:
        return rng.choice(listed)
    return f"{rng.choice(CITIES)} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}"


def reload_rules() -> None:
    """What the naive baseline does before every assessment: forget every rule file read (they are read again)."""
    from kizuna.controls import requirements
    from kizuna.core.rules import bundled_rules
    from kizuna.licensing import chips
    from kizuna.licensing.ear import rules

    bundled_rules.cache_clear()
    requirements._rows.cache_clear()
    for cached in (rules.rules, rules.groups, rules.chart, rules.footnotes, chips.rules):
        cached.cache_clear()  # the assessment's own texts are read through bundled_rules, cleared above


def run_benchmark(count: int, baseline_count: int, seed: int, say: Callable[[str], None]) -> None:
    from kizuna.screening.service import get_screener

    screener = get_screener()
    listed = sorted({e.name for e in screener.index.entries if e.list_code == "us-bis-entity"})[:500]
    batch = shipments(count, seed, listed)
    assess(batch[0], screener=screener)  # warm: rule files read, screener built
    say(f"{count:,} shipments ({sum(len(s.parties) for s in batch):,} parties screened), seed {seed}, "
        f"list snapshot {screener.snapshot_id}")
    start, cpu = time.perf_counter(), time.process_time()
    results = [assess(s, screener=screener) for s in batch]
    elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
    baseline = batch[:baseline_count]
    start = time.perf_counter()
    for s in baseline:
        reload_rules()
        assess(s, screener=screener)
    naive = time.perf_counter() - start
    rate, naive_rate = count / elapsed * 60, len(baseline) / naive * 60
    say(f"kizuna:   {rate:,.0f} assessments/minute ({elapsed / count * 1000:.2f} ms each; "
        f"{count / cpu_used * 60:,.0f}/minute of this process's CPU time — the machine is shared)")
    say(f"baseline: {naive_rate:,.0f} assessments/minute ({naive / len(baseline) * 1000:.2f} ms each; re-reads "
        f"the rule files for each of {len(baseline):,})")
    say(f"speed-up {rate / naive_rate:.1f}x; target {TARGET_PER_MINUTE:,}/minute: "
        f"{'met' if rate >= TARGET_PER_MINUTE else 'NOT met'}")
    say("answers: " + ", ".join(f"{k} {v:,}" for k, v in sorted(_answers(results).items())))


def _answers(results: list[LicenceAssessment]) -> Counter[str]:
    return Counter(str(r.licence_required).lower() for r in results)
