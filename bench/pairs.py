"""Interleaved timing: a ratio is the median of pairwise ratios of runs taken side by side.

On a shared machine the speed drifts over seconds and minutes. Timing one setup and then the
other puts that drift into their ratio; timing them in pairs (A B, B A, A B …) puts it on both
sides of every pair, and the median of the pairs' ratios ignores the pairs a burst of other work
landed in. Every bench in this folder takes its ratios from `interleave`.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# An action is called with its run number (0, 1, …, warm-up runs included), so it can pick a
# different person, or fresh rows, each time.
Action = Callable[[int], object]
Case = TypeVar("Case", bound=Hashable)


@dataclass(frozen=True)
class Paired:
    """Seconds of two setups, `a` and `b`, run side by side: a[i] and b[i] are one pair."""

    a: tuple[float, ...]
    b: tuple[float, ...]

    @property
    def ratios(self) -> list[float]:
        return [b / a for a, b in zip(self.a, self.b, strict=True)]

    @property
    def ratio(self) -> float:
        """b / a: the median of the pairwise ratios."""
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        """The 25th and 75th percentiles of the pairwise ratios."""
        low, _, high = statistics.quantiles(self.ratios, n=4, method="inclusive")
        return low, high

    @property
    def a_ms(self) -> float:
        return statistics.median(self.a) * 1000

    @property
    def b_ms(self) -> float:
        return statistics.median(self.b) * 1000

    def scaled(self, factor: float) -> Paired:
        """The same pairs with b's times multiplied (b measured on a sample, scaled up)."""
        return Paired(self.a, tuple(t * factor for t in self.b))

    def describe(self) -> str:
        low, high = self.spread
        return f"ratio {self.ratio:.2f} (p25–p75 {low:.2f}–{high:.2f}, {len(self.a)} pairs)"


def _seconds(action: Action, run: int) -> float:
    gc.collect()  # each side starts from a clean heap, not paying for the other's garbage
    start = time.perf_counter()
    action(run)
    return time.perf_counter() - start


def interleave(
    cases: Mapping[Case, tuple[Action, Action]], pairs: int, warm_up: int = 3
) -> dict[Case, Paired]:
    """Time each case's two actions side by side, `pairs` times.

    The cases take turns, one pair each per round, so every case's pairs spread over the whole
    run; within a pair the order alternates, so neither side is always the warmer second one.
    """
    for a, b in cases.values():
        for run in range(warm_up):  # caches, prepared statements, compiled templates
            a(run)
            b(run)
    gc.collect()
    gc.freeze()  # what the set-up built is never collected again: each collection stays short
    times: dict[Case, tuple[list[float], list[float]]] = {name: ([], []) for name in cases}
    for run in range(warm_up, warm_up + pairs):
        for name, (a, b) in cases.items():
            if run % 2:
                b_seconds = _seconds(b, run)
                a_seconds = _seconds(a, run)
            else:
                a_seconds = _seconds(a, run)
                b_seconds = _seconds(b, run)
            times[name][0].append(a_seconds)
            times[name][1].append(b_seconds)
    gc.unfreeze()
    return {name: Paired(tuple(a), tuple(b)) for name, (a, b) in times.items()}
