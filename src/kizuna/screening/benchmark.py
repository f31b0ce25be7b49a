"""The screening benchmark: recall per script, false positives on real unlisted parties, speed and memory,
for Kizuna and its baselines on the same lists in the same run.

The labelled development set lives in ``benchmarks/screening/`` (see its README for how each file was made
and checked). Baselines: a brute-force rapidfuzz scan over every listed name, and — where installed —
OpenSanctions' nomenklatura matchers logic-v1 and logic-v2 scoring the candidates Kizuna's index proposes.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from kizuna.core.entity import PartyKind
from kizuna.core.tables import read_table, write_table
from kizuna.screening.index import ScreeningIndex
from kizuna.screening.latin import fold
from kizuna.screening.model import Query
from kizuna.screening.screener import Screener

CATEGORIES = ("latin", "chinese", "japanese", "korean")
Matcher = Callable[[Query], set[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    expected: frozenset[tuple[str, str]]  # (list code, primary name); empty for negatives
    category: str
    note: str
    entity_type: PartyKind = PartyKind.UNKNOWN
    country: str | None = None


def load_devset(folder: Path) -> list[Case]:
    """Every labelled case: the four positive sets and the negatives."""
    cases = []
    for category in CATEGORIES:
        for _, row in read_table(folder / f"{category}.tsv", delimiter="\t").records():
            expected = frozenset(tuple(e.split(":", 1)) for e in row["expected"].split(" | "))
            cases.append(Case(row["query"], expected, category, row.get("source", "")))
    for _, row in read_table(folder / "negatives.tsv", delimiter="\t").records():
        kind = PartyKind.PERSON if row["type"] == "person" else PartyKind.ORGANIZATION
        cases.append(Case(row["query"], frozenset(), "negative", row["note"], kind, row.get("country") or None))
    return cases


@dataclass(slots=True)
class Accuracy:
    recall: dict[str, float] = field(default_factory=dict)
    false_positive_rate: float = 0.0
    misses: list[Case] = field(default_factory=list)
    false_positives: list[tuple[Case, set[tuple[str, str]]]] = field(default_factory=list)


def accuracy(matcher: Matcher, cases: list[Case]) -> Accuracy:
    """Recall: a positive query finds at least one of its expected entries. False-positive rate: a negative
    query (screened without country or type, as a raw customer-file name) returns any hit."""
    result = Accuracy()
    found: dict[str, list[bool]] = {c: [] for c in CATEGORIES}
    negatives = 0
    for case in cases:
        hits = matcher(Query(case.query))
        if case.category == "negative":
            negatives += 1
            if hits:
                result.false_positives.append((case, hits))
        else:
            ok = bool(hits & case.expected)
            found[case.category].append(ok)
            if not ok:
                result.misses.append(case)
    result.recall = {c: sum(v) / len(v) for c, v in found.items() if v}
    result.false_positive_rate = len(result.false_positives) / negatives if negatives else 0.0
    return result


def kizuna_matcher(screener: Screener) -> Matcher:
    def match(query: Query) -> set[tuple[str, str]]:
        return {(h.list_code, h.name) for h in screener.screen(query)}
    return match


class BruteForce:
    """Every listed name compared with the query by rapidfuzz's token-set ratio: no index, no scripts."""

    def __init__(self, index: ScreeningIndex, cutoff: float = 90.0) -> None:
        self.index = index
        self.cutoff = cutoff
        self.choices = [fold(text) for text in index.name_text]

    def __call__(self, query: Query) -> set[tuple[str, str]]:
        found = process.extract(fold(query.name), self.choices, scorer=fuzz.token_set_ratio,
                                score_cutoff=self.cutoff, limit=25)
        entries = self.index.entries
        return {(entries[self.index.name_entry[i]].list_code, entries[self.index.name_entry[i]].name)
                for _, _, i in found}


