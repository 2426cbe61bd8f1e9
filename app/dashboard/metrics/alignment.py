"""Manager alignment: reporting lines, resisting managers and their reports, and the
pictures drawn from the lines (the influence x stance grid, the reporting tree)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, case, cast, func, literal
from sqlalchemy.orm import aliased

from app.dashboard.metrics.base import (
    CONVERTED,
    STANCE_ORDER,
    counted_page,
    current_people,
    from_row,
)
from app.dashboard.metrics.scope import Scope, people_at
from app.extensions import db
from app.models import Engagement, Level, Stakeholder, Stance

#: Recursion guard for reporting lines (would_cycle already refuses loops).
MAX_DEPTH = 30


def report_lines(scope: Scope):
    """Recursive CTE (manager_id, person_id, depth): every current person of the campaign
    and each manager above them, however far up (depth 1 = direct report)."""
    anchor = (
        db.select(
            Stakeholder.reports_to_id.label("manager_id"),
            Stakeholder.id.label("person_id"),
            literal(1).label("depth"),
        )
        .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
        .where(
            Engagement.campaign_id == scope.campaign.id,
            Stakeholder.reports_to_id.is_not(None),
            Engagement.archived_at.is_(None),
        )
        .cte("report_lines", recursive=True)
    )
    above = aliased(Stakeholder)
    return anchor.union_all(
        db.select(above.reports_to_id, anchor.c.person_id, anchor.c.depth + 1)
        .join(above, above.id == anchor.c.manager_id)
        .where(above.reports_to_id.is_not(None), anchor.c.depth < MAX_DEPTH)
    )


def report_counts(scope: Scope):
    """CTE (manager_id, reports, direct): people under each manager in this campaign."""
    lines = report_lines(scope)
    return (
        db.select(
            lines.c.manager_id,
            func.count().label("reports"),
            func.sum(case((lines.c.depth == 1, 1), else_=0)).label("direct"),
        )
        .group_by(lines.c.manager_id)
        .cte("report_counts")
    )


@dataclass(frozen=True)
class ManagerRow:
    stakeholder_id: int
    name: str
    title: str
    department: str
    level: Level
    stance: Stance
    direct: int
    reports: int
    report_stances: dict[Stance, int]

    @property
    def reports_supportive(self) -> int:
        return sum(self.report_stances.get(stance, 0) for stance in CONVERTED)


def _reports_at(stance: Stance) -> str:
    """Column name of the count of a manager's reports at `stance`."""
    return f"reports_{stance.name}"


def _reports_per_manager(scope: Scope):
    """Subquery (manager_id, reports, direct, reports_<stance>...): each manager's direct
    and indirect reports, and how many of them stand at each stance now."""
    lines = report_lines(scope)
    under = aliased(Engagement)
    stance_sums = [
        func.sum(case((under.stance == stance, 1), else_=0)).label(_reports_at(stance))
        for stance in STANCE_ORDER
    ]
    return (
        db.select(
            lines.c.manager_id,
            func.count().label("reports"),
            func.sum(case((lines.c.depth == 1, 1), else_=0)).label("direct"),
            *stance_sums,
        )
        .join(
            under,
            and_(under.stakeholder_id == lines.c.person_id,
                 under.campaign_id == scope.campaign.id),
        )
        .group_by(lines.c.manager_id)
        .subquery("per_manager")
    )


def manager_alignment(scope: Scope, limit: int | None = 15) -> tuple[int, list[ManagerRow]]:
    """Managers and executives at sceptic or blocker who have reports, most reports first,
    with their direct and indirect reports' current stances. Returns (how many, rows)."""
    per_manager = _reports_per_manager(scope)
    query = (
        db.select(
            Stakeholder.id.label("stakeholder_id"),
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.department,
            Stakeholder.level,
            Engagement.stance,
            per_manager.c.direct,
            per_manager.c.reports,
            *(per_manager.c[_reports_at(stance)] for stance in STANCE_ORDER),
            func.count().over().label("total"),
        )
        .select_from(Engagement)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .join(per_manager, per_manager.c.manager_id == Stakeholder.id)
        .where(
            *current_people(scope.campaign.id),
            Stakeholder.level.in_((Level.manager, Level.executive)),
            Engagement.stance.in_((Stance.sceptic, Stance.blocker)),
            *scope.people_filter(),
        )
        .order_by(per_manager.c.reports.desc(), Stakeholder.name, Stakeholder.id)
    )
    total, rows = counted_page(query, limit)
    return total, [
        from_row(
            ManagerRow, row,
            direct=int(row.direct),
            reports=int(row.reports),
            report_stances={
                stance: int(row._mapping[_reports_at(stance)]) for stance in STANCE_ORDER
            },
        )
        for row in rows
    ]


# --- Pictures' data ----------------------------------------------------------------------------


def influence_grid(scope: Scope) -> dict[tuple[int, Stance], tuple[int, int]]:
    """{(influence, stance): (people, reports they manage)} as of the scope's moment."""
    counts = report_counts(scope)
    query, stance = people_at(scope, Stakeholder.influence)
    query = (
        query.outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .add_columns(func.count().label("people"),
                     func.coalesce(func.sum(counts.c.reports), 0).label("reports"))
        .group_by(Stakeholder.influence, stance)
    )
    return {
        (row.influence, row.stance): (row.people, int(row.reports))
        for row in db.session.execute(query)
    }


