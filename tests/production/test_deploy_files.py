"""The files the production guide names (kaa_web/deploy/): systemd accepts the units, the
example environment is what production requires, gunicorn's configuration is production's."""

from __future__ import annotations

import runpy
import subprocess
from pathlib import Path

import pytest

from kaa_web.config import ConfigError, env_names, load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "kaa_web" / "deploy"
UNITS = sorted(DEPLOY.glob("kaa-*.service")) + sorted(DEPLOY.glob("kaa-*.timer"))
# read by gunicorn.conf.py, not by the app
GUNICORN_ONLY = {"KAA_BIND", "KAA_WORKERS", "KAA_CONTROL_SOCKET"}


def _environment_file(path: Path) -> dict[str, str]:
    """NAME=value lines as systemd's EnvironmentFile= reads them (comments on their own)."""
    lines = path.read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name: value for name, value in pairs}


def test_systemd_accepts_every_unit_as_installed_by_the_guide(tmp_path):
    """`systemd-analyze verify` with the guide's paths pointing at this checkout."""
    for unit in UNITS:
        text = unit.read_text().replace("/srv/kaa/venv", str(ROOT / ".venv"))
        (tmp_path / unit.name).write_text(text.replace("/srv/kaa/app", str(ROOT)))
    files = [str(tmp_path / unit.name) for unit in UNITS]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *files], capture_output=True, text=True
    )
    assert (result.returncode, result.stderr, result.stdout) == (0, "", "")


def test_every_service_runs_as_kaa_with_the_settings_file_and_a_timer_for_each_job():
    services = {u.stem: u.read_text() for u in UNITS if u.suffix == ".service"}
    assert set(services) == {"kaa-web", "kaa-worker", "kaa-nightly", "kaa-backup", "kaa-migrate"}
    for name, text in services.items():
        assert "User=kaa\n" in text and "NoNewPrivileges=yes" in text, name
        assert "EnvironmentFile=/etc/kaa/" in text, name
    assert "kaa_web/deploy/gunicorn.conf.py wsgi:app" in services["kaa-web"]
    assert "flask --app wsgi kaa worker" in services["kaa-worker"]
    assert "flask --app wsgi kaa nightly" in services["kaa-nightly"]
    assert "flask --app wsgi kaa migrate" in services["kaa-migrate"]
    owner = _environment_file(DEPLOY / "migrate.env.example")["KAA_DATABASE_URL"]
    assert owner.startswith("postgresql+psycopg://kaa_owner:")
    assert {u.stem for u in UNITS if u.suffix == ".timer"} == {"kaa-nightly", "kaa-backup"}


def test_the_example_settings_name_only_real_settings_and_mark_what_production_requires():
    example = _environment_file(DEPLOY / "kaa.env.example")
    assert set(example) - GUNICORN_ONLY <= set(env_names())
    with pytest.raises(ConfigError) as refused:  # as shipped: the blanks must be filled in
        load_settings(example).check()
    for name in ("KAA_SECRET_KEY", "KAA_MUNICIPALITY", "KAA_MUNICIPALITY_CODE"):
        assert name in str(refused.value)
    filled = {
        **example,
        "KAA_SECRET_KEY": "k" * 48,
        "KAA_MUNICIPALITY": "Sundsvalls kommun",
        "KAA_MUNICIPALITY_CODE": "2281",
        "KAA_SUPPORT_CONTACT": "KAA-samordnaren, 060-19 10 00",
    }
    load_settings(filled).check()


def test_gunicorn_runs_four_sync_workers_on_localhost_and_logs_to_the_journal(monkeypatch):
    monkeypatch.delenv("KAA_BIND", raising=False)
    monkeypatch.delenv("KAA_WORKERS", raising=False)
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (conf["bind"], conf["workers"], conf["worker_class"]) == ("127.0.0.1:8000", 4, "sync")
    assert conf["accesslog"] == conf["errorlog"] == "-"
    assert conf["timeout"] < 70  # nginx's proxy_read_timeout: gunicorn answers first


def test_the_backup_scripts_are_executable_shell():
    for script in ("backup.sh", "restore.sh"):
        path = DEPLOY / script
        assert path.stat().st_mode & 0o111
        assert subprocess.run(["sh", "-n", str(path)]).returncode == 0


def test_each_gunicorn_instance_gets_its_own_control_socket(monkeypatch, tmp_path):
    monkeypatch.delenv("KAA_CONTROL_SOCKET", raising=False)
    monkeypatch.setenv("RUNTIME_DIRECTORY", str(tmp_path))  # systemd's RuntimeDirectory=
    sockets = set()
    for port in (8000, 8001):
        monkeypatch.setenv("KAA_BIND", f"127.0.0.1:{port}")
        sockets.add(runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["control_socket"])
    assert sockets == {f"{tmp_path}/gunicorn-8000.ctl", f"{tmp_path}/gunicorn-8001.ctl"}
    assert "RuntimeDirectory=kaa-web\n" in (DEPLOY / "kaa-web.service").read_text()
