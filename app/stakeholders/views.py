from flask import g, render_template

from app.access import campaign_blueprint

bp = campaign_blueprint("stakeholders", __name__, "/stakeholders")


@bp.get("/")
def index():
    return render_template("errors.html", code=200, description=g.campaign.name)
