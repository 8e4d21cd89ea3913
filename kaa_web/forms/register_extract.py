"""The register extract's form: which file to make."""

from flask_wtf import FlaskForm
from wtforms import RadioField


class ExtractForm(FlaskForm):
    format = RadioField(
        "Filformat",
        choices=[("word", "Word (.docx)"), ("pdf", "PDF")],
        default="pdf",
        validate_choice=True,
    )
