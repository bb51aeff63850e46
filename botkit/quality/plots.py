"""Small inline SVG line plots of quality signals over time (no plotting library needed)."""

from __future__ import annotations

from html import escape

COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c")


def svg_plot(
    series: dict[str, list[float]],
    fps: float,
    *,
    title: str,
    offset_frames: float = 0.0,
    limit: float | None = None,
    width: int = 520,
    height: int = 150,
) -> str:
    """Lines of ``series`` (value per frame or per frame pair) against time in seconds; an optional
    dashed ``limit`` line marks a threshold."""
    left, right, top, bottom = 44, 10, 22, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for line in series.values() for v in line]
    if limit is not None:
        values.append(limit)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    longest = max((len(line) for line in series.values()), default=1)
    span = max(1.0, longest - 1 + offset_frames)

    def x(index: float) -> float:
        return left + plot_w * (index + offset_frames) / span

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="10">',
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#ccc"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{high:.3g}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">{low:.3g}</text>',
        f'<text x="{left}" y="{height - 6}">0 s</text>',
        f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end">{span / fps:.2f} s</text>',
    ]
    if limit is not None:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
            f'stroke="#f59e0b" stroke-dasharray="4 3"><title>threshold {limit:.4g}</title></line>'
        )
    for n, (name, line) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line))
        if len(line) == 1:
            parts.append(f'<circle cx="{x(0):.1f}" cy="{y(line[0]):.1f}" r="2" fill="{colour}"/>')
        elif line:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>')
        parts.append(
            f'<text x="{left + plot_w - 4}" y="{top + 12 + 12 * n}" text-anchor="end" fill="{colour}">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
