"""The action plan pages (/handlingsplan): the plan and its review, their Word documents, and
the review shared with collaboration groups; one module each on one blueprint."""

from kaa_web.views.action_plan import documents, plan, sharing
from kaa_web.views.action_plan.blueprint import bp

__all__ = ["bp", "documents", "plan", "sharing"]
