"""Working hours as the log review reads them: a daily span on weekdays, from a setting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True)
class WorkingHours:
    """From `start` up to (not including) `end`, Monday to Friday, local time."""

    start: time = time(7, 0)
    end: time = time(18, 0)

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """ "07:00-18:00" -> WorkingHours; ValueError for anything else."""
        first, _, last = text.partition("-")
        start, end = time.fromisoformat(first.strip()), time.fromisoformat(last.strip())
        if not start < end:
            raise ValueError(f"working hours must start before they end: {text!r}")
        return cls(start, end)

    def covers(self, local: datetime) -> bool:
        return local.isoweekday() <= 5 and self.start <= local.time() < self.end

    @property
    def text(self) -> str:
        return f"vardagar {self.start:%H.%M}–{self.end:%H.%M}"
