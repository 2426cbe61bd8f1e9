"""The WSGI entry point for a production server: `gunicorn --workers 4 wsgi:app`.

Configured from the environment like everything else (DATABASE_URL, SECRET_KEY,
TRUSTED_PROXIES...; see README.md, "Configuration")."""

from app import create_app

app = create_app()
