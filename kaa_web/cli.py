"""`flask --app wsgi kaa …`: migrate, seed the demo, run the demo, nightly jobs."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

from kaa_web import nightly  # also declares the nightly steps as jobs, for the worker
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
    from kaa_web.demo import seed_demo

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
    """The nightly steps at once (the worker also runs them every night at KAA_NIGHTLY_AT):
    import, age-outs, next steps; clean-up of sessions, the log, drafts and extracts."""
    if extract:
        _import_file(extract)
    with app_session() as db:
        counts = {name: nightly.run_step(db, name) for name in nightly.STEPS}
    for line in nightly.summary(counts):
        click.echo(line)


@kaa_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
def worker_command(threads):
    """Run the job worker (mail-outs and their PDF copies, the nightly steps) until stopped."""
    from kaa_web.services import jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    jobs.runner().work(threads)


@kaa_cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo_command(host, port):
    """Run the app on SQLite with a local demo directory (slapd) and a job worker beside it;
    Ctrl-C stops all three."""
    import os
    import secrets
    import subprocess
    import sys

    from werkzeug.serving import run_simple

    from kaa_web import demo_directory, migrate
    from kaa_web.demo import DEMO_SCHOOLS, seed_demo

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
        click.echo(f"\nÖppna http://{host}:{port}/  (Ctrl-C stoppar appen, katalogen och jobben)\n")
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "kaa", "worker"],
            env={**os.environ, "KAA_ENV": "development"},
        )
        try:
            run_simple(host, port, app, threaded=True, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    finally:
        server.stop()
