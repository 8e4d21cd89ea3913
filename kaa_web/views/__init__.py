"""Blueprints of thin views: parse the form, call a service, render or redirect.

Only names no view module shares: `from kaa_web.views import register` must find the module.
"""

from flask import abort

from kaa_web.db import get_db
from kaa_web.models.register import Youth
from kaa_web.permissions import current_actor
from kaa_web.services.errors import NotFound
from kaa_web.services.register import get_youth


def youth_or_404(youth_id: int, log: str | None = "view", case_file: bool = False) -> Youth:
    """The young person if this user may see them (with `case_file`, KAA's case file on them
    too; the read logged as `log`), else 404."""
    try:
        return get_youth(
            get_db(), actor=current_actor(), youth_id=youth_id, log=log, case_file=case_file
        )
    except NotFound:
        abort(404)
