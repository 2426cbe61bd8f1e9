"""`make bench` works end to end: `python -m bench --quick` seeds a small campaign in a
fresh SQLite file, serves it with gunicorn, signs in over HTTP and prints a ratio to
/healthz for every page and every load, with a verdict beside each goal.

One request per page and one-second loads keep it short; the figures themselves are not
checked (they depend on the machine), only that each was measured.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

PAGES = (
    "stakeholder list, page 1", "stakeholder list, manager+sceptic, by contact",
    "stakeholder list, page 20", "person page", "objection register", "conversations list",
    "dashboard, whole campaign", "dashboard, one department", "dashboard, as of 60 days ago",
    "conversation form (GET)", "conversation form POST", "sponsor report PDF",
)
GOALS = {"stakeholder list, page 1": "<= 50 ms or <= 8x", "person page": "<= 60 ms or <= 10x",
         "objection register": "<= 60 ms or <= 10x",
         "dashboard, whole campaign": "<= 150 ms or <= 25x", "sponsor report PDF": "<= 1.5 s"}
LOADS = ("/healthz", "dashboard, whole campaign", "conversation form, GET + POST")


def test_quick_bench_prints_a_ratio_for_each_page(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--cases", "bench.pages", "--repeat", "1",
         "--load-seconds", "1", "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    pages, loads = result.stdout.split("Throughput under concurrent load")
    for page in PAGES:
        line = next((line for line in pages.splitlines() if line.startswith(page)), None)
        assert line is not None, f"no row for {page!r}:\n{pages}"
        # p50, p95, /healthz's p50, then the ratio to it.
        assert re.search(r"\d\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\dx\s", line), line
        if page in GOALS:
            assert re.search(re.escape(GOALS[page]) + r"\s+(met|NOT met)$", line), line
    assert "2 conversations saved by 2 POSTs" in pages
    for load in LOADS:
        line = next((line for line in loads.splitlines() if line.startswith(load)), None)
        assert line is not None and re.search(r"\s\d+\.\d{3}$", line), f"{load!r}:\n{loads}"
