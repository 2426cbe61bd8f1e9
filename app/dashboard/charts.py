"""The dashboard's pictures as inline SVG, drawn on the server.

The same markup goes into the page and into the sponsor PDF (WeasyPrint draws SVG), so
there is no JavaScript chart library. Every picture has a <title>, role="img" with an
aria-label, and a legend; the page puts a data table beside each one.

Stance colours match app/static/app.css and differ in lightness; blocker (dark red) and
champion (dark blue) are close in grey, so blocker is hatched and sceptic dotted, and
bands carry their names where there is room — the pictures read in greyscale too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from markupsafe import Markup, escape

from app.dashboard.metrics import STANCE_ORDER, TreeNode, Week
from app.models import Level, Stance

#: Same values as the --gs-<stance> variables in app.css.
COLOURS = {
    Stance.blocker: "#7a1f1f",
    Stance.sceptic: "#d9822b",
    Stance.neutral: "#b8b8b8",
    Stance.supporter: "#3f8f6b",
    Stance.champion: "#123f5c",
    Stance.unknown: "#ececec",
}
#: Text drawn on a stance's fill.
INK = {
    Stance.blocker: "#ffffff",
    Stance.sceptic: "#1a1a1a",
    Stance.neutral: "#1a1a1a",
    Stance.supporter: "#ffffff",
    Stance.champion: "#ffffff",
    Stance.unknown: "#333333",
}
#: Stances drawn with a pattern on top of their colour.
PATTERNED = (Stance.blocker, Stance.sceptic)
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
GRID = "#d5dbe1"
MUTED = "#5b6875"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = _number(value)
        parts.append(f'{name}="{escape(value)}"')
    return " ".join(parts)


def _tag(name: str, content: str = "", **attributes) -> str:
    attrs = _attrs(**attributes)
    opening = f"<{name} {attrs}" if attrs else f"<{name}"
    return f"{opening}>{content}</{name}>" if content else f"{opening}/>"


def _text(x, y, content, *, size=11, anchor="start", fill="#1f2933", weight=None, **extra):
    return _tag("text", str(escape(content)), x=float(x), y=float(y), font_size=size,
                text_anchor=anchor, fill=fill, font_weight=weight, **extra)


def _count(cx: float, cy: float, number: int, stance: Stance, size: int = 11) -> str:
    """A number centred on a stance's fill; on a pattern it sits on a white pill so it
    stays legible (SVG paint-order halos are not drawn by every renderer)."""
    text = str(number)
    label = _text(cx, cy + size * 0.36, text, size=size, anchor="middle", weight="700",
                  fill=INK[stance] if stance not in PATTERNED else "#1a1a1a")
    if stance not in PATTERNED:
        return label
    width = size * 0.62 * len(text) + 6
    pill = _tag("rect", x=cx - width / 2, y=cy - size * 0.65, width=width, height=size * 1.3,
                rx=size * 0.4, fill="#ffffff", fill_opacity=0.9)
    return pill + label


class Picture:
    """One SVG: a viewBox, a title, patterns keyed by a per-picture prefix, and parts."""

    def __init__(self, key: str, width: int, height: int, title: str, label: str):
        self.key, self.width, self.height = key, width, height
        self.title, self.label = title, label
        self.parts: list[str] = []

    def fill(self, stance: Stance) -> str:
        """The paint for a stance: a pattern for blocker and sceptic, a flat colour else."""
        if stance in PATTERNED:
            return f"url(#{self.key}-{stance.name})"
        return COLOURS[stance]

    def _defs(self) -> str:
        hatch = (
            f'<pattern id="{self.key}-blocker" width="6" height="6" '
            'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="{COLOURS[Stance.blocker]}"/>'
            '<rect width="2" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern>'
        )
        dots = (
            f'<pattern id="{self.key}-sceptic" width="6" height="6" '
            'patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{COLOURS[Stance.sceptic]}"/>'
            '<circle cx="3" cy="3" r="1.2" fill="#1a1a1a" fill-opacity="0.6"/></pattern>'
        )
        return f"<defs>{hatch}{dots}</defs>"

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)

    def legend(self, x: float, y: float, stances: Iterable[Stance] = STANCE_ORDER,
               per_row: int = 6, spacing: float = 84) -> float:
        """Swatches with names from (x, y); returns the y below the legend."""
        stances = tuple(stances)
        for i, stance in enumerate(stances):
            column, row = i % per_row, i // per_row
            left, top = x + column * spacing, y + row * 18
            self.add(
                _tag("rect", x=float(left), y=float(top), width=12, height=12,
                     fill=self.fill(stance), stroke="#6b7785", stroke_width=0.5),
                _text(left + 17, top + 10, stance.label, size=11),
            )
        return y + math.ceil(len(stances) / per_row) * 18

    def render(self) -> Markup:
        title_id = f"{self.key}-title"
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="gs-chart" '
            f'viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" style="max-width: {self.width}px" '
            f'role="img" aria-label="{escape(self.label)}" '
            f'aria-labelledby="{title_id}" font-family="{FONT}" '
            f'preserveAspectRatio="xMinYMin meet">'
            f'<title id="{title_id}">{escape(self.title)}</title>'
            f"{self._defs()}{''.join(self.parts)}</svg>"
        )
        # Every text and attribute value above went through escape(); key is a fixed name.
        return Markup(svg)  # nosec B704


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above `value` that splits into four round steps."""
    if value <= 4:
        return 4
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value and (step * magnitude / 4).is_integer():
            return int(step * magnitude)
    return 10 * magnitude


