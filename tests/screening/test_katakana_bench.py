"""How ``kizuna bench katakana`` sorts its cases: by how the MOF list writes the Japanese name, and whether a
negative's hit is the MOF list's own party by its birth date, and what a case's MOF entry says of its party."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.lists.store import SnapshotStore
from kizuna.screening.katakana_bench import KANJI, KATAKANA, MofParties, dates_agree, writing
from kizuna.screening.service import ensure_current


@pytest.mark.parametrize(("japanese", "written"), [
    ("キム・ギョンイル", KATAKANA),  # KIM KYONG IL, by sound
    ("株式会社ロスオボロンエクスポルト", KATAKANA),  # JSC Rosoboronexport: a legal form before the sound
    ("ウガンダ・コマーシャル・インペックス（UCI）有限会社", KATAKANA),
    ("クルド労働者党", KANJI),  # Kurdistan Workers' Party, translated
    ("株式会社国営輸送リース会社", KANJI),  # JSC State Transportation Leasing Company: 国営輸送 is translated
])
def test_a_name_is_katakana_when_no_han_is_left_beside_its_legal_forms(kizuna_home: Path, japanese: str,
                                                                       written: str) -> None:
    assert writing(japanese) == written


def test_birth_dates_agree_on_the_precision_both_give() -> None:
    assert dates_agree("1954", "1954-03-01")
    assert dates_agree("1961-02-20", "1961-02-20")
    assert not dates_agree("1961-02-20", "1961-02-23")
    assert not dates_agree("1947-04-10", "1972")
    assert not dates_agree("", "1972")


def test_a_case_carries_the_kind_and_birth_date_its_mof_entry_gives(kizuna_home: Path) -> None:
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    try:
        mof = MofParties(snapshot)
        # MOF: ドミートリー・サヴェリエフ (Dmitrii Saveljev), born 1971-05-25; SDN 36859 SAVELYEV, Dmitry, 1968-08-03.
        assert mof.register_facts("ドミートリー・サヴェリエフ") == ("person", "1971-05-25")
        assert not mof.same_person("ドミートリー・サヴェリエフ", "us-ofac-sdn:36859")
        assert mof.register_facts("フェオドシア社") == ("organization", "")  # FEODOSIIA: no date
        assert mof.register_facts("どこにもない名前") == ("unknown", "")
    finally:
        snapshot.close()
