"""One row per submitted create form: a second click on the same form does nothing."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow


class FormSubmission(SQLModel, table=True):
    """The one-time code of a form that was saved, and where the user was sent afterwards."""

    __tablename__ = "form_submission"

    token: str = Field(primary_key=True, max_length=64)
    location: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, index=True)
