from flask import g, jsonify, render_template, request

from app.access import campaign_blueprint
from app.extensions import db
from app.models import Engagement, Stakeholder

bp = campaign_blueprint("stakeholders", __name__, "/stakeholders")


@bp.get("/")
def index():
    return render_template("errors.html", code=200, description=g.campaign.name)


@bp.get("/search.json")
def search():
    """People in this campaign matching `q` (name, email or title), for pickers: at most 20."""
    term = request.args.get("q", "").strip()[:100]
    query = (
        db.select(Engagement, Stakeholder)
        .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
        .where(Engagement.campaign_id == g.campaign.id, Stakeholder.archived_at.is_(None))
    )
    if term:
        pattern = f"%{term.lower()}%"
        query = query.where(
            db.or_(
                db.func.lower(Stakeholder.name).like(pattern),
                db.func.lower(Stakeholder.email).like(pattern),
                db.func.lower(Stakeholder.title).like(pattern),
            )
        )
    rows = db.session.execute(query.order_by(Stakeholder.name).limit(20))
    return jsonify(
        [
            {
                "engagement_id": engagement.id,
                "stakeholder_id": person.id,
                "name": person.name,
                "email": person.email,
                "title": person.title,
                "department": person.department,
                "level": person.level.name,
                "stance": engagement.stance.name,
                "stance_label": engagement.stance.label,
            }
            for engagement, person in rows
        ]
    )
