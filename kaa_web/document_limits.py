"""Word rendering in a child process under hard limits on memory, CPU time, wall time and output."""

from __future__ import annotations

import json
import logging
import multiprocessing
import resource
import signal
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Children are forked from a small single-threaded server process, not from the web worker:
# they start without the worker's threads, locks, database connections or in-memory secrets.
# The server preloads the engine (and the main script, which spawn would otherwise re-run
# in every child).
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["__main__", "kaa_web.documents"])

MB = 1024 * 1024
_REPLY_SLACK = 64 * 1024  # room for the reply's tag around the output


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


def run(function, *args, limits: Limits) -> bytes:
    """`function(*args)`, which returns bytes, run in a fresh child process under `limits`.

    A TemplateRenderError the function raises comes back as itself (its detail is logged);
    crossing a limit or any other failure becomes a TemplateRenderError with a Swedish message.
    Only bytes come back from the child, never a pickled object.
    """
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child, args=(sender, limits, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        return _reply(receiver, child, limits)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


def _reply(receiver, child, limits: Limits) -> bytes:
    if not receiver.poll(limits.wall_seconds):
        log.warning("document render stopped after %s s wall time", limits.wall_seconds)
        raise TemplateRenderError(TOO_SLOW)
    try:
        reply = receiver.recv_bytes(maxlength=limits.output_mb * MB + _REPLY_SLACK)
    except EOFError:  # the child died without answering: a limit's signal or a crash
        child.join(1)
        return _died(child.exitcode)
    except OSError:  # the reply is longer than the cap
        log.warning("document render produced more than %s MB", limits.output_mb)
        raise TemplateRenderError(
            f"Dokumentet blir större än tillåtna {limits.output_mb} MB och stoppades."
        ) from None
    tag, body = reply[:1], reply[1:]
    if tag == b"D":
        return body
    if tag == b"M":
        log.warning("document render ran out of its %s MB", limits.memory_mb)
        raise TemplateRenderError(TOO_MUCH_MEMORY)
    message, detail = json.loads(body)
    log.warning("document template failed: %s", detail)
    raise TemplateRenderError(message or CANNOT_RENDER)


def _died(exitcode: int | None):
    log.warning("document render process ended with %s", exitcode)
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise TemplateRenderError(TOO_SLOW)
    raise TemplateRenderError(TOO_MUCH_MEMORY if exitcode else CANNOT_RENDER)


def _address_space() -> int:
    """Bytes of address space the process has mapped now (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


def _limit(limits: Limits) -> None:
    """Hard limits for the rest of this process's life; it can also write no file at all."""
    memory = _address_space() + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    sys.dont_write_bytecode = True


def _child(sender, limits: Limits, function, args) -> None:
    _limit(limits)
    try:
        reply = b"D" + function(*args)
    except MemoryError:
        reply = b"M"
    except TemplateRenderError as exc:
        reply = b"E" + json.dumps([str(exc), exc.detail]).encode()
    except Exception as exc:  # anything else: the parent logs it and says it cannot render
        reply = b"E" + json.dumps(["", f"{type(exc).__name__}: {exc}"[:2000]]).encode()
    try:
        sender.send_bytes(reply)
    except MemoryError:
        sender.send_bytes(b"M")
    sender.close()
