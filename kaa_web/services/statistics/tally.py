"""Every figure counted from a period's activity (activity.load) in Python, for any breakdown:
the same definitions as the grouped SQL in `queries` (tests hold the two to equal counts), but
from one read of the period instead of a statement per figure, breakdown and comparison."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from kaa_web.rules.report_periods import ReportPeriod, age_threshold
from kaa_web.services.statistics.activity import Activity, MeasureRow, Span
from kaa_web.services.statistics.definitions import AGE_GROUPS, RETURNED, figure
from kaa_web.services.statistics.queries.spans import ALL, median, months_bucket

Grouped = dict[str, dict]


def group_of(dimension: str, period: ReportPeriod) -> Callable[[Span], str]:
    """The breakdown's group of a registration period; a protected identity's district is
    never told."""
    if dimension == "hela":
        return lambda s: ALL
    if dimension == "kommundel":
        return lambda s: "" if s.protected or s.district_id is None else str(s.district_id)
    if dimension == "kon":
        return lambda s: s.gender or ""
    if dimension == "orsak":
        return lambda s: s.reason or ""
    if dimension == "alder":
        ages = [key for key in AGE_GROUPS if key != "under_16"]
        bounds = [(age_threshold(period.end, int(key)), key) for key in reversed(ages)]

        def age(s: Span) -> str:
            born = s.birth_date
            return next((k for bound, k in bounds if born and born <= bound), "under_16")

        return age
    raise ValueError(f"unknown breakdown {dimension!r}")


class Tally:
    """The figures of one period's activity by one breakdown."""

    def __init__(self, activity: Activity, dimension: str):
        self.a, self.dimension = activity, dimension
        self.start, self.end = activity.period.start, activity.period.end
        self.g = group_of(dimension, activity.period) if dimension not in MEASURE_DIMS else None
        self._covered = None

    # --- coverage -------------------------------------------------------------------------

    def _people_count(self, pairs) -> Grouped:
        found = defaultdict(set)
        for g, youth_id in pairs:
            found[g].add(youth_id)
        return {g: {"n": len(ids)} for g, ids in found.items()}

    def covered(self) -> Grouped:
        if self._covered is None:
            self._covered = self._people_count(
                (self.g(p), p.youth_id) for p in self.a.people.values()
            )
        return self._covered

    def _spans_where(self, keep) -> Grouped:
        return self._people_count((self.g(s), s.youth_id) for s in self.a.spans if keep(s))

    def covered_start(self) -> Grouped:
        return self._spans_where(lambda s: s.registered_on < self.start)

    def covered_end(self) -> Grouped:
        return self._spans_where(self._open_at_end)

    def _open_at_end(self, s: Span) -> bool:
        return s.deregistered_on is None or s.deregistered_on > self.end

    def registrations(self) -> Grouped:
        out = defaultdict(lambda: {"n": 0})
        for s in self.a.spans:
            if s.registered_on >= self.start:
                out[self.g(s)]["n"] += 1
        return dict(out)

    def _ended(self) -> list[Span]:
        return [s for s in self.a.spans if s.deregistered_on and s.deregistered_on <= self.end]

    def _categories(self, pairs) -> Grouped:
        out = defaultdict(lambda: defaultdict(int))
        for g, category in pairs:
            out[g][category or "ej_angiven"] += 1
        return {g: dict(cells) for g, cells in out.items()}

    def deregistration_reasons(self) -> Grouped:
        return self._categories((self.g(s), s.deregistration_reason) for s in self._ended())

    def deregistration_results(self) -> Grouped:
        return self._categories((self.g(s), s.deregistration_result) for s in self._ended())

    # --- outreach -------------------------------------------------------------------------

    def _outreach(self) -> dict:
        """Per person (their latest period): the outreach attempts within one of their
        periods by kind (once per period an attempt falls in), and their first attempt where
        they were reached; worked out once per activity, for every breakdown."""
        if "outreach" not in self.a.counted:
            found = {}
            for youth_id, person in self.a.people.items():
                kinds, first = defaultdict(int), None
                for s in self.a.spans_of[youth_id]:
                    for c in self.a.attempts.get(youth_id, ()):
                        if s.lo <= c.on <= s.hi:
                            kinds[c.kind] += 1
                            if c.outcome == "nadd" and (first is None or (c.on, c.id) < first[:2]):
                                first = (c.on, c.id, c.kind)
                if kinds:
                    found[youth_id] = (person, kinds, first)
            self.a.counted["outreach"] = found
        return self.a.counted["outreach"]

    def sought(self) -> Grouped:
        return self._people_count((self.g(p), y) for y, (p, _, _) in self._outreach().items())

    def reached(self) -> Grouped:
        reached = ((self.g(p), y) for y, (p, _, first) in self._outreach().items() if first)
        return self._people_count(reached)

    def reached_channel(self) -> Grouped:
        firsts = ((self.g(p), first[2]) for p, _, first in self._outreach().values() if first)
        return self._categories(firsts)

    def outreach_efforts(self) -> Grouped:
        out = defaultdict(lambda: defaultdict(int))
        for p, kinds, _ in self._outreach().values():
            cells = out[self.g(p)]
            for kind, n in kinds.items():
                cells[kind or "ej_angiven"] += n
        return {g: dict(cells) for g, cells in out.items()}

    def first_attempts(self) -> dict[str, list]:
        out = defaultdict(list)
        for s in self.a.spans:
            if s.registered_on < self.start:
                continue
            out[self.g(s)].append((s.registered_on, s.first_attempt_on))
        return dict(out)

    def days_to_first_attempt(self) -> Grouped:
        return {
            g: median([(first - on).days for on, first in rows if first is not None])
            for g, rows in self.first_attempts().items()
        }

    def first_attempt_in_time(self, days: int) -> Grouped:
        last_day = self.end - timedelta(days=days)
        out = {}
        for g, rows in self.first_attempts().items():
            due = [(on, first) for on, first in rows if on <= last_day]
            within = sum(1 for on, first in due if first is not None and (first - on).days <= days)
            out[g] = {"taljare": within, "namnare": len(due)}
        return out

    # --- mapping and plan -----------------------------------------------------------------

    def _people_where(self, keep) -> Grouped:
        return self._people_count(
            (self.g(p), p.youth_id) for p in self.a.people.values() if keep(p)
        )

    def mapped(self) -> Grouped:
        on = self.a.mapped_on
        return self._people_where(lambda p: p.youth_id in on and on[p.youth_id] <= self.end)

    def with_plan(self) -> Grouped:
        on = self.a.planned_on
        return self._people_where(
            lambda p: on.get(p.youth_id) is not None and on[p.youth_id] <= self.end
        )

    def studiebevis(self) -> Grouped:
        return self._people_where(lambda p: p.reason == "studiebevis")

    # --- measures -------------------------------------------------------------------------

    def _measure_group(self, m: MeasureRow, person: Span) -> str:
        if self.dimension == "kategori":
            return m.category if m.category is not None else "annan"
        if self.dimension == "insats":
            return m.name if m.name is not None else (m.title or "")
        return self.g(person)

    def _dated(self, rows, day):
        """(group, row) for each row dated `day(row)` within one of its person's periods,
        once per period it falls in."""
        for m in rows:
            person, on = self.a.people.get(m.youth_id), day(m)
            if person is None or on is None:
                continue
            for s in self.a.spans_of[m.youth_id]:
                if s.lo <= on <= s.hi:
                    yield self._measure_group(m, person), m

    def _distinct(self, pairs, column: str) -> Grouped:
        found = defaultdict(set)
        for g, m in pairs:
            found[g].add(m.id)
        return {g: {column: len(ids)} for g, ids in found.items()}

    def measure_stages(self) -> Grouped:
        measures = self.a.measures
        parts = (
            self._distinct(self._dated(measures, lambda m: m.start_on), "paborjade"),
            self._distinct(self._dated(measures, lambda m: m.ended_on), "avslutade"),
            self._distinct(self._dated(self.a.declined, lambda m: m.on), "avbojda"),
            self._ongoing(),
        )
        out = defaultdict(dict)
        for part in parts:
            for g, cells in part.items():
                out[g].update(cells)
        for cells in out.values():
            cells["erbjudna"] = cells.get("paborjade", 0) + cells.get("avbojda", 0)
        return dict(out)

    def _ongoing(self) -> Grouped:
        """Measures begun by the period's end and still going on then, for people still
        registered then."""
        still = {s.youth_id for s in self.a.spans if self._open_at_end(s)}
        pairs = (
            (self._measure_group(m, self.a.people[m.youth_id]), m)
            for m in self.a.measures
            if m.youth_id in still
            and m.start_on is not None
            and m.start_on <= self.end
            and (m.ended_on is None or m.ended_on > self.end)
        )
        return self._distinct(pairs, "pagaende")

    def _ended_measures(self):
        return self._dated(self.a.measures, lambda m: m.ended_on)

    def occupation_after_measure(self) -> Grouped:
        return self._categories((g, m.occupation_after) for g, m in self._ended_measures())

    def returned_after_measure(self) -> Grouped:
        latest = {}
        for g, m in self._ended_measures():
            known = latest.get(m.youth_id)
            if known is None or (m.ended_on, m.id) > (known[1].ended_on, known[1].id):
                latest[m.youth_id] = (g, m)
        out = defaultdict(lambda: {"taljare": 0, "namnare": 0})
        for g, m in latest.values():
            out[g]["namnare"] += 1
            out[g]["taljare"] += m.occupation_after in RETURNED
        return dict(out)

    # --- results --------------------------------------------------------------------------

    def time_in_kaa(self) -> Grouped:
        days = defaultdict(list)
        for s in self._ended():
            days[self.g(s)].append((s.deregistered_on - s.registered_on).days)
        out = {}
        for g, values in days.items():
            cells = {**median(values), **dict.fromkeys(figure("tid_i_kaa").categories, 0)}
            for value in values:
                cells[months_bucket(value)] += 1
            out[g] = cells
        return out

    def latest_occupation(self) -> Grouped:
        known = defaultdict(lambda: defaultdict(int))
        for p in self.a.people.values():
            if p.latest_occupation is not None:
                known[self.g(p)][p.latest_occupation or "ej_angiven"] += 1
        out = {g: dict(cells) for g, cells in known.items()}
        for g, cells in self.covered().items():
            row = out.setdefault(g, {})
            row["okand"] = row.get("okand", 0) + cells["n"] - sum(row.values())
        return out


