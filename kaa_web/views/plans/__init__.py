"""A young person's plan pages (/ungdomar/<id>/…): the mapping, the plan with its measures and
declined offers, referrals and their monthly reports; one module each on one blueprint."""

from kaa_web.views.plans import mapping, plan, referrals
from kaa_web.views.plans.blueprint import bp

__all__ = ["bp", "mapping", "plan", "referrals"]
