"""Roles and permissions in one table, the @require gate every view carries, and the Actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user

from kaa_web.config import ROLES

ROLE_LABELS = {
    "kaa": "KAA-handläggare",
    "arbetsmarknad": "Arbetsmarknadshandläggare",
    "ifo": "Socialtjänsten (IFO)",
    "skola": "Skolpersonal",
    "chef": "Chef",
    "admin": "Administratör",
    "system": "Systemet",  # the nightly job's actor: never a directory role
}

# Which roles hold each permission. Object-level rules (whose records) live in the services.
PERMISSIONS: dict[str, frozenset[str]] = {
    "signed_in": frozenset(ROLES),
    "register.read": frozenset({"kaa", "arbetsmarknad", "chef", "ifo"}),
    "register.write": frozenset({"kaa", "arbetsmarknad"}),
    "register.responsible": frozenset({"kaa", "arbetsmarknad"}),  # be a person's officer
    # Setting or clearing skyddade personuppgifter; "system": the nightly import of the extract.
    "register.protect": frozenset({"kaa", "system"}),
    "register.import": frozenset({"kaa", "system"}),  # "system": the nightly job
    "register.export": frozenset({"kaa", "chef"}),
    # The register extract a young person asks for (GDPR art. 15): KAA keeps the register.
    "register.extract": frozenset({"kaa"}),
    "worklist.use": frozenset({"kaa", "arbetsmarknad"}),
    "school_reports.submit": frozenset({"skola"}),
    "inbox.handle": frozenset({"kaa"}),
    # A report's receipt: the school that sent it, and KAA handling it in the inbox.
    "school_reports.receipt": frozenset({"skola", "kaa"}),
    "documents.generate": frozenset({"kaa", "arbetsmarknad"}),
    "mailout.all_jobs": frozenset({"kaa"}),  # every officer's mail-outs, not just one's own
    "templates.manage": frozenset({"admin"}),
    "admin.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    # Gallring: the preview, the runs and starting one; "system": the nightly job.
    "retention.manage": frozenset({"admin", "system"}),
    # The log review (behörighetsuppföljning): the system's administrator, and managers, who
    # answer for how their staff use their access (README, Security notes).
    "audit.review": frozenset({"admin", "chef"}),
    # Collaboration meetings. Their content (agendas with the young people's lists, notes,
    # decisions, action points, notices and minutes) is for the group's members and, for
    # oversight, managers; the administrator keeps groups' settings and members, not content.
    "meetings.use": frozenset({"kaa", "arbetsmarknad", "ifo", "chef", "admin"}),  # the section
    "meetings.manage_groups": frozenset({"chef", "admin"}),  # create groups, settings, members
    # A group's edit page: its standing items for the convener, the rest for those who manage.
    "meetings.edit_groups": frozenset({"kaa", "chef", "admin"}),
    "meetings.attend": frozenset({"kaa", "arbetsmarknad", "ifo", "chef"}),  # be a member, read
    "meetings.convene": frozenset({"kaa", "chef"}),  # plan and record the meetings one convenes
    "meetings.oversee": frozenset({"chef"}),  # read and run every group's meetings
    # A member who represents social services (an organisation consent must cover).
    "meetings.for_social_services": frozenset({"ifo"}),
    # Aggregates (no one named): managers, KAA and the administrator who answers for the
    # system's figures. The people behind a figure also need register.read.
    "statistics.read": frozenset({"kaa", "chef", "admin"}),
    "statistics.people": frozenset({"kaa", "chef"}),
    "statistics.report": frozenset({"kaa", "chef"}),  # write and make the nämnd reports
    # The SCB half-year file: KAA makes and sends it; managers may read the check before it
    # (its people need register.read too); the administrator keeps the mappings (codes only).
    "scb.check": frozenset({"kaa", "chef"}),
    "scb.export": frozenset({"kaa"}),
    "scb.mapping": frozenset({"admin"}),
    "plans.write": frozenset({"kaa", "arbetsmarknad"}),
    "measures.manage": frozenset({"admin"}),
    # The municipality's yearly action plan: managers write and adopt it, officers comment.
    "action_plan.read": frozenset({"kaa", "arbetsmarknad", "chef"}),
    "action_plan.comment": frozenset({"kaa", "arbetsmarknad", "chef"}),
    "action_plan.write": frozenset({"chef"}),
    # The review a manager shares with a collaboration group: its members open it from the
    # meeting's agenda, also those without action_plan.read (the service checks membership).
    "action_plan.shared": frozenset({"kaa", "arbetsmarknad", "ifo", "chef"}),
}

# Endpoints anyone may reach without logging in. Everything else needs @require.
PUBLIC_ENDPOINTS = frozenset({"static", "auth.login", "main.health"})


def has_permission(roles, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return bool(PERMISSIONS[permission] & set(roles))


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed to every service so it can check objects and write the audit log."""

    staff_id: int | None
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    school_unit_ids: frozenset[int] = field(default_factory=frozenset)
    client_address: str = ""
    request_id: str = ""

    def can(self, permission: str) -> bool:
        return has_permission(self.roles, permission)

    def has_role(self, *roles: str) -> bool:
        """For kaa_web.services.access only: everything else asks for a permission."""
        return bool(self.roles & set(roles))

    def need(self, permission: str) -> None:
        """The services' own check (views have @require): PermissionError, shown as 403,
        unless the actor holds `permission`."""
        if not self.can(permission):
            raise PermissionError(permission)

    @property
    def role_text(self) -> str:
        return ",".join(sorted(self.roles))


SYSTEM_ACTOR = Actor(staff_id=None, username="system", roles=frozenset({"system"}))


def current_actor() -> Actor:
    """The Actor for this request (anonymous visitors get an Actor without roles)."""
    if current_user.is_authenticated:
        return Actor(
            staff_id=current_user.staff_id,
            username=current_user.username,
            roles=frozenset(current_user.roles),
            school_unit_ids=frozenset(current_user.school_unit_ids),
            client_address=request.remote_addr or "",
            request_id=g.get("request_id", ""),
        )
    return Actor(
        staff_id=None,
        username="",
        client_address=request.remote_addr or "",
        request_id=g.get("request_id", ""),
    )


def require(permission: str):
    """Allow the view to users holding `permission`; others are sent to login or get 403.

    One permission each: stacked, every one is needed. A view open to holders of either of two
    permissions gets a permission of its own in the table."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not has_permission(current_user.roles, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permissions = (permission, *getattr(view, "required_permissions", ()))
        return wrapped

    return decorator


def endpoint_is_declared(app, endpoint: str) -> bool:
    """True when the endpoint is public or its view carries @require."""
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "required_permissions", None))