@dataclass
class TreeNode:
    stakeholder_id: int
    name: str
    title: str
    stance: Stance
    reports: int
    depth: int
    parent_id: int | None
    #: Siblings of this node the query held back (shown as "+N more").
    siblings: int = 0
    children: list[TreeNode] = field(default_factory=list)


#: How much of the tree a picture shows: levels below the top, children per person.
TREE_DEPTH, TREE_CHILDREN, TREE_ROOTS = 2, 6, 8


def reporting_tree(scope: Scope) -> tuple[list[TreeNode], int]:
    """The top of the reporting tree (or a chosen manager's subtree), coloured by current
    stance: (roots with their children, number of roots in all).

    Roots are current people whose manager is not in the campaign (or, with a department
    or level filter, not in the filtered group; the tree then shows only that group; a
    chosen manager is always the root). At most TREE_ROOTS
    roots and TREE_CHILDREN children per person come back, TREE_DEPTH levels down, the
    ones managing most first; each node knows how many siblings were held back.
    """
    counts = report_counts(scope)
    tree = _walk_down(scope, _top_roots(scope, counts))
    ranked = _ranked_nodes(scope, tree, counts)
    query = (
        db.select(ranked)
        .where(
            ranked.c.position
            <= case((ranked.c.depth == 0, TREE_ROOTS), else_=TREE_CHILDREN)
        )
        .order_by(ranked.c.depth, ranked.c.position)
    )
    return _assemble_tree(db.session.execute(query))


def _root_condition(scope: Scope):
    """Who is a root: the chosen manager, else people whose manager is not in the
    campaign (or not in the filtered group)."""
    if scope.filters.manager_id:
        return Stakeholder.id == scope.filters.manager_id
    manager = aliased(Stakeholder)
    manager_engagement = aliased(Engagement)
    manager_in_campaign = (
        db.select(manager_engagement.id)
        .join(manager, manager.id == manager_engagement.stakeholder_id)
        .where(
            manager_engagement.campaign_id == scope.campaign.id,
            manager.id == Stakeholder.reports_to_id,
            manager_engagement.archived_at.is_(None),
            *scope.people_filter(manager),
        )
        .exists()
    )
    return and_(~manager_in_campaign, *scope.people_filter())


def _top_roots(scope: Scope, counts):
    """Subquery (id, roots): the TREE_ROOTS roots managing most, each carrying how many
    roots there are in all (only the top roots are walked down)."""
    reports = func.coalesce(counts.c.reports, 0)
    return (
        db.select(
            Stakeholder.id.label("id"),
            cast(func.count().over(), Integer).label("roots"),
        )
        .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
        .outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .where(
            *current_people(scope.campaign.id),
            _root_condition(scope),
        )
        .order_by(reports.desc(), Stakeholder.name, Stakeholder.id)
        .limit(TREE_ROOTS)
        .subquery("roots")
    )


def _walk_down(scope: Scope, roots):
    """Recursive CTE (id, parent_id, depth, roots): the roots and their current reports
    in the filtered group, TREE_DEPTH levels down."""
    tree = db.select(
        roots.c.id,
        literal(None, Integer).label("parent_id"),
        literal(0).label("depth"),
        roots.c.roots,
    ).cte("tree", recursive=True)
    child = aliased(Stakeholder)
    child_engagement = aliased(Engagement)
    return tree.union_all(
        db.select(child.id, tree.c.id, tree.c.depth + 1, literal(0))
        .join(child, child.reports_to_id == tree.c.id)
        .join(child_engagement, and_(child_engagement.stakeholder_id == child.id,
                                     child_engagement.campaign_id == scope.campaign.id))
        .where(child_engagement.archived_at.is_(None), tree.c.depth < TREE_DEPTH,
               *scope.people_filter(child))
    )


def _ranked_nodes(scope: Scope, tree, counts):
    """Subquery: each node of the tree with name, stance and reports, its place among its
    siblings (managing most first) and how many siblings it has."""
    reports = func.coalesce(counts.c.reports, 0)
    return (
        db.select(
            tree.c.id,
            tree.c.parent_id,
            tree.c.depth,
            tree.c.roots,
            Stakeholder.name,
            Stakeholder.title,
            Engagement.stance,
            reports.label("reports"),
            func.row_number()
            .over(partition_by=(tree.c.parent_id,),
                  order_by=(reports.desc(), Stakeholder.name, Stakeholder.id))
            .label("position"),
            func.count().over(partition_by=(tree.c.parent_id,)).label("siblings"),
        )
        .join(Stakeholder, Stakeholder.id == tree.c.id)
        .join(Engagement, and_(Engagement.stakeholder_id == Stakeholder.id,
                               Engagement.campaign_id == scope.campaign.id))
        .outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .subquery("ranked")
    )


def _assemble_tree(rows) -> tuple[list[TreeNode], int]:
    """(roots with their children, number of roots in all) from rows ordered by depth."""
    nodes: dict[int, TreeNode] = {}
    top: list[TreeNode] = []
    total_roots = 0
    for row in rows:
        node = TreeNode(row.id, row.name, row.title, row.stance, int(row.reports), row.depth,
                        row.parent_id)
        node.siblings = int(row.siblings)
        nodes[node.stakeholder_id] = node
        if row.depth == 0:
            top.append(node)
            total_roots = int(row.roots)
        elif row.parent_id in nodes:
            nodes[row.parent_id].children.append(node)
    return top, total_roots
