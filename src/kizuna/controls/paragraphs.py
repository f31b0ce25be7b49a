"""An ECCN's item text, as the eCFR prints it in one run, split into its paragraph tree and its notes.

The CCL writes every paragraph with its full label (``a.``, ``a.1.``, ``a.1.b.``), letters and numbers
alternating, so a label's depth is its own. What is hard is telling a label from the same letters in prose and in
notes: a note may have its own list (``Note 1 to 3A090.a: … a. If the designer … b. If the integrated circuit die
…``) whose ``b.`` would otherwise read as paragraph ``3A090.b``. The rules below, in order:

1. A label is followed by the start of a sentence (a capital, a digit, ``[``, ``(`` or a quote) and starts at a
   sentence boundary (after ``.``, ``:``, ``;``, a bracket or quote, or ``; or`` / ``; and``) — unless it is the
   very next paragraph (``… AT Column 1 a. Nickel powder``, the sub-heading ``Optics d. …``); "paragraphs a.
   through c." is prose. ``e.g.`` and ``i.e.`` never alternate letters and numbers, so they are never labels.
2. A label is a paragraph only where it can come next in the tree: its parent exists and it sorts after the
   parent's last child (CCL paragraphs skip letters, as 3A001 goes from ``.i`` to ``.z``).
3. Inside a note, a one-letter label that continues the note's own list (``a.`` first, then the next letter) is
   note text; any other label that can come next in the tree ends the note.

Nothing is dropped: every character of the text belongs to the preamble, a paragraph or a note, so the pieces
joined again give the text back (``tests/controls/test_ccl.py`` checks that for every ECCN).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_LABEL = re.compile(r"(?<!\S)([a-z](?:\.(?:\d{1,3}|[a-z]))*)\.?(?=\s+[A-Z0-9\[(“\"'‘])")
_NOTE = re.compile(r"(?<!\S)(Technical Notes?|Notes?|N\.B\.|Nota Bene)(?:\s+\d+)?(?:\s+to\s+[^:;]{1,60}?)?:")
_BOUNDARY = re.compile(r"(?:[.:;)\]”\"’']|[;,]\s+(?:or|and))\s*$")


@dataclass(slots=True)
class Note:
    """A note, technical note or N.B. as the text writes it: its heading (``Note 1 to 3A090.a:``) and its text."""

    heading: str
    text: str

    @property
    def kind(self) -> str:
        """``note``, ``technical note`` or ``n.b.``."""
        if self.heading.startswith("Technical"):
            return "technical note"
        return "n.b." if self.heading.startswith(("N.B.", "Nota Bene")) else "note"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "heading": self.heading, "text": self.text}


@dataclass(slots=True)
class Paragraph:
    """One paragraph of an ECCN: its label (``a.1``), its own text, the notes after it, and its sub-paragraphs."""

    label: str
    text: str
    notes: list[Note] = field(default_factory=list)
    children: list[Paragraph] = field(default_factory=list)

    def walk(self) -> list[Paragraph]:
        """This paragraph and every paragraph under it, in text order."""
        return [self, *(p for child in self.children for p in child.walk())]

    def to_dict(self, depth: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "text": self.text, "notes": [n.to_dict() for n in self.notes]}
        if depth is None or depth > 0:
            out["children"] = [c.to_dict(None if depth is None else depth - 1) for c in self.children]
        return out


@dataclass(slots=True)
class ItemText:
    """The text before the first paragraph, the notes that belong to the whole entry, and the paragraph tree."""

    preamble: str
    notes: list[Note]
    paragraphs: list[Paragraph]
    pieces: list[str]  # every piece of the text in order: joined with spaces, the text itself

    def rejoined(self) -> str:
        return " ".join(piece for piece in self.pieces if piece)


def _parts(label: str) -> list[str]:
    return label.split(".")


def _sort_key(part: str) -> int:
    return int(part) if part.isdigit() else ord(part)


def _alternates(parts: list[str]) -> bool:
    return all(part.isdigit() == (index % 2 == 1) for index, part in enumerate(parts))


class _Tree:
    """The paragraphs read so far, to decide whether a label can come next."""

    def __init__(self) -> None:
        self.roots: list[Paragraph] = []
        self.by_label: dict[str, Paragraph] = {}

    def _siblings(self, label: str) -> list[Paragraph] | None:
        """The paragraphs ``label`` would follow (None when its parent is not in the tree, or it is)."""
        parts = _parts(label)
        if not _alternates(parts) or label in self.by_label:
            return None
        if len(parts) == 1:
            return self.roots
        parent = self.by_label.get(".".join(parts[:-1]))
        return parent.children if parent is not None else None

    def fits(self, label: str) -> bool:
        """Whether ``label`` can come next: its parent is in the tree and it sorts after the parent's last child."""
        siblings = self._siblings(label)
        if siblings is None:
            return False
        if not siblings:
            return True  # not always .a or .1: "a.1. to a.5. [Reserved]" is followed by a.6
        return _sort_key(_parts(label)[-1]) > _sort_key(_parts(siblings[-1].label)[-1])

    def next_in_line(self, label: str) -> bool:
        """Whether ``label`` is the very next paragraph: ``a``/``1`` first, or the letter or number after the last."""
        siblings = self._siblings(label)
        if siblings is None:
            return False
        if not siblings:
            return _parts(label)[-1] in ("a", "1")
        return _sort_key(_parts(label)[-1]) == _sort_key(_parts(siblings[-1].label)[-1]) + 1

    def add(self, label: str, text: str) -> Paragraph:
        paragraph = Paragraph(label, text)
        parts = _parts(label)
        (self.roots if len(parts) == 1 else self.by_label[".".join(parts[:-1])].children).append(paragraph)
        self.by_label[label] = paragraph
        return paragraph


