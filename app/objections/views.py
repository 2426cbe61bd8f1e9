from app.access import campaign_blueprint

bp = campaign_blueprint("objections", __name__, "/objections")
