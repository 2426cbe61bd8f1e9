from flask import Blueprint

from app.access import campaign_blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
campaign_bp = campaign_blueprint("campaign", __name__)
blueprints = (bp, campaign_bp)
