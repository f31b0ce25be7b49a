"""A layered layout of a target's ownership graph, computed on the server so the console draws it as plain SVG.

The target sits at the bottom; every owner is placed one layer above the nearest company it holds (shortest
distance up the chain), layers are ordered by the mean position of the companies each party holds (one barycentre
sweep from the bottom up), and links that run sideways or downwards (cross-holdings) are drawn as curves.

Each box is as wide as its text needs (long names wrap onto a second and third line rather than being cut), and
each share label sits on its link near the owned company, moved along the link and then sideways until it
overlaps no other label and no box.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

MIN_WIDTH = 150
MAX_WIDTH = 300
PADDING = 10  # inside a box, left and right
LINE = 17  # height of one name line (13 px bold)
META_LINE = 14  # height of one line of the kind/country/lists text below the name (11 px)
NODE_HEIGHT = 56  # a box with a one-line name
MAX_LINES = 3
H_GAP = 36
V_GAP = 104
MARGIN = 24
NAME_PX, META_PX, LABEL_PX = 13.0, 11.0, 12.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the width of ``text`` in a sans-serif font of ``size`` px: wide (CJK) characters
    count as one em, others as 0.62 em (0.68 em bold), what DejaVu Sans, the widest common fallback, averages."""
    narrow = 0.68 if bold else 0.62
    return sum(size if unicodedata.east_asian_width(c) in ("W", "F") else size * narrow for c in text)


def wrap(text: str, width: float, size: float = NAME_PX, lines: int = MAX_LINES, bold: bool = True) -> list[str]:
    """``text`` broken into at most ``lines`` lines of at most ``width`` px (at spaces, or anywhere in CJK text);
    the last line ends in an ellipsis only when even ``lines`` lines cannot hold it."""
    out: list[str] = []
    current = ""
    for piece in _pieces(text):
        trial = current + piece
        if current and text_width(trial.rstrip(), size, bold) > width:
            out.append(current.rstrip())
            current = piece.lstrip()
        else:
            current = trial
    if current.strip():
        out.append(current.rstrip())
    if len(out) > lines:
        last = " ".join(out[lines - 1:])
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return out or [""]


def _pieces(text: str) -> list[str]:
    """Words with their trailing space; CJK characters one by one (they may break anywhere)."""
    pieces: list[str] = []
    word = ""
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            if word:
                pieces.append(word)
                word = ""
            pieces.append(char)
        else:
            word += char
            if char == " ":
                pieces.append(word)
                word = ""
    if word:
        pieces.append(word)
    return pieces


@dataclass(slots=True)
class Box:
    id: str
    x: float
    y: float
    layer: int
    width: float = MIN_WIDTH
    height: float = NODE_HEIGHT
    lines: list[str] = field(default_factory=list)  # the name, wrapped
    meta_lines: list[str] = field(default_factory=list)  # the second text, wrapped


@dataclass(slots=True)
class Link:
    owner: str
    owned: str
    path: str  # SVG path data
    label_x: float
    label_y: float
    back: bool  # runs sideways or downwards: part of a cross-holding


@dataclass(slots=True)
class Layout:
    width: float
    height: float
    boxes: dict[str, Box] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)


def _centre(node: str, depth: int, held_by: dict[str, list[str]], position: dict[str, float],
            layer: dict[str, int]) -> float:
    """The mean position of the companies ``node`` holds in the layers below it."""
    below = [position[o] for o in held_by[node] if o in position and layer[o] < depth]
    return sum(below) / len(below) if below else 0.0


def _box(node: str, name: str, meta: str, layer: int) -> Box:
    """A box as wide as its longer text (up to MAX_WIDTH), as tall as its wrapped lines; placed later."""
    inner = max(text_width(name, NAME_PX, bold=True), text_width(meta, META_PX))
    width = min(max(inner + 2 * PADDING, MIN_WIDTH), MAX_WIDTH)
    lines = wrap(name, width - 2 * PADDING)
    meta_lines = wrap(meta, width - 2 * PADDING, META_PX, lines=2, bold=False) if meta else []
    height = NODE_HEIGHT + LINE * (len(lines) - 1) + META_LINE * max(len(meta_lines) - 1, 0)
    return Box(node, 0.0, 0.0, layer, width, height, lines, meta_lines)


