"""Bar charts drawn as SVG on the server: no script, no third-party request, printable. Each chart
is decorative for screen readers (``aria-hidden``): the page shows the same figures in a table."""

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 14
LABEL_WIDTH = 200
PLOT_WIDTH = 360


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    target_width: int
    achieved_width: int
    text: str


@dataclass(frozen=True)
class TargetChart:
    width: int
    height: int
    label_width: int
    bars: list


def target_chart(rows) -> TargetChart:
    """``rows``: ``(label, achieved, target)``. Each bar is scaled against the largest of the
    targets and achieved figures, so an overshoot shows beyond its target."""
    rows = list(rows)
    scale = max([max(achieved, target) for _label, achieved, target in rows] + [1])
    bars = []
    for index, (label, achieved, target) in enumerate(rows):
        bars.append(
            Bar(
                label=label,
                y=index * (BAR_HEIGHT + GAP),
                target_width=round(PLOT_WIDTH * target / scale),
                achieved_width=round(PLOT_WIDTH * achieved / scale),
                text=f"{achieved} / {target}",
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return TargetChart(width=LABEL_WIDTH + PLOT_WIDTH + 90, height=height, label_width=LABEL_WIDTH, bars=bars)


def bar_chart(rows) -> TargetChart:
    """``rows``: ``(label, value, text)``; one bar each, scaled against the largest value."""
    rows = list(rows)
    scale = max([float(value) for _label, value, _text in rows] + [1])
    bars = [
        Bar(
            label=label,
            y=index * (BAR_HEIGHT + GAP),
            target_width=0,
            achieved_width=round(PLOT_WIDTH * float(value) / scale),
            text=text,
        )
        for index, (label, value, text) in enumerate(rows)
    ]
    height = max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return TargetChart(width=LABEL_WIDTH + PLOT_WIDTH + 140, height=height, label_width=LABEL_WIDTH, bars=bars)
