from app.access import campaign_blueprint

bp = campaign_blueprint("conversations", __name__, "/conversations")
