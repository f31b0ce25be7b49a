"""Inline SVG charts for the reports (no scripts, no external resources, so they print and render offline)."""

from __future__ import annotations

from html import escape

from kizuna.cyber.scoring import MET, NOT_APPLICABLE, NOT_MET, PARTIAL, ScoreReport

COLOURS = {MET: "#2f7d4f", NOT_APPLICABLE: "#9aa3ad", PARTIAL: "#d99a1e", NOT_MET: "#c0392b"}
LABELS = {MET: "met", NOT_APPLICABLE: "not applicable", PARTIAL: "partial", NOT_MET: "not met"}


def family_chart(report: ScoreReport, family_titles: dict[str, str], width: int = 760) -> str:
    """One row per family: requirements met / N/A / partial / not met as a stacked bar, and the points lost."""
    families = report.by_family()
    row_h, top, label_w, right_w = 24, 30, 320, 70
    bar_w = width - label_w - right_w
    most = max((len(rs) for rs in families.values()), default=1)
    height = top + row_h * len(families) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart family-chart" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="Requirements by family">']
    x = label_w
    for status in (MET, NOT_APPLICABLE, PARTIAL, NOT_MET):
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[status]}"/>'
                   f'<text x="{x + 16}" y="16" font-size="12">{LABELS[status]}</text>')
        x += 16 + 8 * len(LABELS[status]) + 16
    out.append(f'<text x="{width - 4}" y="16" font-size="12" text-anchor="end">points lost</text>')
    for index, (family_id, results) in enumerate(families.items()):
        y = top + index * row_h
        title = escape(f"{family_id} {family_titles.get(family_id, '')}".strip())
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">{title}</text>')
        offset = 0.0
        for status in (MET, NOT_APPLICABLE, PARTIAL, NOT_MET):
            count = sum(1 for r in results if r.status == status)
            if not count:
                continue
            w = bar_w * count / most
            out.append(f'<rect x="{label_w + offset:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                       f'fill="{COLOURS[status]}"><title>{title}: {count} {LABELS[status]}</title></rect>')
            if w >= 18:
                out.append(f'<text x="{label_w + offset + w / 2:.1f}" y="{y + 15}" font-size="11" fill="#fff" '
                           f'text-anchor="middle">{count}</text>')
            offset += w
        lost = sum(r.points for r in results)
        colour = COLOURS[NOT_MET] if lost else "#555"
        out.append(f'<text x="{width - 4}" y="{y + 15}" font-size="12" text-anchor="end" fill="{colour}" '
                   f'class="lost" data-family="{escape(family_id)}">{"−" + str(lost) if lost else "0"}</text>')
    out.append("</svg>")
    return "".join(out)


def score_scale(score: int, minimum: int, maximum: int, threshold: int, width: int = 760) -> str:
    """The score on the full SPRS range, with the Conditional threshold marked."""
    pad, height, y = 40, 64, 26

    def at(value: int) -> float:
        return pad + (width - 2 * pad) * (value - minimum) / (maximum - minimum)

    colour = COLOURS[MET] if score == maximum else COLOURS[PARTIAL] if score >= threshold else COLOURS[NOT_MET]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart score-scale" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="SPRS score {score} on the range {minimum} to {maximum}">'
        f'<rect x="{pad}" y="{y}" width="{width - 2 * pad}" height="10" fill="#e6e9ed"/>'
        f'<rect x="{at(threshold):.1f}" y="{y}" width="{at(maximum) - at(threshold):.1f}" height="10" fill="#cfe8d8"/>'
        f'<line x1="{at(threshold):.1f}" x2="{at(threshold):.1f}" y1="{y - 6}" y2="{y + 16}" stroke="#2f7d4f"/>'
        f'<text x="{at(threshold):.1f}" y="{y + 30}" font-size="11" text-anchor="middle">{threshold} conditional</text>'
        f'<circle cx="{at(score):.1f}" cy="{y + 5}" r="8" fill="{colour}"/>'
        f'<text x="{at(score):.1f}" y="{y - 9}" font-size="12" font-weight="bold" text-anchor="middle">{score}</text>'
        f'<text x="{pad - 6}" y="{y + 9}" font-size="11" text-anchor="end">{minimum}</text>'
        f'<text x="{width - pad + 6}" y="{y + 9}" font-size="11">{maximum}</text>'
        "</svg>")
