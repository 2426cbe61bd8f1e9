"""Everything the dashboard page and the sponsor report show, computed once per request,
and the dashboard's tables as CSV."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from app.dashboard import charts, metrics
from app.dashboard.metrics import CONVERTED, STANCE_ORDER, Scope, share
from app.models import Level, Stance

#: How many rows the page lists; CSV exports carry every row.
LIST_LIMIT = 10


@dataclass
class Headline:
    """The few numbers a sponsor reads first."""

    people: int
    supportive: int
    supportive_share: float | None
    #: Supporters and champions at the end of the first week shown (None: no weeks yet).
    supportive_before: int | None
    first_week: metrics.Week | None
    toward: int
    away: int
    contacted_share: float | None
    converted_index: float | None
    overdue: int

    @property
    def net(self) -> int:
        return self.toward - self.away

    @property
    def gained(self) -> int | None:
        return None if self.supportive_before is None else self.supportive - self.supportive_before


@dataclass
class Dashboard:
    scope: Scope
    distribution: metrics.Distribution
    targets: list[metrics.TargetRow]
    weeks: list[metrics.Week]
    coverage: metrics.Coverage
    never_total: int
    never: list[metrics.PersonRow]
    effort: metrics.Effort
    managers_total: int
    managers: list[metrics.ManagerRow]
    themes: list[metrics.ThemeRow]
    playbook: list[metrics.PlaybookRow]
    champions: list[metrics.ChampionRow]
    overdue_total: int
    overdue: list[metrics.OverdueRow]
    next: list[metrics.NextRow]
    grid: dict
    tree_roots: list[metrics.TreeNode]
    tree_total_roots: int

    @property
    def headline(self) -> Headline:
        total = self.distribution.total
        people = sum(total.values())
        supportive = sum(total.get(stance, 0) for stance in CONVERTED)
        first = self.weeks[0] if self.weeks else None
        people_now, contacted, _ = self.coverage.total
        return Headline(
            people=people,
            supportive=supportive,
            supportive_share=share(supportive, people),
            supportive_before=first.supportive if first else None,
            first_week=first,
            toward=sum(week.toward for week in self.weeks),
            away=sum(week.away for week in self.weeks),
            contacted_share=share(contacted, people_now),
            converted_index=self.effort.index,
            overdue=self.overdue_total,
        )

    @property
    def uncovered(self):
        return self.coverage.uncovered_departments()

    @property
    def open_themes(self) -> list[metrics.ThemeRow]:
        return [row for row in self.themes if row.open]

    # Pictures: the same SVG in the page and in the PDF.

    def stance_by_level_svg(self, key: str = "levels") -> Markup:
        targets = {
            target.level.label: (target.share, target.min_stance) for target in self.targets
        }
        return charts.stance_bars(key, charts.level_rows(self.distribution.by_level),
                                  title="Stance by level", targets=targets)

    def stance_by_department_svg(self, key: str = "departments") -> Markup:
        rows = sorted(self.distribution.by_department.items(),
                      key=lambda item: -sum(item[1].values()))[:DEPARTMENT_BARS]
        return charts.stance_bars(key, [(name or "No department", counts)
                                        for name, counts in rows],
                                  title="Stance by department")

    def movement_svg(self, key: str = "movement") -> Markup:
        return charts.movement_area(key, self.weeks, title="Movement over time")

    def grid_svg(self, key: str = "grid") -> Markup:
        return charts.influence_grid(key, self.grid, title="Influence × stance")

    def tree_svg(self, key: str = "tree", rows: int = charts.TREE_ROWS) -> Markup:
        return charts.reporting_tree(key, self.tree_roots, self.tree_total_roots,
                                     title="Reporting tree coloured by stance", rows=rows)

    def grid_rows(self) -> list[tuple[int, list[tuple[int, int]]]]:
        """[(influence, [(people, reports) per stance column])], 5 first, for the table view."""
        columns = (*STANCE_ORDER[:-1], Stance.unknown)
        return [
            (influence, [self.grid.get((influence, stance), (0, 0)) for stance in columns])
            for influence in range(5, 0, -1)
        ]

    def tree_rows(self) -> list[tuple[int, metrics.TreeNode]]:
        """(depth, node) in drawing order for the tree's table view."""
        rows: list[tuple[int, metrics.TreeNode]] = []

        def walk(nodes, depth):
            for node in nodes:
                rows.append((depth, node))
                walk(node.children, depth + 1)

        walk(self.tree_roots, 0)
        return rows