# --- Stance by level (or department): 100% stacked bars ------------------------------------


def stance_bars(key: str, rows: list[tuple[str, dict[Stance, int]]], *, title: str,
                targets: dict[str, tuple[int, Stance]] | None = None) -> Markup:
    """Horizontal 100% bars, one per row label, unknown then blocker … champion from the
    left; an optional target tick marks where "X% at stance or better" must begin."""
    targets = targets or {}
    order = (Stance.unknown, *STANCE_ORDER[:-1])
    label_width, bar_width, bar_height, gap = 150, 470, 24, 22
    top = 8
    height = top + len(rows) * (bar_height + gap) + 52
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{counts.get(s, 0)} {s.label.lower()}" for s in order
                                 if counts.get(s, 0))
        for label, counts in rows
    )
    picture = Picture(key, label_width + bar_width + 20, height, title, f"{title}. {summary}")
    for index, (label, counts) in enumerate(rows):
        y = top + index * (bar_height + gap)
        total = sum(counts.values())
        picture.add(_text(0, y + 11, label, size=12, weight="600"),
                    _text(0, y + 24, f"{total} {'person' if total == 1 else 'people'}",
                          size=10, fill=MUTED))
        if not total:
            picture.add(_tag("rect", x=float(label_width), y=float(y), width=bar_width,
                             height=bar_height, fill="none", stroke=GRID,
                             stroke_dasharray="3 3"),
                        _text(label_width + 8, y + 16, "nobody yet", size=10, fill=MUTED))
            continue
        x = float(label_width)
        for stance in order:
            n = counts.get(stance, 0)
            if not n:
                continue
            width = bar_width * n / total
            picture.add(_tag("rect", x=x, y=float(y), width=width, height=bar_height,
                             fill=picture.fill(stance), stroke="#ffffff", stroke_width=0.75))
            if width >= 26:
                picture.add(_count(x + width / 2, y + bar_height / 2, n, stance))
            x += width
        if label in targets:
            share, minimum = targets[label]
            tick = label_width + bar_width * (100 - share) / 100
            picture.add(
                _tag("line", x1=tick, y1=float(y - 4), x2=tick, y2=float(y + bar_height + 4),
                     stroke="#111111", stroke_width=2),
                _tag("line", x1=tick, y1=float(y - 4), x2=tick, y2=float(y + bar_height + 4),
                     stroke="#ffffff", stroke_width=0.75, stroke_dasharray="2 2"),
            )
            picture.add(_text(tick - 3 if share > 50 else tick + 3, y + bar_height + 11,
                              f"target {share}% {minimum.label.lower()}+", size=9,
                              anchor="end" if share > 50 else "start", fill="#111111"))
    picture.legend(0, height - 30, order, spacing=(label_width + bar_width) / 6)
    return picture.render()


# --- Movement over time: stacked area and net moves ---------------------------------------