MEASURE_DIMS = ("kategori", "insats")


SHARE_PARTS = {  # share figures: people counted by one figure of those covered
    "kartlagda": Tally.mapped,
    "med_plan": Tally.with_plan,
    "studiebevis": Tally.studiebevis,
}
COMPUTE = {
    "omfattade": Tally.covered,
    "omfattade_start": Tally.covered_start,
    "omfattade_slut": Tally.covered_end,
    "nya": Tally.registrations,
    "avregistrerade_orsak": Tally.deregistration_reasons,
    "sokta": Tally.sought,
    "nadda": Tally.reached,
    "nadda_kanal": Tally.reached_channel,
    "insatser_uppsokande": Tally.outreach_efforts,
    "dagar_forsta_forsok": Tally.days_to_first_attempt,
    "insatser_kategori": Tally.measure_stages,
    "sysselsattning_efter_insats": Tally.occupation_after_measure,
    "ater_studier_arbete": Tally.returned_after_measure,
    "resultat_avregistrering": Tally.deregistration_results,
    "tid_i_kaa": Tally.time_in_kaa,
    "sysselsattning_senaste": Tally.latest_occupation,
}


def counted(activity: Activity, key: str, dimension: str, first_letter_days: int) -> Grouped:
    """{group: {column: number}} for one figure and breakdown, before completing the cells."""
    tally = activity.counted.setdefault(("tally", dimension), Tally(activity, dimension))
    if key in SHARE_PARTS:
        parts = SHARE_PARTS[key](tally)
        return {
            g: {"taljare": parts.get(g, {}).get("n", 0), "namnare": c["n"]}
            for g, c in tally.covered().items()
        }
    if key == "forsok_inom_tid":
        return tally.first_attempt_in_time(first_letter_days)
    return COMPUTE[key](tally)
