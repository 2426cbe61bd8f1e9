"""`python -m bench`: a fresh database, a large seeded campaign, each page over HTTP.

Each module in CASES has `run(ctx)` returning rows of bench.measure: HttpRow (a page over
HTTP, the headline), LoadRow (throughput) or Row (measured in process against a floor of its
own); it gets a Context (below).
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.measure import HttpRow, LoadRow, Row, print_http_table, print_load_table, print_table
from bench.server import fresh_sqlite

#: Modules with a `run(ctx)`; each prints nothing itself and returns rows.
CASES = ("bench.pages", "bench.briefings")
#: --quick: a seed small enough for a test, short runs.
QUICK = {"people": 2_000, "conversations": 20_000, "repeat": 5, "load_seconds": 2.0}
FULL = {"people": 20_000, "conversations": 200_000, "repeat": 20, "load_seconds": 10.0}
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    """What a bench case gets: the app, its engine, the seeded campaign, a signed-in lead."""

    app: object
    engine: object
    #: the bench database, for a server of its own (bench.server)
    database_url: str
    campaign_id: int
    slug: str
    lead_email: str
    lead_password: str
    #: people in the seeded campaign
    people: int
    #: a test client signed in as the lead (in process, CSRF off)
    client: object
    repeat: int
    #: seconds of each throughput run (0: none)
    load_seconds: float
    #: measure each page's SQL replayed alone ("of which SQL")
    sql: bool
    #: stakeholder ids of the people in the most conversations, busiest first
    busy_stakeholder_ids: list[int]
    #: stakeholder id -> conversations attended, for the busy people
    attendance: dict[int, int]
    #: two engagement ids (a manager and a worker) to log conversations with
    attendee_engagement_ids: list[int]
    zone: ZoneInfo
    extra: dict = field(default_factory=dict)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def url(self, path: str) -> str:
        """A path inside the seeded campaign, e.g. url('/stakeholders/')."""
        return f"/campaigns/{self.slug}{path}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="SQLAlchemy URL (default: SQLite under .bench/; "
                             "or set BENCH_DATABASE_URL). Its tables are dropped and rebuilt.")
    parser.add_argument("--quick", action="store_true",
                        help="a small seed (2,000 people, 20,000 conversations) and short runs")
    parser.add_argument("--people", type=int)
    parser.add_argument("--conversations", type=int)
    parser.add_argument("--repeat", type=int, help="requests per page (default 20)")
    parser.add_argument("--load-seconds", type=float,
                        help="length of each throughput run (default 10; 0 skips them)")
    parser.add_argument("--no-sql", action="store_true",
                        help="skip replaying each page's SQL (the 'SQL ms' column)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database seeded by the previous run "
                             "instead of a fresh one")
    parser.add_argument("--cases", nargs="*", help="only these modules (default: all of CASES)")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    started = time.perf_counter()
    url = args.database_url or f"sqlite:///{ROOT / '.bench' / 'bench.sqlite3'}"

    from app import create_app
    from app.extensions import db
    from bench import seed

    if url.startswith("sqlite:///") and not args.reuse:
        fresh_sqlite(url)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        # Jobs asked for in process wait in memory (bench.server gives gunicorn a real queue).
        "JOBS_URL": "memory://",
    })
    with app.app_context():
        engine = db.engine
        print(f"database: {engine.dialect.name} {engine.dialect.server_version_info or ''} "
              f"({engine.url.render_as_string(hide_password=True)})")
        if args.reuse:
            seeded = seed.find_seeded()
        else:
            db.drop_all()
            db.create_all()
            seeded = seed.seed(args.people, args.conversations)
        attendance = seed.attendance(seeded.busy_stakeholder_ids)
        people = seed.people(seeded.campaign_id)
        zone = ZoneInfo(app.config["DEFAULT_TIMEZONE"])

    client = app.test_client()
    response = client.post("/login", data={"email": seeded.lead_email,
                                           "password": seeded.lead_password})
    if response.status_code != 302:
        print("could not sign in as the bench lead", file=sys.stderr)
        return 1
    ctx = Context(app=app, engine=engine, database_url=url, campaign_id=seeded.campaign_id,
                  slug=seeded.slug, lead_email=seeded.lead_email,
                  lead_password=seeded.lead_password, people=people, client=client,
                  repeat=args.repeat, load_seconds=args.load_seconds, sql=not args.no_sql,
                  busy_stakeholder_ids=seeded.busy_stakeholder_ids, attendance=attendance,
                  attendee_engagement_ids=seeded.attendee_engagement_ids, zone=zone)
    rows = []
    for name in args.cases or CASES:
        rows += import_module(name).run(ctx)
    _report(rows, args)
    print(f"\nbench took {time.perf_counter() - started:.0f} s")
    return 0


def _report(rows: list, args) -> None:
    """The tables: pages over HTTP (the headline), throughput, then in-process cases."""
    pages = [row for row in rows if isinstance(row, HttpRow)]
    loads = [row for row in rows if isinstance(row, LoadRow)]
    others = [row for row in rows if isinstance(row, Row)]
    if pages:
        print(f"\nPages over HTTP through gunicorn, one signed-in client. p50 and p95 of up to "
              f"{args.repeat} requests\n(a page taking seconds stops after about 10 s); each "
              f"request follows one to /healthz, whose p50 is 'healthz';\n"
              f"x healthz = p50 / healthz; SQL ms = the page's own SQL replayed alone on a raw "
              f"connection\n")
        print_http_table(pages)
    if loads:
        print("\nThroughput under concurrent load; x healthz = req/s / /healthz's req/s under "
              "the same load\n")
        print_load_table(loads)
    if others:
        print(f"\nIn process (median of {args.repeat} runs against the floor in each note)\n")
        print_table(others)


if __name__ == "__main__":
    sys.exit(main())
