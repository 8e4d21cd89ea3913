"""Word rendering in a child process under hard limits on memory, CPU time, wall time and output."""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import logging
import os
import pickle
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MB = 1024 * 1024
_ROOT = Path(__file__).resolve().parents[2]
# What the render server imports once, so that each child starts warm.
PRELOAD = ("kaa_web.docx.render", "kaa_web.docx.checks")


class TemplateRenderError(Exception):
    """A template could not be rendered; the message is Swedish, `detail` is for the log."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


TOO_MUCH_MEMORY = (
    "Mallen bygger ett för stort dokument och stoppades. Förenkla mallen (till exempel "
    "loopar och långa texter som byggs upp)."
)
TOO_SLOW = (
    "Mallen tar för lång tid att fylla i och stoppades. Förenkla mallen (till exempel "
    "loopar inuti loopar)."
)
STOPPED = "Mallen kräver för mycket tid eller minne och stoppades. Förenkla mallen."
CANNOT_RENDER = "Mallen gick inte att fylla i med uppgifterna."


@dataclass(frozen=True)
class Limits:
    """What one render may cost: memory above the child's start, CPU and wall seconds, output."""

    memory_mb: int
    cpu_seconds: int
    wall_seconds: float
    output_mb: int

    @classmethod
    def for_letters(cls, letters: int) -> Limits:
        """Limits for a document of `letters` letters: small for one, growing with a batch.

        Measured here: a batch costs about 0.35 ms CPU and 60 KB of memory per letter, so
        5,000 letters fit with a wide margin; a single letter renders in about 20 ms.
        """
        cpu = 3 + letters // 1000
        return cls(
            memory_mb=256 + letters // 8,
            cpu_seconds=cpu,
            wall_seconds=2 * cpu + 4,
            output_mb=20 + letters // 100,
        )


# --- the app's side -------------------------------------------------------------------------


def run(function, *args, limits: Limits) -> bytes:
    """`function(*args)`, which returns bytes, run in a fresh child process under `limits`.

    A TemplateRenderError the function raises comes back as itself (its detail is logged);
    crossing a limit or any other failure becomes a TemplateRenderError with a Swedish message.
    Only bytes come back from the child, never a pickled object.
    """
    request = pickle.dumps((function, args, limits))
    with _SERVER.child() as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        reply = _receive(connection, limits)
    return _result(reply, limits)


