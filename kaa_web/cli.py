"""`flask --app wsgi kaa …`: migrate, seed the demo, run the demo, nightly jobs."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

from kaa_web.db import app_session

kaa_cli = AppGroup("kaa", help="KAA commands: migrations, demo data and scheduled jobs.")


def _engine():
    return current_app.extensions["kaa_engine"]


@kaa_cli.command("migrate")
def migrate_command():
    """Bring the database to the latest migration and enforce the audit log's retention."""
    from kaa_web import audit, migrate

    migrate.upgrade(_engine())
    click.echo("Databasen är uppdaterad till senaste migreringen.")
    days = current_app.config["KAA_SETTINGS"].audit_retention_days
    with app_session() as db:
        if audit.enforce_retention(db, days):
            click.echo(f"Databasen vägrar nu radera logghändelser yngre än {days} dagar.")


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

    with app_session() as db:
        seed_demo(db)
    click.echo("Demodata finns på plats.")


def _import_file(path: str) -> None:
    """Import an extract as the system (all or nothing); prints the summary or the errors."""
    from kaa_web.permissions import SYSTEM_ACTOR
    from kaa_web.services.errors import Invalid
    from kaa_web.services.register import importing

    content = Path(path).read_bytes()
    with app_session() as db:
        try:
            result = importing.import_rows(db, actor=SYSTEM_ACTOR, content=content)
        except Invalid as error:
            db.rollback()
            for message in error.messages:
                click.echo(message, err=True)
            raise click.ClickException("Inget importerades.") from error
        db.commit()
    click.echo(f"Importerat: {result.summary}.")


@kaa_cli.command("import-register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_register_command(path):
    """Import a register extract (CSV, format in the README); any error imports nothing."""
    _import_file(path)


@kaa_cli.command("nightly")
@click.option(
    "--extract",
    type=click.Path(exists=True, dir_okay=False),
    help="A register extract to import first (same format as import-register).",
)
def nightly_command(extract):
    """The nightly job: import, age-outs, next steps; clean-up of sessions, the log and drafts."""
    from kaa_web import once
    from kaa_web.models.base import local_today
    from kaa_web.permissions import SYSTEM_ACTOR
    from kaa_web.rules.words import plural
    from kaa_web.services import outreach, register
    from kaa_web.services.audit_log import purge_audit_log
    from kaa_web.services.auth import purge_expired
    from kaa_web.services.register import importing
    from kaa_web.services.school_reports import purge_old_drafts

    if extract:
        _import_file(extract)
    settings = current_app.config["KAA_SETTINGS"]
    today = local_today()
    with app_session() as db:
        aged_out = register.deregister_turned_20(db, actor=SYSTEM_ACTOR, today=today)
        db.commit()
        steps = outreach.refresh_all(db, today=today)
        sessions = purge_expired(db, settings)
        events = purge_audit_log(db, retention_days=settings.audit_retention_days)
        drafts = purge_old_drafts(db, retention_days=settings.draft_retention_days)
        db.commit()
        extracts = importing.purge_unapplied(
            db, retention_hours=settings.import_retention_hours
        )
        once.purge(db)
    click.echo(
        f"Nattjobbet klart: {plural(aged_out, 'avregistrerad', 'avregistrerade')} (fyllt 20), "
        f"{plural(steps, 'nytt nästa steg', 'nya nästa steg')}, "
        f"{plural(sessions, 'utgången session', 'utgångna sessioner')}, "
        f"{plural(events, 'gammal logghändelse', 'gamla logghändelser')} och "
        f"{plural(drafts, 'gammalt utkast', 'gamla utkast')} borttagna."
    )
    unapplied = plural(extracts, "ej genomfört registerutdrag", "ej genomförda registerutdrag")
    click.echo(f"Innehållet i {unapplied} är raderat.")


@kaa_cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo_command(host, port):
    """Run the app on SQLite with a local demo directory (slapd); Ctrl-C stops both."""
    import secrets

    from werkzeug.serving import run_simple

    from kaa_web import demo_directory, migrate
    from kaa_web.demo_data import DEMO_SCHOOLS, seed_demo

    people = demo_directory.demo_people_with_passwords()
    service_password = secrets.token_urlsafe(16)
    ldif = demo_directory.build_ldif(people, service_password, [c for c, _n, _h in DEMO_SCHOOLS])
    server = demo_directory.start_directory(Path("instance/slapd").resolve(), ldif)
    try:
        settings = demo_directory.settings_for(server.ldap_uri, service_password)
        app = current_app.with_settings(**settings, env="development")
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
