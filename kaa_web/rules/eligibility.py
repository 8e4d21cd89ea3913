"""Who the KAA register may hold by age: skollagen 29 kap. 9 § covers young people under 20."""

from __future__ import annotations

from datetime import date

from kaa_web.rules.personnummer import birthday

LEAVING_AGE = 20


def turns_20(birth_date: date) -> date:
    """The day the activity responsibility ends (see personnummer.birthday for 29 February)."""
    return birthday(birth_date, LEAVING_AGE)


def covered_on(birth_date: date, on: date) -> bool:
    """Under 20 on `on`: the only ages the register may hold."""
    return on < turns_20(birth_date)


def too_old_sv(birth_date: date, subject: str = "Personen") -> str:
    """The Swedish refusal for someone who had turned 20, naming the day they did."""
    return (
        f"{subject} fyllde 20 år den {turns_20(birth_date).isoformat()} och omfattas inte av "
        "det kommunala aktivitetsansvaret, som gäller ungdomar under 20 år "
        "(skollagen 29 kap. 9 §)."
    )
