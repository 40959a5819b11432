"""Bar charts drawn on the server as SVG text: no JavaScript, no CDN, readable on a phone.

>>> svg = bar_chart([3, 5], ["09", "10"], "Calls per hour")
>>> svg.startswith("<svg") and "Calls per hour" in svg
True
"""
from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD, AXIS, MAX_BAR = 640, 270, 44, 30, 48
VALUE_LABELS = 24               # up to this many bars, each shows its number


def _bar(x: float, width: float, value: float, top: float, label: str) -> str:
    plot = HEIGHT - PAD - AXIS
    height = 0 if top <= 0 else plot * value / top
    y = PAD + plot - height
    return (f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}">'
            f"<title>{escape(label)}: {value:g}</title></rect>")


def _value(x: float, value: float, top: float) -> str:
    """The bar's number above it, so a phone needs no hovering to read it."""
    plot = HEIGHT - PAD - AXIS
    y = PAD + plot - plot * value / top - 4
    return f'<text class="value" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{value:g}</text>'


def _label(x: float, text: str) -> str:
    return (f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
            f"{escape(text)}</text>")


def _every(count: int) -> int:
    """Show every n-th label so that about 8 fit on a phone."""
    return max(1, -(-count // 8))


def bar_chart(values: list[float], labels: list[str], title: str) -> str:
    """A titled bar chart of ``values`` with ``labels`` under the bars (thinned when many)."""
    top = max(values, default=0)
    slot = (WIDTH - 2 * PAD) / max(1, len(values))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="chart" role="img" aria-label="{escape(title)}">',
             f'<text class="title" x="{PAD}" y="22">{escape(title)} (max {top:g})</text>',
             f'<line class="base" x1="{PAD}" x2="{WIDTH - PAD}" y1="{HEIGHT - AXIS}" '
             f'y2="{HEIGHT - AXIS}"/>']
    step = _every(len(values))
    for index, (value, label) in enumerate(zip(values, labels)):
        x = PAD + index * slot
        width = min(slot * 0.8, MAX_BAR)
        parts.append(_bar(x + (slot - width) / 2, width, value, top, label))
        if value and len(values) <= VALUE_LABELS:
            parts.append(_value(x + slot / 2, value, top))
        if index % step == 0:
            parts.append(_label(x + slot / 2, label))
    if not values:
        parts.append(f'<text class="axis" x="{WIDTH / 2}" y="{HEIGHT / 2}" '
                     'text-anchor="middle">No calls in this period</text>')
    parts.append("</svg>")
    return "".join(parts)


def hours_chart(per_hour: list[int], zone: str = "UTC", title: str = "Calls per hour") -> str:
    """Calls by the office's hour of the day (``zone`` is named in the title), 24 bars."""
    return bar_chart(per_hour, [f"{hour:02d}" for hour in range(24)], f"{title} ({zone})")


def days_chart(per_day: dict[str, int], title: str = "Calls per day") -> str:
    """Calls per office date, oldest first; labels are MM-DD."""
    return bar_chart(list(per_day.values()), [day[5:] for day in per_day], title)
