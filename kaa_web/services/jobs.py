"""The one place that starts work to run after the request has been answered (a mail-out).

Today the work runs in a thread of this process with a database session of its own; the job
runner that replaces it (a worker process of its own) plugs in here, so no view or feature
starts threads itself. The work must be idempotent: a job is claimed once, by its status."""

from __future__ import annotations

import threading
from collections.abc import Callable


def start(name: str, work: Callable[..., None], **arguments) -> None:
    """Run `work(**arguments)` after this request; `name` tells the job apart in logs."""
    threading.Thread(target=work, kwargs=arguments, name=name, daemon=True).start()
