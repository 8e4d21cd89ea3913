"""`flask --app wsgi kaa …`: migrate, seed the demo, run the demo, nightly jobs."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

kaa_cli = AppGroup("kaa", help="KAA commands: migrations, demo data and scheduled jobs.")


def _engine():
    return current_app.extensions["kaa_engine"]


@kaa_cli.command("migrate")
def migrate_command():
    """Bring the database to the latest migration."""
    from kaa_web import migrate

    migrate.upgrade(_engine())
    click.echo("Databasen är uppdaterad till senaste migreringen.")


@kaa_cli.command("make-migration")
@click.argument("message")
def make_migration_command(message):
    """Autogenerate a migration from the models (developers)."""
    from kaa_web import migrate

    migrate.make_revision(_engine(), message)


@kaa_cli.command("seed-demo")
def seed_demo_command():
    """Fill the database with clearly fictitious demo data (idempotent)."""
    from kaa_web.demo_data import seed_demo

    with Session(_engine()) as db:
        seed_demo(db)
    click.echo("Demodata finns på plats.")


@kaa_cli.command("nightly")
def nightly_command():
    """The nightly job: expired sessions, old login failures and audit events past retention."""
    from kaa_web.services.admin import purge_audit_log
    from kaa_web.services.auth import purge_expired

    settings = current_app.config["KAA_SETTINGS"]
    with Session(_engine()) as db:
        sessions = purge_expired(db, settings)
        events = purge_audit_log(db, retention_days=settings.audit_retention_days)
    click.echo(f"Nattjobbet klart: {sessions} utgångna sessioner, {events} gamla logghändelser.")


@kaa_cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo_command(host, port):
    """Run the app on SQLite with a local demo directory (slapd); Ctrl-C stops both."""
    import secrets

    from werkzeug.serving import run_simple

    from kaa_web import create_app, demo_directory, migrate
    from kaa_web.demo_data import DEMO_SCHOOLS, seed_demo

    people = demo_directory.demo_people_with_passwords()
    service_password = secrets.token_urlsafe(16)
    ldif = demo_directory.build_ldif(people, service_password, [c for c, _n, _h in DEMO_SCHOOLS])
    server = demo_directory.start_directory(Path("instance/slapd").resolve(), ldif)
    try:
        app = create_app(demo_directory.settings_for(server.ldap_uri, service_password))
        engine = app.extensions["kaa_engine"]
        migrate.upgrade(engine)
        with Session(engine) as db:
            seed_demo(db)
        click.echo(
            f"\nDemokatalog (slapd) på {server.ldap_uri}. Demoanvändare för den här körningen:"
        )
        for person in people:
            click.echo(f"  {person.username:<14} {person.password:<14} {', '.join(person.roles)}")
        click.echo(f"\nÖppna http://{host}:{port}/  (Ctrl-C stoppar appen och katalogen)\n")
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        server.stop()