def _receive(connection: socket.socket, limits: Limits) -> bytes:
    """The child's whole reply; refused when it takes longer than the wall time allows (the
    child stops itself then; this is the backstop) or grows past the output cap."""
    deadline = time.monotonic() + limits.wall_seconds + 2
    cap = limits.output_mb * MB + 1
    chunks, size = [], 0
    while chunk := _read(connection, deadline):
        size += len(chunk)
        if size > cap:
            log.warning("document render produced more than %s MB", limits.output_mb)
            raise TemplateRenderError(
                f"Dokumentet blir större än tillåtna {limits.output_mb} MB och stoppades."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _read(connection: socket.socket, deadline: float) -> bytes:
    connection.settimeout(max(deadline - time.monotonic(), 0.001))
    try:
        return connection.recv(MB)
    except TimeoutError:
        log.warning("document render gave no answer within its wall time")
        raise TemplateRenderError(TOO_SLOW) from None


def _result(reply: bytes, limits: Limits) -> bytes:
    tag, body = reply[:1], reply[1:]
    if tag == b"D":
        return body
    if tag in (b"M", b"T"):
        log.warning("document render stopped (%s): %s", "memory" if tag == b"M" else "time", limits)
        raise TemplateRenderError(TOO_MUCH_MEMORY if tag == b"M" else TOO_SLOW)
    if tag == b"E":
        message, detail = json.loads(body)
        log.warning("document template failed: %s", detail)
        raise TemplateRenderError(message or CANNOT_RENDER)
    log.warning("document render process ended without an answer (%s)", limits)
    raise TemplateRenderError(STOPPED)


class _RenderServer:
    """This process's render server: a small single-threaded process, started on first use
    (and again after it has died or this process has forked), that forks one child per render.

    The children inherit none of this process's threads, connections or memory, and the server
    runs with an environment holding nothing but the paths it needs, so neither has secrets.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None

    def child(self) -> socket.socket:
        """A connection to a new child of the server."""
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                try:
                    socket.send_fds(self._running(), [b"r"], [theirs.fileno()])
                except OSError:  # the server has gone: start another once
                    self._stop()
                    socket.send_fds(self._running(), [b"r"], [theirs.fileno()])
        finally:
            theirs.close()
        return ours

    def _running(self) -> socket.socket:
        if self._control is None or self._process.poll() is not None:
            self._stop()
            self._start()
        return self._control

    def _start(self) -> None:
        control, theirs = socket.socketpair()
        environment = {
            "PATH": os.environ.get("PATH", os.defpath),
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            "LANG": "C.UTF-8",
        }
        command = f"from kaa_web.docx.limits import serve; serve({theirs.fileno()})"
        self._process = subprocess.Popen(
            [sys.executable, "-c", command],
            pass_fds=[theirs.fileno()],
            env=environment,
            cwd=_ROOT,  # not kaa_web/, where this package would shadow python-docx's `docx`
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self._control = control

    def _stop(self) -> None:
        """End the server: it stops when its control socket closes."""
        if self._control is not None:
            self._control.close()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._control = self._process = None

    def _forget(self) -> None:
        """In a forked copy of this process: the server is the parent's; start our own."""
        if self._control is not None:
            self._control.close()
        self._lock = threading.Lock()
        self._control = self._process = None


_SERVER = _RenderServer()
atexit.register(_SERVER._stop)
os.register_at_fork(after_in_child=_SERVER._forget)


# --- the render server and its children -----------------------------------------------------


def serve(control_fd: int) -> None:
    """The render server's loop: a child per connection received, until the app process ends."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the app, which stops us
    for name in PRELOAD:
        importlib.import_module(name)
    control = socket.socket(fileno=control_fd)
    while True:
        _message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        if not fds:
            return  # the app process has gone
        if os.fork() == 0:
            control.close()
            _child(socket.socket(fileno=fds[0]))
        os.close(fds[0])


class _OutOfTime(BaseException):
    """The child's CPU or wall time ran out (a BaseException: no `except Exception` stops it)."""


def _out_of_time(_signum, _frame):
    raise _OutOfTime


def _address_space() -> int:
    """Bytes of address space the process has mapped now (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


def _limit(limits: Limits) -> None:
    """Hard limits for the rest of this process's life; it can also write no file at all.

    At the CPU limit the child stops itself (SIGXCPU), and the kernel kills it a second later
    if it cannot; the wall time is an interval timer (SIGALRM)."""
    memory = _address_space() + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.signal(signal.SIGXCPU, _out_of_time)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, limits.wall_seconds)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    sys.dont_write_bytecode = True


def _reply(function, args) -> bytes:
    try:
        return b"D" + function(*args)
    except MemoryError:
        return b"M"
    except _OutOfTime:
        return b"T"
    except TemplateRenderError as exc:
        return b"E" + json.dumps([str(exc), exc.detail]).encode()
    except Exception as exc:  # anything else: the app logs it and says it cannot render
        return b"E" + json.dumps(["", f"{type(exc).__name__}: {exc}"[:2000]]).encode()


def _child(connection: socket.socket) -> None:
    """Read the request, limit this process, run it, answer, and end (never returns)."""
    try:
        chunks = []
        while chunk := connection.recv(MB):
            chunks.append(chunk)
        try:
            function, args, limits = pickle.loads(b"".join(chunks))  # from the app: trusted
        except Exception as exc:  # e.g. a function that cannot be imported here
            reply = b"E" + json.dumps(["", f"cannot load the request: {exc}"[:2000]]).encode()
        else:
            # What is alive now (modules, the request) lives until the child ends: the cyclic
            # collector need not walk it again and again (a third of a 5,000-letter render).
            gc.freeze()
            _limit(limits)
            reply = _reply(function, args)
            signal.setitimer(signal.ITIMER_REAL, 0)
        connection.sendall(reply)
    except BaseException:  # noqa: B036 (nothing may escape the child; the app sees no answer)
        pass
    finally:
        os._exit(0)