def _markers(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end of the marker, kind, label or heading) of every candidate label and note heading, in order."""
    found = [(m.start(), m.end(), "note", m.group(0)) for m in _NOTE.finditer(text)]
    found += [(m.start(), m.end(), "label", m.group(1)) for m in _LABEL.finditer(text)]
    return sorted(found)


def _child_follows(markers: list[tuple[int, int, str, str]], index: int) -> bool:
    """Whether the next label after ``markers[index]`` is its first sub-paragraph (``c.`` then ``c.1.``): a
    letter that could go on a note's list is a paragraph when its own sub-paragraphs follow it."""
    label = markers[index][3]
    for _, _, kind, value in markers[index + 1:]:
        if value in (f"{label}.1", f"{label}.a"):
            return True
        if kind == "note" or (len(value) == 1 and value > label):
            return False
    return False


def _named(heading: str, code: str, tree: _Tree) -> list[Paragraph]:
    """The paragraphs a note's heading names ("Note 2 to 3A090.a and 3A090.b:" → .a and .b)."""
    if not code:
        return []
    labels = re.findall(re.escape(code) + r"\.([a-z0-9]+(?:\.[a-z0-9]+)*)", heading)
    return [tree.by_label[label] for label in labels if label in tree.by_label]


def parse_items(text: str, code: str = "") -> ItemText:
    """Split an ECCN's text into preamble, paragraph tree and notes (module docstring: the rules). A note whose
    heading names paragraphs of ``code`` ("Note 1 to 3A090.a:") belongs to them, any other to the paragraph
    before it (or to the whole entry before the first paragraph)."""
    tree = _Tree()
    entry_notes: list[Note] = []
    cuts: list[tuple[int, int, str, str]] = []  # accepted markers
    expected: set[str] | None = None  # while a note is open: the letters that go on its own lists
    markers = _markers(text)
    for index, (start, end, kind, value) in enumerate(markers):
        at_boundary = not start or bool(_BOUNDARY.search(text[max(0, start - 12):start]))
        if kind == "note":
            if at_boundary:
                # Consecutive notes share their lists: a technical note may sit in a note's list (1C001).
                expected = expected if expected is not None and cuts and cuts[-1][2] == "note" else set()
                cuts.append((start, end, "note", value))
            continue
        if not (at_boundary or tree.next_in_line(value)):
            continue  # "… AT Column 1 a. Nickel powder" and "Optics d. …" start paragraphs; "see b. Note" does not
        if expected is not None and len(value) == 1 and (value == "a" or value in expected) and not (
                tree.fits(value) and (not tree.roots or _child_follows(markers, index))):
            expected = (expected - {value}) | {chr(ord(value) + 1)}  # a note's list (or a list within it)
            continue
        if tree.fits(value):
            tree.add(value, "")
            cuts.append((start, end, "label", value))
            expected = None
    pieces = [text[:cuts[0][0]].strip() if cuts else text.strip()]
    current: Paragraph | None = None
    for index, (start, end, kind, value) in enumerate(cuts):
        stop = cuts[index + 1][0] if index + 1 < len(cuts) else len(text)
        body = text[end:stop].strip()
        pieces.append(text[start:stop].strip())
        if kind == "label":
            current = tree.by_label[value]
            current.text = body
        else:
            note = Note(value.strip(), body)
            owners = _named(note.heading, code, tree) or ([current] if current is not None else [])
            for owner in owners:
                owner.notes.append(note)
            if not owners:
                entry_notes.append(note)
    return ItemText(pieces[0], entry_notes, tree.roots, pieces)
