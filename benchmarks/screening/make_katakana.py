"""Build katakana_mof.csv: the Japanese Ministry of Finance asset-freeze list's own katakana / English name pairs,
labelled with the bundled entries the English name finds.

The MOF list writes every designated party's name in katakana (DPRK, Arabic, Russian, African and English names
alike) beside its English spelling. With the MOF list itself left out of the index (it is bundled since issue 16),
each katakana name should find, by sound, the party its English name finds on the UN, US and METI lists (those
bundled before issue 16, which the bench's baseline commit also has: katakana_bench.EXCLUDED). A pair is a
positive when its English name (brackets of alternative spellings dropped) finds a bundled entry at 0.97 or more:
every entry it finds at that score is a right answer. A pair whose English finds nothing at 0.85 is a negative:
its katakana name should find nothing either (a proxy: some are listed under spellings the English misses). Half
the pairs (by a hash of the katakana) are held out.

    python benchmarks/screening/make_katakana.py PATH/TO/shisantouketsu20260305.xlsx

needs the bundled snapshot loaded (`kizuna lists load-bundled`). Source: 財務省「資産凍結等の措置の対象者」
(provisional Excel of 2026-03-05); 出典：財務省ウェブサイト; terms of use 政府標準利用規約 2.0 (CC BY 4.0
compatible); names only are kept, with the programme sheet.
"""

from __future__ import annotations

import hashlib
import re
import sys
import warnings
from pathlib import Path

import openpyxl

from kizuna.core.tables import write_table
from kizuna.lists.store import SnapshotStore
from kizuna.screening.api import for_entries
from kizuna.screening.katakana_bench import EXCLUDED
from kizuna.screening.model import Query
from kizuna.screening.service import ensure_current

HEADER = ["告示日付", "告示番号", "日本語表記", "英語表記"]
OUT = Path(__file__).with_name("katakana_mof.csv")


def pairs(path: Path) -> list[tuple[str, str, str]]:
    """(programme sheet, Japanese name, English name) of every row that has both."""
    warnings.simplefilter("ignore")  # the workbook's print areas
    book = openpyxl.load_workbook(path, read_only=True)
    found = []
    for sheet in book.worksheets[1:]:
        header: list[str] | None = None
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if c is None else str(c) for c in row]
            if header is None:
                header = cells if cells[:4] == HEADER else None
                continue
            fields = dict(zip(header, cells, strict=False))
            japanese, english = fields.get("日本語表記", "").strip(), fields.get("英語表記", "").strip()
            english = re.sub(r"\(?original script:.*", "", english, flags=re.S | re.I).split("\n")[0]
            english = " ".join(re.sub(r"[(（][^)）]*[)）]", " ", english).split())
            if japanese and english:
                found.append((sheet.title, " ".join(japanese.split()), english))
    return found


def main(path: Path) -> None:
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    screener = for_entries([e for e in snapshot.entries() if e.list_code not in EXCLUDED])
    rows = []
    for sheet, japanese, english in pairs(path):
        hits = screener.screen(Query(english), 0.5, 10)
        part = "holdout" if int(hashlib.sha1(japanese.encode()).hexdigest(), 16) % 2 else "dev"
        kind = "person" if "個人" in sheet or "関係者" in sheet else "other"
        if hits and hits[0].score >= 0.97:
            expected = " | ".join(f"{h.list_code}:{h.entry_id}" for h in hits if h.score >= 0.97)
        elif not hits or hits[0].score < 0.85:
            expected = ""
        else:
            continue  # found, but not surely: neither a positive nor a negative
        rows.append([japanese, english, expected, part, kind, sheet])
    write_table(OUT, ["katakana", "english", "expected", "part", "kind", "sheet"], rows)
    print(f"{len(rows)} pairs -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