def movement_area(key: str, weeks: list[Week], *, title: str) -> Markup:
    """Stacked areas of head counts per stance as of the end of each week, and a strip of
    net moves toward (up) or away from (down) support per week below."""
    stack = (Stance.champion, Stance.supporter, Stance.neutral, Stance.sceptic,
             Stance.blocker, Stance.unknown)
    left, right, top, plot_height = 44, 92, 10, 200
    plot_width = 520
    strip_top = top + plot_height + 56
    strip_height = 64
    width = left + plot_width + right
    height = strip_top + strip_height + 58
    first, last = (weeks[0], weeks[-1]) if weeks else (None, None)
    label = (
        f"{title}: {len(weeks)} weeks; "
        + (f"week ending {last.ends_on:%-d %b}: "
           + ", ".join(f"{last.counts.get(s, 0)} {s.label.lower()}" for s in stack)
           + f"; supporters and champions went from {first.supportive} to {last.supportive}"
           if weeks else "no weeks to show yet")
    )
    picture = Picture(key, width, height, title, label)
    if not weeks:
        picture.add(_text(left, top + 40, "The campaign has not started yet.", fill=MUTED))
        return picture.render()
    peak = _nice_ceiling(max((w.total for w in weeks), default=0))
    count = len(weeks)

    def x_at(i: float) -> float:
        if count == 1:
            return left + plot_width * i  # one week: drawn across the full width
        return left + plot_width * i / (count - 1)

    def y_at(value: float) -> float:
        return top + plot_height - plot_height * value / peak

    # Axis and grid.
    for step in range(5):
        value = peak * step / 4
        y = y_at(value)
        picture.add(_tag("line", x1=float(left), y1=y, x2=float(left + plot_width), y2=y,
                         stroke=GRID, stroke_width=0.75),
                    _text(left - 6, y + 4, _number(value), size=10, anchor="end", fill=MUTED))
    xs = [0.0, 1.0] if count == 1 else [float(i) for i in range(count)]
    columns = [weeks[0], weeks[0]] if count == 1 else weeks
    base = [0] * len(columns)
    label_y: list[tuple[float, Stance, int]] = []
    for stance in stack:
        values = [week.counts.get(stance, 0) for week in columns]
        upper = [b + v for b, v in zip(base, values, strict=True)]
        if any(values):
            points = [(x_at(x), y_at(u)) for x, u in zip(xs, upper, strict=True)]
            points += [(x_at(x), y_at(b)) for x, b in reversed(list(zip(xs, base, strict=True)))]
            path = " ".join(f"{_number(px)},{_number(py)}" for px, py in points)
            picture.add(_tag("polygon", points=path, fill=picture.fill(stance),
                             stroke="#ffffff", stroke_width=0.75))
            if values[-1]:
                label_y.append(((y_at(base[-1]) + y_at(upper[-1])) / 2, stance, values[-1]))
        base = upper
    # Direct labels at the right edge, nudged apart so they never overlap.
    label_y.sort()
    placed: list[float] = []
    for y, stance, value in label_y:
        y = max(y, placed[-1] + 12) if placed else y
        placed.append(y)
        picture.add(_text(left + plot_width + 6, y + 4, f"{stance.label} {value}", size=10))
    # Week labels: at most eight, always the first and last.
    step = max(1, math.ceil(count / 8))
    shown = sorted(set(range(0, count, step)) | {count - 1})
    if len(shown) > 2 and shown[-1] - shown[-2] < step:
        shown.pop(-2)  # too close to the last label to share the axis
    for i in shown:
        week = weeks[i]
        x = x_at(i if count > 1 else 0.5)
        anchor = "middle" if 0 < i < count - 1 or count == 1 else ("start" if i == 0 else "end")
        picture.add(_text(x, top + plot_height + 15, f"{week.ends_on:%-d %b}", size=10,
                          anchor=anchor, fill=MUTED))
    picture.add(_text(left, top + plot_height + 30, "Head count as of the end of each week",
                      size=10, fill=MUTED))

    # Net moves strip.
    biggest = max([max(w.toward, w.away) for w in weeks] + [1])
    middle = strip_top + strip_height / 2
    half = strip_height / 2 - 4
    slot = plot_width / count
    bar = max(2.0, min(18.0, slot * 0.6))
    picture.add(_text(left, strip_top - 4,
                      "Moves per week: toward support (up), away (down)", size=10,
                      fill=MUTED),
                _tag("line", x1=float(left), y1=middle, x2=float(left + plot_width), y2=middle,
                     stroke="#6b7785", stroke_width=0.75))
    for i, week in enumerate(weeks):
        centre = left + slot * (i + 0.5)
        if week.toward:
            h = half * week.toward / biggest
            picture.add(_tag("rect", x=centre - bar / 2, y=middle - h, width=bar, height=h,
                             fill=COLOURS[Stance.supporter]))
        if week.away:
            h = half * week.away / biggest
            picture.add(_tag("rect", x=centre - bar / 2, y=middle, width=bar, height=h,
                             fill=picture.fill(Stance.blocker)))
    picture.add(_text(left - 6, middle - half + 8, f"+{biggest}", size=9, anchor="end",
                      fill=MUTED),
                _text(left - 6, middle + half, f"−{biggest}", size=9, anchor="end", fill=MUTED))
    picture.legend(left, height - 22, stack)
    return picture.render()


