"""The measures catalogue: the measures the municipality offers, with provider and age limits."""

from sqlmodel import Field, SQLModel

MEASURE_CATEGORIES = {
    "studier": "Studier",
    "arbetsinriktad": "Arbetsinriktad insats",
    "vagledning": "Vägledning",
    "halsa": "Hälsa/rehabilitering",
    "annan": "Annan insats",
}


class Measure(SQLModel, table=True):
    """A measure in the municipality's catalogue (managed by admin)."""

    __tablename__ = "measure"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    provider: str = Field(default="", max_length=200)
    # where the referral (uppdrag) is posted: all three or none
    provider_street_address: str = Field(default="", max_length=200)
    provider_postal_code: str = Field(default="", max_length=10)
    provider_city: str = Field(default="", max_length=100)
    min_age: int | None = None
    max_age: int | None = None
    category: str = Field(max_length=20)
    first_contact_days: int = Field(default=14)
    monthly_reports: bool = Field(default=False)
    active: bool = Field(default=True)