#: Departments drawn in the picture (the table lists them all), largest first.
DEPARTMENT_BARS = 12


def build(scope: Scope, *, limit: int = LIST_LIMIT) -> Dashboard:
    """Compute every figure for `scope`: a fixed number of SQL statements."""
    distribution = metrics.stance_distribution(scope)
    never_total, never = metrics.never_contacted(scope, limit)
    managers_total, managers = metrics.manager_alignment(scope, limit)
    overdue_total, overdue = metrics.overdue_follow_ups(scope, limit)
    tree_roots, tree_total_roots = metrics.reporting_tree(scope)
    return Dashboard(
        scope=scope,
        distribution=distribution,
        targets=metrics.targets(scope, distribution),
        weeks=metrics.movement(scope),
        coverage=metrics.coverage(scope),
        never_total=never_total,
        never=never,
        effort=metrics.effort(scope),
        managers_total=managers_total,
        managers=managers,
        themes=metrics.objections_by_theme(scope),
        playbook=metrics.playbook_effect(scope),
        champions=metrics.champions(scope),
        overdue_total=overdue_total,
        overdue=overdue,
        next=metrics.next_conversations(scope, limit),
        grid=metrics.influence_grid(scope),
        tree_roots=tree_roots,
        tree_total_roots=tree_total_roots,
    )


# --- CSV ---------------------------------------------------------------------------------------


def _stance_table(groups: dict, label: str):
    header = [label, "People", *(s.label for s in STANCE_ORDER), "Supporter or better (%)"]
    rows = []
    for group, counts in groups.items():
        people = sum(counts.values())
        supportive = sum(counts.get(s, 0) for s in CONVERTED)
        name = group.label if isinstance(group, Level) else (group or "No department")
        rows.append([name, people, *(counts.get(s, 0) for s in STANCE_ORDER),
                     share(supportive, people)])
    return header, rows


def _coverage_table(scope: Scope, key: str):
    header = ["Level" if key == "level" else "Department", "People",
              f"Met in the last {metrics.COVERAGE_DAYS} days", "Share met (%)",
              "Owned by a champion"]
    rows = []
    for group, (people, contacted, owned) in metrics.coverage(scope).by(key).items():
        name = group.label if isinstance(group, Level) else (group or "No department")
        rows.append([name, people, contacted, share(contacted, people), owned])
    return header, rows


def _targets_table(scope: Scope):
    distribution = metrics.stance_distribution(scope)
    header = ["Level", "Target (%)", "Stance or better", "Due", "People", "Reached",
              "Actual (%)", "At due date (%)", "Status"]
    return header, [
        [t.level, t.share, t.min_stance, t.due_on, t.people, t.reached, t.actual,
         t.share_at_due, t.status]
        for t in metrics.targets(scope, distribution)
    ]


def _movement_table(scope: Scope):
    header = ["Week", "From", "To", *(s.label for s in STANCE_ORDER), "Total",
              "Moves toward support", "Moves away", "Net"]
    return header, [
        [w.index + 1, w.starts_on, w.ends_on, *(w.counts.get(s, 0) for s in STANCE_ORDER),
         w.total, w.toward, w.away, w.net]
        for w in metrics.movement(scope)
    ]


def _effort_table(scope: Scope):
    result = metrics.effort(scope)
    header = ["Stance before", "Attendances", "Attendee-minutes", "Conversations (shared)",
              "Share of conversations (%)", "Share of attendee-minutes (%)"]
    total_minutes = sum(r.attendee_minutes for r in result.rows)
    total_conversations = result.total_conversations
    return header, [
        [r.stance, r.attendances, r.attendee_minutes, round(r.conversations, 2),
         share(r.conversations, total_conversations) if total_conversations else None,
         share(r.attendee_minutes, total_minutes)]
        for r in result.rows
    ]


