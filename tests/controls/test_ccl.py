"""The Commerce Control List as data: every ECCN of the bundled eCFR text read, none lost, its paragraph tree,
notes and look-ups; the eCFR XML layout of part 774 read to the same tree."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from kizuna.controls.ccl import bundled_ccl, read_ccl
from kizuna.controls.ecfr import read_ecfr
from kizuna.controls.paragraphs import parse_items
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import bundled

SOURCE = bundled("controls", "ccl", "ecfr_ccl_supp1_2026-07-23.json.gz")
XML = Path(__file__).parents[1] / "fixtures" / "controls" / "ecfr_part774_excerpt.xml"


def test_every_eccn_of_the_bundled_text_is_read() -> None:
    # Counted in the source itself, without the parser: every record's "code" field.
    raw = gzip.decompress(SOURCE.read_bytes()).decode("utf-8")
    codes = re.findall(r'"code":\s*"ECCN-(\d[A-E]\d{3})"', raw)
    assert len(codes) == 637 and len(set(codes)) == 637
    ccl = bundled_ccl()
    assert len(ccl) == 637 and [e.code for e in ccl.entries] == codes
    assert ccl.as_of == "2026-07-23" and sum(e.heading_only for e in ccl.entries) == 47


def test_no_text_is_lost_between_preamble_paragraphs_and_notes() -> None:
    for record in json.loads(gzip.decompress(SOURCE.read_bytes())):
        text = record["text"] or record["heading"] or ""
        assert parse_items(text).rejoined() == " ".join(text.split()), record["code"]


def test_paragraph_tree_of_3a090() -> None:
    eccn = bundled_ccl().by_code["3A090"]
    assert [p.label for p in eccn.walk()] == ["a", "a.1", "a.2", "b", "b.1", "b.2", "c"]
    # The note's own list (a. … d.) stays in the note: its "b." is not paragraph 3A090.b.
    note = eccn.paragraph("a").notes[0]  # type: ignore[union-attr]
    assert note.heading == "Note 1 to 3A090.a:" and " b. If the integrated circuit die is packaged" in note.text
    assert eccn.paragraph("b").text.startswith("Integrated circuits having one or more digital")  # type: ignore[union-attr]
    # "Note 2 to 3A090.a and 3A090.b" belongs to both paragraphs it names.
    named = "Note 2 to 3A090.a and 3A090.b:"
    assert any(n.heading == named for n in eccn.paragraph("a").notes)  # type: ignore[union-attr]
    assert any(n.heading == named for n in eccn.paragraph("b").notes)  # type: ignore[union-attr]
    assert "3D001" in eccn.related_controls


def test_look_up_a_paragraph_with_its_thresholds() -> None:
    found = bundled_ccl().lookup("3A090.a.2")
    assert found.reference == "3A090.a.2"
    assert found.paragraph is not None and "1600" in found.paragraph.text and "5.92" in found.paragraph.text
    assert found.text().startswith("a. Integrated circuits having one or more digital processing units")
    assert bundled_ccl().lookup("eccn 3a090.A.1").reference == "3A090.a.1"


@pytest.mark.parametrize(("reference", "words"), [
    ("3B001.f.1.b", "193 nm"), ("3A001.a.1.c", "fluence"),
    ("3A002.a.6", "Digital data recorders"),  # after "a.1. to a.5. [Reserved]"
    ("1C001.c.1", "Polyaniline"),  # after a note whose own lists run to e.
    ("1C240.a", "Nickel powder"),  # straight after the License Requirements table
    ("6E003.d.1", "coating"),  # after the sub-heading "Optics"
])
def test_paragraphs_after_the_hard_places(reference: str, words: str) -> None:
    paragraph = bundled_ccl().lookup(reference).paragraph
    assert paragraph is not None and words.lower() in paragraph.text.lower()


def test_references_to_own_paragraphs_resolve() -> None:
    # Measured: of the 1,032 places where an ECCN's text names one of its own paragraphs, all but 13 resolve;
    # those 13 are in heading-only entries (8A018, 9A018: "removed" stubs), a typo (5D002.a.3a) or a note.
    ccl, unresolved, total = bundled_ccl(), 0, 0
    for eccn in ccl.entries:
        labels = {p.label for p in eccn.walk()}
        for match in re.finditer(re.escape(eccn.code) + r"((?:\.[a-z0-9]+)+)", eccn.text):
            label = match.group(1)[1:]
            if label.startswith("z"):
                continue  # .z paragraphs are written in License Requirements, not always as items
            total += 1
            unresolved += label not in labels
    assert total > 1000 and unresolved <= 13


def test_unknown_entries_and_paragraphs_are_clear_errors() -> None:
    with pytest.raises(NotFoundError, match="9E999 is not in the Commerce Control List as of 2026-07-23"):
        bundled_ccl().lookup("9E999")
    with pytest.raises(NotFoundError, match=r"3A090 has no paragraph \.d .*top-level paragraphs: a, b, c"):
        bundled_ccl().lookup("3A090.d")
    with pytest.raises(InputError, match="not an ECCN"):
        bundled_ccl().lookup("DROP TABLE")


def test_search_english_text() -> None:
    hits = bundled_ccl().search("extreme ultraviolet", category="3B")
    assert "3B001.j.1" in [h.reference for h in hits]
    assert all(h.eccn.startswith("3B") for h in hits)
    assert [h.reference for h in bundled_ccl().search("performance density 5.92")][:1] == ["3A090.a.2"]


def test_ecfr_xml_layout_gives_the_same_tree() -> None:
    # The fixture is the eCFR "ECFR/DIV9" layout written from the real 2026-07-23 text of three ECCNs.
    text = XML.read_text(encoding="utf-8")
    assert len(re.findall(r"<B>\d[A-E]\d{3} ", text)) == 3
    xml, json_edition = read_ccl(XML, "2026-07-23"), bundled_ccl()
    assert [e.code for e in xml.entries] == ["0A002", "3A090", "4A090"]
    for eccn in xml.entries:
        same = json_edition.by_code[eccn.code]
        assert eccn.heading == same.heading and eccn.heading_only == same.heading_only
        assert [(p.label, p.text, [n.text for n in p.notes]) for p in eccn.walk()] == \
            [(p.label, p.text, [n.text for n in p.notes]) for p in same.walk()]
        assert eccn.related_controls == same.related_controls
    # The License Requirements table is kept, as the JSON edition keeps it for other ECCNs.
    assert "RS applies to 3A090.a | To or within any destination worldwide" in xml.by_code["3A090"].preamble
    assert "1600" in xml.lookup("3A090.a.2").text()


def test_ecfr_xml_variants(tmp_path: Path) -> None:
    # Layouts the eCFR uses besides the common one: a heading in <FP-1> with its full stop after the bold, and an
    # entry whose paragraphs follow "List of Items Controlled" without an "Items:" lead (texts from the 2026 CCL).
    path = tmp_path / "part774.xml"
    path.write_text('''<ECFR><DIV9 N="Supplement No. 1 to Part 774" TYPE="APPENDIX">
<FP-1><B>8D001 "Software" "specially designed" or modified for the "development," "production" or "use" of equipment
or materials, controlled by 8A (except 8A992), 8B or 8C</B>.</FP-1>
<FP-1><E T="04">List of Items Controlled</E></FP-1>
<FP-1><I>Related Controls:</I> N/A</FP-1>
<FP><I>Items:</I> The list of items controlled is contained in the ECCN heading.</FP>
<FP-2><B>5A001 Telecommunications systems, equipment, "components" and "accessories," as follows.</B></FP-2>
<FP-1><E T="04">List of Items Controlled</E></FP-1>
<FP-1><I>Related Controls:</I> See USML Category XI.</FP-1>
<P>a. Any type of telecommunications equipment having any of the following characteristics, functions or features:</P>
<P>a.1. "Specially designed" to withstand transitory electronic effects or electromagnetic pulse effects;</P>
</DIV9></ECFR>''', encoding="utf-8")
    edition = read_ccl(path, "2026-07-23")
    assert edition.by_code["8D001"].heading.endswith("8A (except 8A992), 8B or 8C.")
    assert edition.by_code["5A001"].related_controls == "See USML Category XI."
    assert [p.label for p in edition.by_code["5A001"].walk()] == ["a", "a.1"]


def test_hostile_ecfr_files_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ECFR>&a;</ECFR>', encoding="utf-8")
    with pytest.raises(InputError, match="DTD or entities"):
        read_ecfr(bomb)
    no_ccl = tmp_path / "part.xml"
    no_ccl.write_text("<ECFR><DIV5 N='740'/></ECFR>", encoding="utf-8")
    with pytest.raises(InputError, match=r"Supplement No\. 1 to Part 774"):
        read_ecfr(no_ccl)
    bad = tmp_path / "ccl.json"
    bad.write_text('[{"code": "ECCN-3A090", "heading": 7}]', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[0\]\.heading.*expected text"):
        read_ecfr(bad)
    not_gzip = tmp_path / "ccl.json.gz"
    not_gzip.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="not a gzip file"):
        read_ecfr(not_gzip)
    twice = tmp_path / "twice.json"
    twice.write_text('[{"code": "ECCN-3A090", "text": "x"}, {"code": "ECCN-3A090", "text": "y"}]', encoding="utf-8")
    with pytest.raises(InputError, match="ECCN printed twice: 3A090"):
        read_ccl(twice, "2026-01-01")
