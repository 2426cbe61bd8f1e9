from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.access import user_campaigns
from app.extensions import db

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
    """Liveness with a real database round trip; no login needed."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", detail="database unreachable"), 503
    return jsonify(status="ok")