def _managers_table(scope: Scope):
    _, rows = metrics.manager_alignment(scope, None)
    header = ["Name", "Title", "Department", "Level", "Stance", "Direct reports",
              "All reports", *(f"Reports {s.label.lower()}" for s in STANCE_ORDER)]
    return header, [
        [m.name, m.title, m.department, m.level, m.stance, m.direct, m.reports,
         *(m.report_stances.get(s, 0) for s in STANCE_ORDER)]
        for m in rows
    ]


def _never_table(scope: Scope):
    _, rows = metrics.never_contacted(scope, None)
    header = ["Name", "Title", "Department", "Level", "Stance", "Influence"]
    return header, [[p.name, p.title, p.department, p.level, p.stance, p.influence]
                    for p in rows]


def _objections_table(scope: Scope):
    header = ["Theme", "Open", "Raised in period", "Median days to answer",
              "Median days to resolve"]
    return header, [[t.name, t.open, t.raised, t.median_days_to_answer,
                     t.median_days_to_resolve] for t in metrics.objections_by_theme(scope)]


def _playbook_table(scope: Scope):
    header = ["Theme", "Level", "Answers received", "Of people with a known stance",
              "Stance rose within 30 days", "Rose (%)"]
    return header, [[p.theme, p.level, p.answered, p.rated, p.rose, p.rose_share]
                    for p in metrics.playbook_effect(scope)]


def _champions_table(scope: Scope):
    header = ["Champion", "Conversations", "Minutes", "People reached", "Last conversation"]
    return header, [[c.name, c.conversations, c.minutes, c.people, c.last_at]
                    for c in metrics.champions(scope)]


def _uncovered_table(scope: Scope):
    header = ["Department", "People", f"Met in {metrics.COVERAGE_DAYS} days",
              "Owned by a champion", "Why"]
    return header, [list(row) for row in metrics.coverage(scope).uncovered_departments()]


def _overdue_table(scope: Scope):
    _, rows = metrics.overdue_follow_ups(scope, None)
    header = ["Follow-up", "Due", "Days overdue", "Owner", "About"]
    return header, [[r.description, r.due_on, r.days_overdue, r.owner, r.person] for r in rows]


def _next_table(scope: Scope):
    header = ["Rank", "Name", "Title", "Department", "Level", "Influence", "Stance", "Target",
              "Days since last contact", "Reports", "Score", "Why"]
    return header, [
        [i, r.name, r.title, r.department, r.level, r.influence, r.stance, r.target,
         r.days_since, r.reports, r.score, r.reason]
        for i, r in enumerate(metrics.next_conversations(scope, None), start=1)
    ]


def _grid_table(scope: Scope):
    cells = metrics.influence_grid(scope)
    columns = (*STANCE_ORDER[:-1], Stance.unknown)
    header = ["Influence", *(f"{s.label} people" for s in columns),
              *(f"{s.label} reports" for s in columns)]
    return header, [
        [influence, *(cells.get((influence, s), (0, 0))[0] for s in columns),
         *(cells.get((influence, s), (0, 0))[1] for s in columns)]
        for influence in range(5, 0, -1)
    ]


#: name in the URL -> (title, builder(scope) -> (header, rows)).
CSV_TABLES = {
    "levels": ("Stance by level",
               lambda scope: _stance_table(metrics.stance_distribution(scope).by_level, "Level")),
    "departments": ("Stance by department",
                    lambda scope: _stance_table(
                        metrics.stance_distribution(scope).by_department, "Department")),
    "targets": ("Targets", _targets_table),
    "movement": ("Movement by week", _movement_table),
    "coverage-levels": ("Coverage by level", lambda scope: _coverage_table(scope, "level")),
    "coverage-departments": ("Coverage by department",
                             lambda scope: _coverage_table(scope, "department")),
    "never-contacted": ("Never contacted", _never_table),
    "effort": ("Where effort goes", _effort_table),
    "managers": ("Manager alignment", _managers_table),
    "objections": ("Objections by theme", _objections_table),
    "playbook": ("Playbook answers", _playbook_table),
    "champions": ("Champions", _champions_table),
    "uncovered": ("Departments no champion covers", _uncovered_table),
    "overdue": ("Overdue follow-ups", _overdue_table),
    "next-conversations": ("Next conversations", _next_table),
    "influence-grid": ("Influence × stance", _grid_table),
}
