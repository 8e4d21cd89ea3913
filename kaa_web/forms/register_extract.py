"""The register extract's form: which file to make (once, however often it is sent)."""

from wtforms import RadioField

from kaa_web.forms import OnceForm


class ExtractForm(OnceForm):
    format = RadioField(
        "Filformat",
        choices=[("word", "Word (.docx)"), ("pdf", "PDF")],
        default="pdf",
        validate_choice=True,
    )