def layered(target: str, edges: list[tuple[str, str]], names: dict[str, str] | None = None,
            metas: dict[str, str] | None = None, labels: dict[tuple[str, str], str] | None = None) -> Layout:
    """Place the target and its owners; ``edges`` are (owner, owned) pairs among them. ``names`` and ``metas``
    (the box's two texts) size the boxes; ``labels`` (the share on each edge) are placed clear of each other."""
    names, metas, labels = names or {}, metas or {}, labels or {}
    owners_of: dict[str, list[str]] = defaultdict(list)
    held_by: dict[str, list[str]] = defaultdict(list)
    for owner, owned in edges:
        owners_of[owned].append(owner)
        held_by[owner].append(owned)
    layer = {target: 0}
    queue = [target]
    for node in queue:
        for owner in owners_of[node]:
            if owner not in layer:
                layer[owner] = layer[node] + 1
                queue.append(owner)
    rows: dict[int, list[str]] = defaultdict(list)
    for node in queue:
        rows[layer[node]].append(node)
    position: dict[str, float] = {target: 0.0}
    for depth in sorted(rows):
        if depth:
            keys = {n: (_centre(n, depth, held_by, position, layer), n) for n in rows[depth]}
            rows[depth].sort(key=keys.__getitem__)
        for k, node in enumerate(rows[depth]):
            position[node] = k - (len(rows[depth]) - 1) / 2
    boxes = {node: _box(node, names.get(node, node), metas.get(node, ""), layer[node]) for node in layer}
    result = _place(rows, boxes)
    _link(result, edges, labels)
    return result


def _place(rows: dict[int, list[str]], boxes: dict[str, Box]) -> Layout:
    """Rows centred on one axis, each as tall as its tallest box (boxes aligned at the bottom), top layer first."""
    row_width = {d: sum(boxes[n].width for n in row) + H_GAP * (len(row) - 1) for d, row in rows.items()}
    row_height = {d: max(boxes[n].height for n in row) for d, row in rows.items()}
    width = max(row_width.values()) + 2 * MARGIN + 90  # room on the right for cross-holding curves
    top = max(rows)
    result = Layout(width, 0.0)
    y = float(MARGIN)
    for depth in range(top, -1, -1):
        x = (width - 90) / 2 - row_width[depth] / 2
        for node in rows.get(depth, []):
            box = boxes[node]
            box.x, box.y = x, y + row_height[depth] - box.height
            result.boxes[node] = box
            x += box.width + H_GAP
        y += row_height.get(depth, NODE_HEIGHT) + V_GAP
    result.height = y - V_GAP + MARGIN
    return result


def _link(result: Layout, edges: list[tuple[str, str]], labels: dict[tuple[str, str], str]) -> None:
    placed: list[tuple[float, float, float, float]] = [(b.x, b.y, b.x + b.width, b.y + b.height)
                                                       for b in result.boxes.values()]
    for owner, owned in edges:
        if owner not in result.boxes or owned not in result.boxes:
            continue
        a, b = result.boxes[owner], result.boxes[owned]
        label_w = text_width(labels.get((owner, owned), "100 %"), LABEL_PX, bold=True) + 16  # with a clear gap
        if a.layer > b.layer:
            x1, y1 = a.x + a.width / 2, a.y + a.height
            x2, y2 = b.x + b.width / 2, b.y
            mid = (y1 + y2) / 2
            path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
            # Along the curve, from near the owned company upwards, then sideways: the first free spot.
            spots = [(_bezier(x1, x2, t), y1 + (y2 - y1) * _ease(t)) for t in (0.72, 0.6, 0.82, 0.5, 0.4, 0.3)]
            back = False
        else:
            # A cross-holding: leave from the owner's right side, bow out, enter the owned company's right side.
            x1, y1 = a.x + a.width, a.y + a.height * 0.7
            x2, y2 = b.x + b.width, b.y + b.height * 0.3
            bow = max(x1, x2) + 60
            path = f"M{x1:.1f},{y1:.1f} C{bow:.1f},{y1:.1f} {bow:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            spots = [(bow - 12, (y1 + y2) / 2 + dy) for dy in (0, 16, -16, 32)]
            back = True
        x, y = _free_spot(spots, label_w, placed)
        placed.append((x - label_w / 2, y - 11, x + label_w / 2, y + 4))
        result.links.append(Link(owner, owned, path, x, y, back))


def _ease(t: float) -> float:
    """The vertical progress (0 to 1) of the link's curve, whose control points sit at mid-height, at ``t``."""
    return 1.5 * t * (1 - t) + t ** 3


def _bezier(x1: float, x2: float, t: float) -> float:
    """The horizontal position of the link's curve (x1, x1, x2, x2) at parameter ``t``."""
    return (1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * x1 + 3 * (1 - t) * t * t * x2 + t ** 3 * x2


def _free_spot(spots: list[tuple[float, float]], width: float,
               placed: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The first spot where a label of ``width`` overlaps nothing placed; else the first spot shifted sideways."""
    def clear(x: float, y: float) -> bool:
        left, top, right, bottom = x - width / 2, y - 11, x + width / 2, y + 4
        return all(right <= p[0] or left >= p[2] or bottom <= p[1] or top >= p[3] for p in placed)

    for x, y in spots:
        if clear(x, y):
            return x, y
    x0, y0 = spots[0]
    for step in range(1, 12):
        for x in (x0 + step * (width / 2 + 4), x0 - step * (width / 2 + 4)):
            if clear(x, y0):
                return x, y0
    return x0, y0