def nomenklatura_matchers(screener: Screener, threshold: float = 0.7) -> dict[str, Matcher]:
    """logic-v1 and logic-v2 scoring Kizuna's candidate entries, when nomenklatura is installed."""
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
    except ImportError:
        return {}
    index = screener.index
    schemas = {"person": "Person", "organization": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}

    def entity(entity_id: str, schema: str, names: list[str]):  # type: ignore[no-untyped-def]
        made = model.make_entity(schema)
        made.id = entity_id
        made.add("name", names)
        return made

    counter = itertools.count()
    names_of: dict[int, list[str]] = {}
    for name_id, entry_no in enumerate(index.name_entry):
        names_of.setdefault(entry_no, []).append(index.name_text[name_id])

    def build(algorithm_name: str) -> Matcher:
        algorithm = get_algorithm(algorithm_name)
        assert algorithm is not None, algorithm_name
        config = algorithm.default_config()

        def match(query: Query) -> set[tuple[str, str]]:
            candidates = screener.candidate_entries(query.name)
            # A fresh id per query: the matchers cache work by entity id.
            left = entity(f"query-{next(counter)}", "LegalEntity", [query.name])
            hits = set()
            for entry_no in candidates:
                record = index.entries[entry_no]
                right = entity(f"e{entry_no}", schemas.get(record.entity_type, "LegalEntity"), names_of[entry_no])
                result = algorithm.compare(left, right, config)
                if result.score >= threshold:
                    hits.add((record.list_code, record.name))
            return hits
        return match

    return {name: build(name) for name in ("logic-v1", "logic-v2")}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def throughput(matcher: Matcher, queries: list[str], workers: int = 2) -> float:
    """Queries per second with ``workers`` forked processes (the way screen-file runs)."""
    import multiprocessing

    global _bench_matcher
    _bench_matcher = matcher
    chunks = [queries[i : i + 50] for i in range(0, len(queries), 50)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        sum(pool.map(_run_chunk, chunks))
    return len(queries) / (time.perf_counter() - started)


_bench_matcher: Matcher | None = None


def _run_chunk(chunk: list[str]) -> int:
    assert _bench_matcher is not None
    for name in chunk:
        _bench_matcher(Query(name))
    return len(chunk)


def api_latency(home: Path, queries: list[str], repeat: int = 3) -> tuple[float, float, float]:
    """p50 and p99 latency (ms) of single-party POST /v1/screen on a live server, and its peak memory (MiB)."""
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(Path(sys.executable).parent / "kizuna"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env={**os.environ, "KIZUNA_HOME": str(home)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/v1/lists")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the API server did not start") from None
                    time.sleep(0.2)
            for name in queries[:20]:  # warm up
                client.post("/v1/screen", json={"name": name})
            timings = []
            for _ in range(repeat):
                for name in queries:
                    started = time.perf_counter()
                    client.post("/v1/screen", json={"name": name}).raise_for_status()
                    timings.append((time.perf_counter() - started) * 1000)
        peak = _peak_rss_mib(server.pid)
        return percentile(timings, 0.5), percentile(timings, 0.99), peak
    finally:
        server.terminate()
        server.wait(timeout=20)


def _peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def workload(cases: list[Case], index: ScreeningIndex, size: int, seed: int = 1) -> list[str]:
    """``size`` distinct query names: every labelled query, then listed names as a customer file would write
    them (lower case, no punctuation), so that no result is computed twice."""
    names = list(dict.fromkeys(c.query for c in cases))
    rng = random.Random(seed)
    pool = [index.name_text[i] for i in rng.sample(range(len(index.name_text)), min(len(index.name_text), size * 2))]
    for name in pool:
        if len(names) >= size:
            break
        plain = " ".join(re.sub(r"[^\w\s]", " ", name).lower().split())
        if plain and plain not in names:
            names.append(plain)
    return names[:size]


# Katakana morae for made-up person names (タナカ・ヒロシ), and suffixes Japanese and Chinese company names end in.
_MORAE = tuple("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
               "ガギグゲゴザジズゼゾダデドバビブベボパピプペポ")
_KANJI_SUFFIXES = ("株式会社", "有限公司", "科技有限公司", "工業", "技術研究所", "貿易会社", "集团有限公司", "大学")
_KANA_SUFFIXES = ("株式会社", "ホールディングス", "テクノロジー", "インダストリー", "ジャパン", "グループ")


def cjk_workload(cases: list[Case], index: ScreeningIndex, size: int, seed: int = 1) -> list[str]:
    """``size`` distinct CJK query names, a Japanese or Chinese customer file: every labelled Chinese and
    Japanese query and every listed CJK name, then, in turn, kanji companies (a listed or labelled stem with
    another legal form), katakana companies (katakana words of the labelled set and the lexicon with a legal
    form), kanji persons (a Chinese family name and one or two characters of listed names) and katakana persons
    (family and given name of random morae)."""
    from kizuna.core.scripts import detect_script, is_cjk
    from kizuna.screening.lexicon import lexicon
    from kizuna.screening.tables import chinese_surnames

    rng = random.Random(seed)
    labelled = [c.query for c in cases if c.category in ("chinese", "japanese") or is_cjk(c.query)]
    # the lists' own CJK names; a list's katakana renderings of foreign names (MOF's キム・ギョンイル) are not what a
    # Japanese or Chinese customer file holds, and their thousands would crowd out every generated name
    listed = sorted({n for n, kind in zip(index.name_text, index.name_kind, strict=True)
                     if kind != "rendered" and is_cjk(n) and detect_script(n) != "Latn"})
    names = list(dict.fromkeys([q for q in labelled if detect_script(q) != "Hang"] + listed))
    stems = [re.sub("|".join(_KANJI_SUFFIXES), "", n) or n for n in names if not re.search(r"[A-Za-z\u30a0-\u30ff]", n)]
    katakana = sorted({w for n in names for w in re.findall(r"[\u30a0-\u30ff]{3,}", n)} |
                      {k for k in lexicon().kana if re.fullmatch(r"[\u30a0-\u30ff]{3,}", k)})
    surnames = sorted(chinese_surnames())
    given = sorted({c for n in stems for c in n if "\u4e00" <= c <= "\u9fff"})

    def word(morae: int) -> str:
        return "".join(rng.choice(_MORAE) for _ in range(morae))

    makers = (lambda: rng.choice(stems) + rng.choice(_KANJI_SUFFIXES),
              lambda: "".join(rng.sample(katakana, rng.randint(1, 2))) + rng.choice(_KANA_SUFFIXES),
              lambda: rng.choice(surnames) + "".join(rng.sample(given, rng.randint(1, 2))),
              lambda: f"{word(rng.randint(2, 3))}・{word(rng.randint(2, 4))}")
    for maker in itertools.cycle(makers):
        if len(names) >= size:
            break
        name = maker()
        if name not in names:
            names.append(name)
    return names[:size]


def screen_file_rate(home: Path, queries: list[str], workers: int = 2) -> tuple[float, float]:
    """Rows per second of ``kizuna screen-file`` run as a user runs it (a separate process), and that
    process's peak memory in MiB."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.csv", Path(folder) / "out.jsonl"
        write_table(source, ["id", "name"], ([i, q] for i, q in enumerate(queries)))
        command = [sys.executable, "-c", "from kizuna.screening.benchmark import _timed_screen_file as t; "
                   f"t({str(source)!r}, {str(target)!r}, {workers})"]
        out = subprocess.run(command, env={**os.environ, "KIZUNA_HOME": str(home)}, capture_output=True,
                             text=True, check=True)
        rate, peak = out.stdout.strip().splitlines()[-1].split()
        return float(rate), float(peak)


def _timed_screen_file(source: str, target: str, workers: int) -> None:
    from kizuna.screening.batch import screen_file
    from kizuna.screening.service import get_screener

    report = screen_file(get_screener(), Path(source), Path(target), workers=workers)
    # The workers are forked from this process and share its index, so its own peak is the figure. VmHWM, not
    # getrusage: Linux carries ru_maxrss over exec, so it would report the (larger) benchmark process that spawned us.
    print(report.rate, _peak_rss_mib(os.getpid()))

