from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.access import user_campaigns
from app.main.health import run_checks

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Straight into the only campaign, or a choice of campaigns."""
    campaigns = user_campaigns(current_user)
    if len(campaigns) == 1:
        return redirect(url_for("stakeholders.index", slug=campaigns[0].slug))
    return render_template("main/index.html", campaigns=campaigns)


@bp.get("/healthz")
def healthz():
    """Each dependency's state and time (app/main/health.py); 503 when any is down. Public."""
    ok, checks = run_checks()
    return jsonify(status="ok" if ok else "error", checks=checks), 200 if ok else 503