# --- Influence × stance grid --------------------------------------------------------------


def influence_grid(key: str, cells: dict[tuple[int, Stance], tuple[int, int]], *,
                   title: str) -> Markup:
    """Influence (rows, 5 at the top) against stance (columns): each cell's bubble is
    sized by the reports its people manage, with the number of people written in it."""
    columns = (*STANCE_ORDER[:-1], Stance.unknown)
    left, top, cell_w, cell_h = 70, 22, 64, 48
    width = left + cell_w * len(columns) + 6
    height = top + cell_h * 5 + 78
    people = sum(p for p, _ in cells.values())
    label = f"{title}: {people} people. " + "; ".join(
        f"influence {i}, {s.label.lower()}: {p} people managing {r}"
        for (i, s), (p, r) in sorted(cells.items(), key=lambda kv: (-kv[0][0], kv[0][1].name))
        if p
    )
    picture = Picture(key, width, height, title, label)
    # Quadrant tints: influential people still to win over, influential allies.
    picture.add(
        _tag("rect", x=float(left), y=float(top), width=cell_w * 2, height=cell_h * 2,
             fill="#fbeee6"),
        _tag("rect", x=float(left + cell_w * 3), y=float(top), width=cell_w * 2,
             height=cell_h * 2, fill="#e8f3ee"),
        _text(left + 4, top - 8, "Win over first", size=10, fill="#7a1f1f", weight="600"),
        _text(left + cell_w * 5 - 4, top - 8, "Allies to use", size=10, fill="#245c44",
              weight="600", anchor="end"),
    )
    largest = max([r for _, r in cells.values()] + [1])
    max_radius = min(cell_w, cell_h) / 2 - 4
    for row, influence in enumerate(range(5, 0, -1)):
        y = top + row * cell_h
        picture.add(_text(left - 8, y + cell_h / 2 + 4, f"Influence {influence}", size=10,
                          anchor="end", fill=MUTED))
        for column, stance in enumerate(columns):
            x = left + column * cell_w
            picture.add(_tag("rect", x=float(x), y=float(y), width=cell_w, height=cell_h,
                             fill="none", stroke=GRID, stroke_width=0.75))
            count, reach = cells.get((influence, stance), (0, 0))
            if not count:
                continue
            cx, cy = x + cell_w / 2, y + cell_h / 2
            radius = 9 + (max_radius - 9) * math.sqrt(reach / largest)
            picture.add(_tag("circle", cx=cx, cy=cy, r=radius, fill=picture.fill(stance),
                             stroke="#1f2933", stroke_width=0.75))
            picture.add(_count(cx, cy, count, stance))
            if reach:
                picture.add(_text(x + cell_w - 3, y + cell_h - 4, f"▾{reach}", size=9,
                                  anchor="end", fill=MUTED))
    for column, stance in enumerate(columns):
        picture.add(_text(left + column * cell_w + cell_w / 2, top + cell_h * 5 + 15,
                          stance.label, size=10, anchor="middle", fill=MUTED))
    picture.add(_text(left, top + cell_h * 5 + 32,
                      "Number = people. Bubble size and ▾ = reports they manage.", size=10,
                      fill=MUTED))
    picture.legend(left, top + cell_h * 5 + 42, columns, per_row=3, spacing=110)
    return picture.render()


