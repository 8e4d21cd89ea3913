"""The child process documents render in: each hard limit stops the work with a Swedish message."""

from __future__ import annotations

import json
import os
import time

import pytest

from kaa_web.docx import limits as document_limits
from kaa_web.docx.limits import Limits, TemplateRenderError

SMALL = Limits(memory_mb=64, cpu_seconds=1, wall_seconds=3, output_mb=1)


# The functions below run in the child, which imports this module to find them.


def allocate(megabytes: int) -> bytes:
    return b"x" * (megabytes * 1024 * 1024)


def spin() -> bytes:
    while True:
        pass


def sleep() -> bytes:
    time.sleep(60)
    return b""


def write_file(path: str) -> bytes:
    with open(path, "w") as out:
        out.write("written by a template")
    return b"wrote it"


def fail() -> bytes:
    raise RuntimeError("something unexpected")


def refuse() -> bytes:
    raise TemplateRenderError("Mallen är fel.", "ValueError: the raw reason")


def pid() -> bytes:
    return str(os.getpid()).encode()


def environment_and_files() -> bytes:
    with open("/proc/self/environ", "rb") as environ:
        names = sorted(e.split(b"=", 1)[0].decode() for e in environ.read().split(b"\0") if e)
    return json.dumps([names, len(os.listdir("/proc/self/fd"))]).encode()


def test_the_function_runs_in_another_process_and_only_its_bytes_come_back():
    assert document_limits.run(pid, limits=SMALL) != str(os.getpid()).encode()
    assert document_limits.run(allocate, 1, limits=SMALL) == b"x" * 1024 * 1024


def test_the_child_has_none_of_the_apps_settings_files_or_connections(monkeypatch, db_session):
    monkeypatch.setenv("KAA_SECRET_KEY", "a-secret-the-child-must-not-see")
    names, open_files = json.loads(document_limits.run(environment_and_files, limits=SMALL))
    assert set(names) <= {"PATH", "PYTHONPATH", "LANG"}
    assert open_files <= 5  # stdin, stdout, stderr, its connection and the listing itself


def test_using_more_memory_than_allowed_stops_the_work():
    with pytest.raises(TemplateRenderError) as stopped:
        document_limits.run(allocate, 200, limits=SMALL)
    assert str(stopped.value) == document_limits.TOO_MUCH_MEMORY


def test_using_more_cpu_time_than_allowed_stops_the_work():
    with pytest.raises(TemplateRenderError) as stopped:
        document_limits.run(spin, limits=SMALL)
    assert str(stopped.value) == document_limits.TOO_SLOW


def test_waiting_longer_than_the_wall_time_stops_the_work():
    started = time.monotonic()
    with pytest.raises(TemplateRenderError) as stopped:
        document_limits.run(sleep, limits=SMALL)
    assert str(stopped.value) == document_limits.TOO_SLOW
    assert time.monotonic() - started < 30  # the minute-long sleep was cut short


def test_output_larger_than_the_cap_is_refused():
    with pytest.raises(TemplateRenderError) as stopped:
        document_limits.run(allocate, 2, limits=SMALL)
    assert str(stopped.value) == "Dokumentet blir större än tillåtna 1 MB och stoppades."


def test_the_child_cannot_write_files(tmp_path):
    target = tmp_path / "leak.txt"
    with pytest.raises(TemplateRenderError):
        document_limits.run(write_file, str(target), limits=SMALL)
    assert not target.exists() or target.read_text() == ""


def test_an_unexpected_error_is_a_swedish_message_and_its_cause_is_logged(caplog):
    with pytest.raises(TemplateRenderError) as stopped:
        document_limits.run(fail, limits=SMALL)
    assert str(stopped.value) == document_limits.CANNOT_RENDER
    assert any("RuntimeError: something unexpected" in r.getMessage() for r in caplog.records)


def test_a_refusal_keeps_its_swedish_message_and_logs_its_detail(caplog):
    with pytest.raises(TemplateRenderError) as stopped:
        document_limits.run(refuse, limits=SMALL)
    assert str(stopped.value) == "Mallen är fel."
    assert any("ValueError: the raw reason" in r.getMessage() for r in caplog.records)


def test_limits_grow_with_the_letters_in_a_batch():
    one, batch = Limits.for_letters(1), Limits.for_letters(5000)
    assert (one.memory_mb, one.cpu_seconds, one.output_mb) == (256, 3, 20)
    assert batch.memory_mb > one.memory_mb and batch.cpu_seconds > one.cpu_seconds
    assert batch.wall_seconds > batch.cpu_seconds
