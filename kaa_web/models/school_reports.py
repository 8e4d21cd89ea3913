"""School units that report to the municipality (and, later, their reports)."""

from sqlmodel import Field, SQLModel


class SchoolUnit(SQLModel, table=True):
    """A school unit of any huvudman; its directory group binds school staff to it."""

    __tablename__ = "school_unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)  # skolenhetskod
    name: str = Field(max_length=200)
    huvudman: str = Field(default="", max_length=200)
    directory_group: str = Field(default="", max_length=300, index=True)
    active: bool = Field(default=True)
