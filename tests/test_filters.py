"""List filters declared once (app/filters.py), one filter bar for every list, and a
package structure without import cycles."""

import ast
import re
from pathlib import Path

import pytest

from app.filters import ChoiceFilter, DateFilter, FilterForm, FlagFilter, NumberFilter
from app.models import Level
from tests.factories import person

LISTS = ["stakeholders/", "conversations/", "objections/", "dashboard/", "case-studies/"]


def url(campaign, path: str) -> str:
    return f"/campaigns/{campaign.slug}/{path}"


class ExampleFilters(FilterForm):
    level = ChoiceFilter("Level", invalid="Unknown level “{value}” was ignored.")
    since = DateFilter("Since", invalid="“{value}” is not a date.")
    days = NumberFilter("Days", maximum=10, invalid="“{value}” is not 0 to 10 days.")
    archived = FlagFilter("Archived")

    def bind(self, *, levels):
        self.level.choices = [(level.name, level.label) for level in levels]


def test_a_filter_form_keeps_what_it_can_use_and_says_what_it_ignored():
    form = ExampleFilters({"level": " manager ", "since": "2026-02-30", "days": "11",
                           "archived": "yes"}, levels=list(Level))
    assert form.level.data == "manager" and form.archived.data is True
    assert form.since.data is None and form.days.data is None
    assert form.messages == ["“2026-02-30” is not a date.", "“11” is not 0 to 10 days."]
    assert form.active
    form = ExampleFilters({"level": "king", "days": "0"}, levels=list(Level))
    assert form.level.data == "" and form.days.data == 0
    assert form.messages == ["Unknown level “king” was ignored."]
    assert form.active  # 0 days is a filter too
    assert not ExampleFilters({}, levels=list(Level)).active


@pytest.mark.parametrize("path", LISTS)
def test_every_list_has_the_one_filter_bar(as_lead, campaign, path):
    html = as_lead.get(url(campaign, path)).get_data(as_text=True)
    bars = re.findall(r'<form method="get" id="filters-[a-z_]+" class="gs-card gs-filters', html)
    assert len(bars) == 1
    assert 'role="search"' in html and "gs-filter-actions" in html


@pytest.mark.parametrize(("path", "query", "selected"), [
    ("stakeholders/", "level=worker", '<option value="worker" selected>Worker</option>'),
    ("stakeholders/", "department=it", "<option selected>IT</option>"),
    ("conversations/", "channel=workshop", '<option value="workshop" selected>Workshop</option>'),
    ("objections/", "status=parked", '<option value="parked" selected>Parked</option>'),
    ("dashboard/", "level=manager", '<option value="manager" selected>Manager</option>'),
    ("case-studies/", "tag=SharePoint", '<option selected>sharepoint</option>'),
])
def test_the_bar_shows_the_filters_in_force(as_lead, campaign, users, path, query, selected):
    person(campaign, users["lead"], "Ivy Tan", department="IT")
    html = as_lead.get(url(campaign, f"{path}?{query}")).get_data(as_text=True)
    assert selected in html
    assert '<a class="btn btn-sm btn-link px-1" href="' in html  # Reset


@pytest.mark.parametrize(("path", "query", "message"), [
    ("stakeholders/", "level=<b>x</b>", "Unknown level “&lt;b&gt;x&lt;/b&gt;” was ignored."),
    ("conversations/", "from=<b>", "“&lt;b&gt;” is not a date"),
    ("objections/", "raised_to=<b>", "Ignored the “raised to” date"),
    ("dashboard/", "to=<b>", "“&lt;b&gt;” is not a date (use YYYY-MM-DD)"),
    ("case-studies/", "level=<b>", "no audience level called “&lt;b&gt;”"),
])
def test_an_ignored_value_is_reported_escaped_and_not_kept(as_lead, campaign, path, query,
                                                           message):
    response = as_lead.get(url(campaign, f"{path}?{query}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and "<b>" not in html.split("</header>", 1)[-1]
    assert 'value="&lt;b' not in html


def test_the_stakeholder_bar_keeps_search_days_and_sort(as_lead, campaign, users):
    person(campaign, users["lead"], "Ann Lee")
    html = as_lead.get(url(campaign, "stakeholders/?q=ann&not_contacted=7&archived=1&sort=-name")
                       ).get_data(as_text=True)
    assert 'name="q" value="ann"' in html
    assert 'name="not_contacted" value="7"' in html
    assert 'id="filter-archived" name="archived" value="1" checked' in html
    assert '<input type="hidden" name="sort" value="-name">' in html


def _package_imports(root: Path) -> dict[str, set[str]]:
    """Which app packages each app package imports (at any level of its modules)."""
    packages = {path.name for path in root.iterdir() if (path / "__init__.py").exists()}
    edges: dict[str, set[str]] = {name: set() for name in packages}
    for name in packages:
        for module in (root / name).rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    targets = [node.module]
                elif isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                else:
                    continue
                for target in targets:
                    parts = target.split(".")
                    if parts[0] == "app" and len(parts) > 1 and parts[1] in packages - {name}:
                        edges[name].add(parts[1])
    return edges


def test_feature_packages_import_each_other_without_cycles():
    edges = _package_imports(Path(__file__).parent.parent / "app")
    # The models sit under every feature; only they may lean on a helper module of one.
    edges.pop("models")
    for targets in edges.values():
        targets.discard("models")
    seen, path = set(), []

    def visit(package):
        if package in path:
            pytest.fail("import cycle: " + " -> ".join([*path[path.index(package):], package]))
        if package in seen:
            return
        path.append(package)
        for target in sorted(edges.get(package, ())):
            visit(target)
        path.pop()
        seen.add(package)

    for package in sorted(edges):
        visit(package)
