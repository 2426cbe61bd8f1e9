from app.access import campaign_blueprint

bp = campaign_blueprint("followups", __name__, "/followups")
