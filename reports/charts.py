"""Bar charts as SVG geometry, drawn on the server: no script, no inline style (colours come from classes in
static/css/reports.css), so they pass the Content-Security-Policy. The table beside each chart has the figures."""

from dataclasses import dataclass

from .formats import nl_number

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 70
ROW = 30
BAR = 12


@dataclass
class Bar:
    label: str
    y: int
    text_y: int
    current_width: float
    previous_width: float | None
    previous_y: int
    value_text: str
    value_x: float


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    has_previous: bool


def bar_chart(rows: list[tuple[str, float, float | None]], unit: str = "") -> Chart | None:
    if not rows:
        return None
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = 100.0 if unit == "%" else max(max(v or 0, p or 0) for _label, v, p in rows) or 1
    has_previous = any(p is not None for _label, _v, p in rows)
    bars = []
    for i, (label, value, previous) in enumerate(rows):
        y = i * ROW + 4
        width = area * (value or 0) / scale
        text = nl_number(value, 1 if unit == "%" else 0) + (" %" if unit == "%" else "")
        bars.append(
            Bar(
                label=label[:32],
                y=y,
                text_y=y + BAR,
                current_width=round(width, 1),
                previous_width=round(area * (previous or 0) / scale, 1) if previous is not None else None,
                previous_y=y + BAR + 2,
                value_text=text,
                value_x=round(LABEL_WIDTH + width + 6, 1),
            )
        )
    return Chart(WIDTH, len(rows) * ROW + 8, LABEL_WIDTH, bars, has_previous)
