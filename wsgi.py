"""The WSGI entry point: gunicorn wsgi:app."""

from kaa_web import create_app

app = create_app()
