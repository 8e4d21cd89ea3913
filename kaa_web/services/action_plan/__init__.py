"""The action plan (handlingsplan): yearly versions drafted, commented, adopted by a nämnd
decision and then locked; goals measured against the statistics; the comparison with last
year's plan; the review; the Word documents of both; the review shared with collaboration
groups. One module each; the names the views use are named here.

Only "chef" writes and adopts; KAA and labour-market officers read and comment (the permission
table). Nothing here is about a young person: the plan is the municipality's own document.
"""

from kaa_web.services.action_plan.base import LOCKED, get_plan, versions
from kaa_web.services.action_plan.charts import radar_svg
from kaa_web.services.action_plan.documents import (
    make_plan_document,
    make_review_document,
    open_plan_document,
    plan_documents,
)
from kaa_web.services.action_plan.drafting import (
    MAX_TEXT,
    add_comment,
    adopt,
    save_section,
    start_draft,
)
from kaa_web.services.action_plan.goals import (
    GOAL_FIGURES,
    GOAL_PERIODS,
    GoalData,
    add_goal,
    fulfilment,
    get_goal,
    remove_goal,
    update_goal,
)
from kaa_web.services.action_plan.linked import LADDER_LABELS, linked_parts
from kaa_web.services.action_plan.page import GOALS_KEY, compare, plan_page, section_for_edit
from kaa_web.services.action_plan.review import review_of, review_page, save_review
from kaa_web.services.action_plan.sharing import (
    review_shares,
    share_review,
    shareable_items,
    shared_review,
    unshare_review,
)

__all__ = [
    "GOALS_KEY",
    "GOAL_FIGURES",
    "GOAL_PERIODS",
    "LADDER_LABELS",
    "LOCKED",
    "MAX_TEXT",
    "GoalData",
    "add_comment",
    "add_goal",
    "adopt",
    "compare",
    "fulfilment",
    "get_goal",
    "get_plan",
    "linked_parts",
    "make_plan_document",
    "make_review_document",
    "open_plan_document",
    "plan_documents",
    "plan_page",
    "radar_svg",
    "remove_goal",
    "review_of",
    "review_page",
    "review_shares",
    "save_review",
    "save_section",
    "section_for_edit",
    "share_review",
    "shareable_items",
    "shared_review",
    "start_draft",
    "unshare_review",
    "update_goal",
    "versions",
]
