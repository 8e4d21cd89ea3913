"""The WSGI entry point as gunicorn loads it: no silent development mode on a server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_gunicorn_without_kaa_env_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAA_")}
    env["KAA_DATABASE_URL"] = f"sqlite:///{tmp_path}/kaa.db"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("gunicorn kept serving without KAA_ENV, on the development secret")
    assert process.returncode != 0
    assert "set KAA_ENV to production" in output
