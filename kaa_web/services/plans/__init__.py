"""Plans: a young person's mapping (kartläggning), individual plan, measures, referrals and the
plan document, one module each. Named here: the readers other features build on (consents'
summary and SIP suggestion)."""

from kaa_web.services.plans.mapping import get_mapping, mapping_agencies
from kaa_web.services.plans.plan import get_plan, plan_measures

__all__ = ["get_mapping", "get_plan", "mapping_agencies", "plan_measures"]
