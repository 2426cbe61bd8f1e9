"""The dashboard's figures: each one SQL statement over the campaign's records.

One module per question the dashboard answers; this package re-exports what the views,
the CLI, the sponsor report and the tests use, so they import from ``metrics`` alone:

* ``stance`` — where people stand, by level and department, against the targets;
* ``movement`` — weekly head counts per stance and moves toward or away from support;
* ``coverage`` — who was met lately, who never, and where the effort goes;
* ``alignment`` — reporting lines, resisting managers, the grid and tree pictures;
* ``objections`` — open by theme, days to answer and resolve, the playbook's effect;
* ``nudges`` — next conversations, champions' activity, overdue follow-ups.

``base`` holds the stance scale and portable SQL pieces, ``scope`` the campaign, filters
and clock every figure is computed against, ``filters`` what the dashboard is narrowed
to (app/dashboard/forms.py reads it from the query string).

Every figure is aggregated in the database; Python only reshapes the few grouped rows that
come back (a handful per level, department, week or theme), so the number of statements
and the rows fetched do not grow with the number of people.

Rules used throughout (the page repeats them in its footnotes):

* A person **counts at a moment M** when they joined the campaign on or before M's day
  and were not archived before M. "Now" therefore leaves out everyone archived.
* A person's **stance at M** is their latest stance change dated before M (back-dated
  changes count from the date they were given, not the date they were typed).
* **Week k** of a campaign covers days ``starts_on + 7k`` to ``starts_on + 7k + 6`` (UTC);
  the last week stops at the campaign's end, today or the "to" filter, whichever is first.
  "As of week k" means as of the end of its last day. Someone archived during week k is
  no longer counted in week k.
* **Moves toward support** are stance changes to a higher rank than the stance just before
  (blocker 0 < sceptic 1 < neutral 2 < supporter 3 < champion 4); moves away go lower.
  Moves to or from ``unknown`` (not yet assessed) are neither.
"""

from app.dashboard.metrics.alignment import (
    TREE_CHILDREN,
    TREE_DEPTH,
    TREE_ROOTS,
    ManagerRow,
    TreeNode,
    influence_grid,
    manager_alignment,
    report_counts,
    report_lines,
    reporting_tree,
)
from app.dashboard.metrics.base import CONVERTED, STANCE_ORDER, as_number, at_midnight, share
from app.dashboard.metrics.coverage import (
    COVERAGE_DAYS,
    Coverage,
    CoverageRow,
    Effort,
    EffortRow,
    PersonRow,
    coverage,
    effort,
    never_contacted,
)
from app.dashboard.metrics.filters import Filters, departments
from app.dashboard.metrics.movement import Week, movement
from app.dashboard.metrics.nudges import (
    SCORE_FORMULA,
    ChampionRow,
    NextRow,
    OverdueRow,
    champions,
    next_conversations,
    overdue_follow_ups,
)
from app.dashboard.metrics.objections import (
    ANSWER_WINDOW_DAYS,
    PlaybookRow,
    ThemeRow,
    objections_by_theme,
    playbook_effect,
)
from app.dashboard.metrics.scope import Scope, people_at, stance_as_of
from app.dashboard.metrics.stance import Distribution, TargetRow, stance_distribution, targets
from app.models import Stance

__all__ = [
    "ANSWER_WINDOW_DAYS", "CONVERTED", "COVERAGE_DAYS", "SCORE_FORMULA", "STANCE_ORDER",
    "TREE_CHILDREN", "TREE_DEPTH", "TREE_ROOTS",
    "ChampionRow", "Coverage", "CoverageRow", "Distribution", "Effort", "EffortRow", "Filters",
    "ManagerRow", "NextRow", "OverdueRow", "PersonRow", "PlaybookRow", "Scope", "Stance",
    "TargetRow", "ThemeRow", "TreeNode", "Week",
    "as_number", "at_midnight", "champions", "coverage", "departments", "effort",
    "influence_grid", "manager_alignment", "movement", "never_contacted", "next_conversations",
    "objections_by_theme", "overdue_follow_ups", "people_at", "playbook_effect",
    "report_counts", "report_lines", "reporting_tree", "share", "stance_as_of",
    "stance_distribution", "targets",
]
