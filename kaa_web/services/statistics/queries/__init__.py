"""The figures as grouped SQL over registration periods: one statement per figure and breakdown.

Every figure reads the registration periods that overlap the report period (`spans`), so a
period's figures depend only on what happened within it: someone who comes back later gets a
new period after it and changes nothing. Events (contacts, measures) count when they fall in
the report period and within one of the person's registration periods.

One module per section of the page (coverage, outreach, plans, measures, results) on the
periods and groups of `spans`; every name is here as `queries.<name>`.
"""

from kaa_web.services.statistics.queries.coverage import (  # noqa: F401
    covered,
    covered_end,
    covered_people,
    covered_start,
    deregistration_reasons,
    deregistration_results,
    end_people,
    new_people,
    registrations,
    start_people,
)
from kaa_web.services.statistics.queries.measures import (  # noqa: F401
    measure_stages,
    occupation_after_measure,
    returned_after_measure,
)
from kaa_web.services.statistics.queries.outreach import (  # noqa: F401
    days_to_first_attempt,
    first_attempt_in_time,
    first_attempts,
    outreach_efforts,
    reached,
    reached_channel,
    reached_people,
    sought,
    sought_people,
)
from kaa_web.services.statistics.queries.plans import (  # noqa: F401
    mapped,
    mapped_people,
    plan_people,
    studiebevis,
    studiebevis_people,
    with_plan,
)
from kaa_web.services.statistics.queries.results import (  # noqa: F401
    latest_occupation,
    time_in_kaa,
    unknown_occupation_people,
)
from kaa_web.services.statistics.queries.spans import (  # noqa: F401
    ALL,
    OUTREACH_KINDS,
    PM,
    C,
    Grouped,
    M,
    P,
    Query,
    Y,
    count_people,
    group_key,
    median,
    months_bucket,
    run,
    run_categories,
    spans_of,
)
