"""The one commit point: a request's writes are committed once, after its view returned.

Views never commit. Operations change the session and flush (flushing gives new rows their
ids, so a view can redirect to them); then:

- a POST (or any other unsafe method) whose response is below 400 (2xx, 3xx) commits;
- one that answers 400 or more (a form sent back with its errors, 403, 404, 429, or a 500
  from an exception) is rolled back, so a refused request writes nothing. A view that
  re-renders a form after a refusal answers 4xx, and `app.errors.refuse` has already rolled
  back what the refused operation flushed;
- GET, HEAD and OPTIONS never commit: what they changed is discarded when the request's
  session closes. Their responses may stream (CSV exports query while they send), so the
  session they read with is left as it is.

A write that must outlive a refused request (a failed sign-in counts against the throttle
although the sign-in answers 401) is kept by calling `keep_writes()` once the refused work
is rolled back. A commit that fails raises, so the request answers 500 and the error
handler rolls back. CLI commands are their own request and commit themselves.
"""

from flask import Flask, Response, g, request

from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def keep_writes() -> None:
    """Commit what the session holds even though this request answers 4xx."""
    g.keep_writes = True


def commit_or_roll_back(response: Response) -> Response:
    """After the view: commit a successful change, roll back a refused one."""
    if request.method in SAFE_METHODS:
        return response
    if response.status_code < 400 or (g.get("keep_writes") and response.status_code < 500):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def register_commit_point(app: Flask) -> None:
    app.after_request(commit_or_roll_back)
