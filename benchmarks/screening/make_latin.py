"""Build latin.tsv: Latin-script variants of listed names, the way customer files write them.

Each row takes a listed name (primary or published alias) from the bundled lists and applies one realistic
transformation; the expected hit is the entry it came from. Seeded, so the file is reproducible:

    python benchmarks/screening/make_latin.py   (with the bundled lists loaded)
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from kizuna.core.entity import NameKind, PartyKind
from kizuna.core.scripts import LATIN
from kizuna.lists.store import SnapshotStore

SEED = 20261129
PER_KIND = 40
OUT = Path(__file__).with_name("latin.tsv")

LEGAL = re.compile(r",?\s*\b(co\.?,?\s*ltd\.?|company limited|corporation|corp\.?|limited|ltd\.?|llc|inc\.?|jsc|"
                   r"ojsc|cjsc|pjsc|ooo|oao|zao|gmbh|s\.a\.|co\.|company)\s*$", re.I)
ABBREVIATIONS = [("Corporation", "Corp."), ("Company", "Co."), ("Limited", "Ltd"), ("International", "Intl"),
                 ("Technology", "Tech"), ("Industries", "Inds"), ("Manufacturing", "Mfg"), ("Engineering", "Eng.")]
TRANSLITERATIONS = [("MOHAMMAD", "MUHAMMAD"), ("MUHAMMAD", "MOHAMMED"), ("MOHAMMED", "MUHAMMAD"),
                    ("AHMAD", "AHMED"), ("AHMED", "AHMAD"), ("HUSSEIN", "HUSAIN"), ("HUSSAIN", "HUSSEIN"),
                    ("YUSUF", "YOUSEF"), ("ABDUL", "ABD AL"), ("ALEKSANDR", "ALEXANDER"), ("ALEXANDER", "ALEKSANDR"),
                    ("SERGEY", "SERGEI"), ("YURIY", "YURI"), ("MIKHAIL", "MIKHAEL"), ("OSAMA", "USAMA")]


def typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]  # transposition
    else:
        letter = rng.choice("aeiou" if word[j].lower() in "aeiou" else "bcdfghklmnprstv")
        word = word[:j] + (letter.upper() if word[j].isupper() else letter) + word[j + 1:]
    words[i] = word
    return " ".join(words)


def person_order(name: str) -> str | None:
    if "," not in name:
        return None
    family, given = (p.strip() for p in name.split(",", 1))
    return f"{given} {family}" if family and given else None


def initials(name: str) -> str | None:
    if "," not in name:
        return None
    family, given = (p.strip() for p in name.split(",", 1))
    parts = given.split()
    if len(parts) < 2:
        return None
    return f"{parts[0][0]}. {' '.join(parts[1:])} {family}"


def hand_written() -> list[tuple[str, str, str]]:
    """The rows written by hand (source "qualifier: ..."), kept when the file is rebuilt."""
    if not OUT.exists():
        return []
    with OUT.open(encoding="utf-8", newline="") as handle:
        return [(r["query"], r["expected"], r["source"]) for r in csv.DictReader(handle, delimiter="\t")
                if r["source"].startswith("qualifier:")]


def main() -> None:
    rng = random.Random(SEED)
    snapshot = SnapshotStore().open()
    entries = [e for e in snapshot.entries() if e.name.isascii() and len(e.name.split()) >= 2]
    persons = [e for e in entries if e.entity_type is PartyKind.PERSON]
    organisations = [e for e in entries if e.entity_type is not PartyKind.PERSON]
    rows: list[tuple[str, str, str]] = []

    def add(entry, query: str | None, kind: str) -> None:  # type: ignore[no-untyped-def]
        if query and query.strip() and query != entry.name:
            rows.append((query, f"{entry.list_code}:{entry.name}", kind))

    def sample(pool, kind, make):  # type: ignore[no-untyped-def]
        made = 0
        for entry in rng.sample(pool, len(pool)):
            before = len(rows)
            add(entry, make(entry), kind)
            made += len(rows) > before
            if made == PER_KIND:
                return

    sample([e for e in entries if any(a.kind is NameKind.ALIAS and a.script == LATIN for a in e.aliases)],
           "published alias", lambda e: rng.choice([a.text for a in e.aliases
                                                    if a.kind is NameKind.ALIAS and a.script == LATIN]))
    sample(organisations, "legal form dropped", lambda e: LEGAL.sub("", e.name) if LEGAL.search(e.name) else None)
    sample(organisations, "abbreviated", lambda e: next((e.name.replace(a, b) for a, b in ABBREVIATIONS
                                                        if a in e.name), None))
    sample(entries, "typo", lambda e: typo(e.name, rng))
    sample(persons, "given name first", lambda e: person_order(e.name))
    sample(persons, "initial", lambda e: initials(e.name))
    sample(entries, "lower case, no punctuation", lambda e: re.sub(r"[^\w\s]", " ", e.name).lower())
    sample(persons, "transliteration", lambda e: next((e.name.upper().replace(a, b) for a, b in TRANSLITERATIONS
                                                       if re.search(rf"\b{a}\b", e.name.upper())), None))
    sample(entries, "hyphens joined", lambda e: e.name.replace("-", "") if "-" in e.name else None)
    rows.extend(hand_written())
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["query", "expected", "source"])
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
