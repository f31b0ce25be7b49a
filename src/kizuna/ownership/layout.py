"""A layered layout of a target's ownership graph, computed on the server so the console draws it as plain SVG.

The target sits at the bottom; every owner is placed one layer above the nearest company it holds (shortest
distance up the chain), layers are ordered by the mean position of the companies each party holds (one barycentre
sweep from the bottom up), and links that run sideways or downwards (cross-holdings) are drawn as curves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

NODE_WIDTH = 200
NODE_HEIGHT = 56
H_GAP = 36
V_GAP = 96
MARGIN = 24


@dataclass(slots=True)
class Box:
    id: str
    x: float
    y: float
    layer: int


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


def layered(target: str, edges: list[tuple[str, str]]) -> Layout:
    """Place the target and its owners; ``edges`` are (owner, owned) pairs among them."""
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
    widest = max(len(r) for r in rows.values())
    top = max(rows)
    width = widest * NODE_WIDTH + (widest - 1) * H_GAP + 2 * MARGIN + 80
    height = (top + 1) * NODE_HEIGHT + top * V_GAP + 2 * MARGIN
    result = Layout(width, height)
    for node, depth in layer.items():
        x = width / 2 + position[node] * (NODE_WIDTH + H_GAP) - NODE_WIDTH / 2
        y = MARGIN + (top - depth) * (NODE_HEIGHT + V_GAP)
        result.boxes[node] = Box(node, x, y, depth)
    for owner, owned in edges:
        if owner not in result.boxes or owned not in result.boxes:
            continue
        a, b = result.boxes[owner], result.boxes[owned]
        if a.layer > b.layer:
            x1, y1 = a.x + NODE_WIDTH / 2, a.y + NODE_HEIGHT
            x2, y2 = b.x + NODE_WIDTH / 2, b.y
            mid = (y1 + y2) / 2
            path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
            result.links.append(Link(owner, owned, path, (x1 + x2) / 2, mid, False))
        else:
            # A cross-holding: leave from the owner's right side, bow out, enter the owned company's right side.
            x1, y1 = a.x + NODE_WIDTH, a.y + NODE_HEIGHT * 0.7
            x2, y2 = b.x + NODE_WIDTH, b.y + NODE_HEIGHT * 0.3
            bow = max(x1, x2) + 60
            path = f"M{x1:.1f},{y1:.1f} C{bow:.1f},{y1:.1f} {bow:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            result.links.append(Link(owner, owned, path, bow - 12, (y1 + y2) / 2, True))
    return result
