"""The ownership graph's layout: boxes sized from their text, long names wrapped, share labels apart."""

from __future__ import annotations

from itertools import pairwise

from kizuna.ownership.layout import MAX_WIDTH, MIN_WIDTH, layered, text_width, wrap


def test_boxes_grow_with_their_text_and_long_names_wrap_whole() -> None:
    names = {"t": "Target KK", "a": "Short", "b": "Shenzhen Huawei Agisson Electric Company Limited Holdings",
             "c": "北京航空航天大学科技园发展有限公司"}
    layout = layered("t", [("a", "t"), ("b", "t"), ("c", "t")], names=names)
    boxes = layout.boxes
    assert boxes["a"].width == MIN_WIDTH and boxes["b"].width == MAX_WIDTH
    assert len(boxes["b"].lines) > 1 and " ".join(boxes["b"].lines) == names["b"]  # wrapped, nothing lost
    assert "".join(boxes["c"].lines) == names["c"]
    for box in boxes.values():
        assert all(text_width(line, 13, bold=True) <= box.width - 20 for line in box.lines)
    assert boxes["b"].height > boxes["a"].height
    # boxes of one row do not overlap
    row = sorted((boxes[n] for n in "abc"), key=lambda b: b.x)
    assert all(left.x + left.width <= right.x for left, right in pairwise(row))


def test_wrap_marks_only_what_cannot_fit() -> None:
    assert wrap("Alpha Beta", 200) == ["Alpha Beta"]
    assert wrap("word " * 40, 100, lines=3)[-1].endswith("…")


def test_share_labels_converging_on_one_company_are_moved_apart() -> None:
    owners = [f"o{i}" for i in range(5)]
    labels = {(o, "t"): "20–30 %" for o in owners}
    layout = layered("t", [(o, "t") for o in owners], labels=labels)
    spots = [(link.label_x, link.label_y) for link in layout.links]
    width = text_width("20–30 %", 12, bold=True)
    for i, (x1, y1) in enumerate(spots):
        for x2, y2 in spots[i + 1:]:
            assert abs(x1 - x2) >= width or abs(y1 - y2) >= 15