# --- Reporting tree coloured by stance -------------------------------------------------------


#: Rows the tree picture draws at most; the rest collapse into "+N more" rows.
TREE_ROWS = 34


def _tree_rows(roots: list[TreeNode], total_roots: int, budget: int) -> list[tuple]:
    """(depth, node or None, more count, parent row) rows in drawing order, within `budget`."""
    rows: list[tuple] = []

    def walk(nodes: list[TreeNode], held_back: int, depth: int, parent: int | None):
        for position, node in enumerate(nodes):
            # Keep room for a "+N more" row whenever something would be left out.
            if len(rows) >= budget - 1:
                rows.append((depth, None, len(nodes) - position + held_back, parent))
                return
            rows.append((depth, node, 0, parent))
            here = len(rows) - 1
            more = node.children[0].siblings - len(node.children) if node.children else 0
            walk(node.children, more, depth + 1, here)
        if held_back:
            rows.append((depth, None, held_back, parent))

    walk(roots, max(0, total_roots - len(roots)), 0, None)
    return rows


def reporting_tree(key: str, roots: list[TreeNode], total_roots: int, *, title: str,
                   rows: int = TREE_ROWS) -> Markup:
    """The reporting lines as an indented tree, each person a box in their stance's colour
    with how many people they manage; "+N more" rows say what was left out."""
    rows = _tree_rows(roots, total_roots, rows)
    indent, box_w, box_h, row_h, left = 28, 320, 34, 40, 4
    depth = max((row[0] for row in rows), default=0)
    width = left + depth * indent + box_w + 10
    legend_top = max(24, len(rows) * row_h + 6)
    height = legend_top + 40
    label = f"{title}. " + "; ".join(
        f"{node.name}, {node.stance.label.lower()}, manages {node.reports}"
        for _, node, _, _ in rows if node is not None
    )
    picture = Picture(key, width, height, title, label)
    if not rows:
        picture.add(_text(left, 16, "No one in this campaign yet.", fill=MUTED))
    for index, (level, node, more, parent) in enumerate(rows):
        x, y = left + level * indent, index * row_h
        if parent is not None:
            px = left + rows[parent][0] * indent + 10
            py = parent * row_h + box_h
            picture.add(_tag("path", d=f"M{px},{py} V{y + box_h / 2} H{x}", fill="none",
                             stroke="#8a96a3", stroke_width=1))
        if node is None:
            picture.add(
                _tag("rect", x=float(x), y=float(y + 6), width=170, height=box_h - 12, rx=4,
                     fill="#ffffff", stroke="#8a96a3", stroke_dasharray="3 2"),
                _text(x + 8, y + box_h / 2 + 4, f"+{more} more", size=10, fill=MUTED),
            )
            continue
        # A solid box keeps the names legible; blocker and sceptic also get their
        # pattern in a strip on the left, and the stance is written out, for greyscale.
        picture.add(_tag("rect", x=float(x), y=float(y), width=box_w, height=box_h, rx=4,
                         fill=COLOURS[node.stance], stroke="#1f2933", stroke_width=0.75))
        if node.stance in PATTERNED:
            picture.add(_tag("rect", x=float(x), y=float(y), width=12, height=box_h,
                             fill=picture.fill(node.stance), stroke="#1f2933",
                             stroke_width=0.75))
        ink = INK[node.stance]
        name = node.name if len(node.name) <= 34 else node.name[:33] + "…"
        picture.add(_text(x + 18, y + 14, name, size=12, weight="700", fill=ink))
        detail = node.stance.label
        if node.title:
            detail = f"{node.title[:26]} · {detail}"
        if node.reports:
            detail += f" · manages {node.reports}"
        picture.add(_text(x + 18, y + 28, detail, size=10, fill=ink))
    picture.legend(left, legend_top, (*STANCE_ORDER[:-1], Stance.unknown), per_row=3,
                   spacing=110)
    return picture.render()


def level_rows(by_level: dict[Level, dict]) -> list[tuple[str, dict]]:
    """Rows for stance_bars from a {Level: Counter} mapping, executives first."""
    return [(level.label, by_level.get(level, {})) for level in Level]
