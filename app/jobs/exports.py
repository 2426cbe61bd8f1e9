"""CSV exports, made by a job worker, never in a request: a large campaign's conversation
log takes longer to write than a web worker may take to answer.

Each feature's `jobs` module lists its `exports`: a name and a function
`table(campaign, asker, args, clock) -> (header, rows)` that reads the filters from `args`
(the query string the list had, as a MultiDict) with the same filter form its page uses,
and the rows from the same query. The one handler here runs any of them and stores the file
as "<campaign slug>-<name>.csv" (a name's "feature:" prefix left out).
"""

from flask import current_app
from werkzeug.datastructures import MultiDict

from app.csvio import csv_bytes
from app.formatting import user_clock
from app.jobs.runner import Done, Refused


def make_export(job, step) -> Done:
    """params: export (a registered name), args (the list's query string, lists by key)."""
    name = job.params.get("export")
    table = current_app.extensions["csv_exports"].get(name)
    if table is None:
        raise Refused(f"There is no CSV export called {name!r}.")
    campaign, asker = job.campaign, job.user
    step(0, None, "Writing the rows")
    header, rows = table(campaign, asker, MultiDict(job.params.get("args", {})), user_clock())
    data = csv_bytes(header, rows)
    stem = name.rpartition(":")[2]
    return Done(f"The CSV is ready ({max(1, len(data) // 1024)} KB).", result=data,
                result_name=f"{campaign.slug}-{stem}.csv", result_type="text/csv")


handlers = {"export": make_export}
