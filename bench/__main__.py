"""`python -m bench`: a fresh database, a large seeded campaign, each page against its floor.

Other features add their cases by listing a module in CASES; each module has
`run(ctx) -> list[bench.measure.Row]` and gets a Context (below).
"""

import argparse
import os
import sys
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.measure import print_table

#: Modules with a `run(ctx)`; each prints nothing itself and returns rows.
CASES = ("bench.core", "bench.briefings", "bench.dashboard")
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    """What a bench case gets: the app, its engine, the seeded campaign, a signed-in lead."""

    app: object
    engine: object
    campaign_id: int
    slug: str
    client: object
    repeat: int
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


def _fresh_sqlite(url: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="SQLAlchemy URL (default: SQLite under .bench/; "
                             "or set BENCH_DATABASE_URL). Its tables are dropped and rebuilt.")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20, help="runs per measurement")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database seeded by the previous run "
                             "instead of a fresh one")
    parser.add_argument("--cases", nargs="*", help="only these modules (default: all of CASES)")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{ROOT / '.bench' / 'bench.sqlite3'}"

    from app import create_app
    from app.extensions import db
    from bench import seed

    if url.startswith("sqlite:///") and not args.reuse:
        _fresh_sqlite(url)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
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
        zone = ZoneInfo(app.config["DEFAULT_TIMEZONE"])

    client = app.test_client()
    response = client.post("/login", data={"email": seeded.lead_email,
                                           "password": seeded.lead_password})
    if response.status_code != 302:
        print("could not sign in as the bench lead", file=sys.stderr)
        return 1
    ctx = Context(app=app, engine=engine, campaign_id=seeded.campaign_id, slug=seeded.slug,
                  client=client, repeat=args.repeat,
                  busy_stakeholder_ids=seeded.busy_stakeholder_ids, attendance=attendance,
                  attendee_engagement_ids=seeded.attendee_engagement_ids, zone=zone)
    rows = []
    for name in args.cases or CASES:
        rows += import_module(name).run(ctx)
    print(f"\nmedian of {args.repeat} runs; floor = the same SQL replayed on a raw DBAPI "
          "connection\n")
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
