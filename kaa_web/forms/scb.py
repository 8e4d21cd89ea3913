"""The SCB file's forms: making the export, editing a mapping as text, uploading a workbook."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from kaa_web.forms import CheckboxesField, IntegerField, OnceForm, PlainText, choices
from kaa_web.models.register import REGISTRATION_REASONS
from kaa_web.rules import scb as rules
from kaa_web.services.scb.mapping import (
    MappingData,
    codes_text,
    columns_text,
    parse_codes,
    parse_columns,
)


class ExportForm(OnceForm):
    bekraftar = BooleanField("Jag har sett problemen som finns kvar och vill göra filen ändå")


class UploadForm(OnceForm):
    fil = FileField(
        "Arbetsbok (.xlsx) med bladen Inställningar, Kolumner och Koder",
        validators=[FileRequired("Välj en fil.")],
    )


class CopyForm(OnceForm):
    """Copy a mapping as next half-year's (a create form: a double click makes one copy)."""


class MappingForm(FlaskForm):
    namn = StringField(
        "Namn", validators=[InputRequired("Ange ett namn."), Length(max=200), PlainText()]
    )
    giltig_fran = StringField(
        "Gäller från halvåret", validators=[InputRequired("Ange ett halvår."), Length(max=20)]
    )
    giltig_till = StringField(
        "Gäller till och med halvåret", validators=[Optional(), Length(max=20)]
    )
    filtyp = SelectField("Filtyp", choices=choices(rules.FILE_TYPES.items()))
    teckenkodning = SelectField("Teckenkodning", choices=choices(rules.ENCODINGS.items()))
    datumformat = SelectField("Datumformat", choices=choices((k, k) for k in rules.DATE_FORMATS))
    layout = SelectField("Rader", choices=choices(rules.LAYOUTS.items()))
    antal_kontakter = IntegerField(
        "Kontakter per rad", validators=[InputRequired("Ange ett antal."), NumberRange(1, 20)]
    )
    antal_insatser = IntegerField(
        "Insatser per rad", validators=[InputRequired("Ange ett antal."), NumberRange(1, 20)]
    )
    kolumner = TextAreaField("Kolumner i filens ordning", validators=[Length(max=20_000)])
    koder = TextAreaField("Koder", validators=[Length(max=20_000)])
    saknar_orsak_kod = StringField(
        "Koden som betyder ”saknar orsak”", validators=[Optional(), Length(max=20), PlainText()]
    )
    uteslutna_orsaker = CheckboxesField(
        "Orsaker som inte omfattas under halvåren", choices=choices(REGISTRATION_REASONS.items())
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def validate_giltig_fran(self, field):
        _key(field.data)

    def validate_giltig_till(self, field):
        if field.data and field.data.strip():
            _key(field.data)

    def validate_kolumner(self, field):
        try:
            parse_columns(field.data or "")
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def validate_koder(self, field):
        try:
            parse_codes(field.data or "")
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def data_object(self) -> MappingData:
        to = (self.giltig_till.data or "").strip()
        return MappingData(
            name=self.namn.data.strip(),
            valid_from=rules.parse_key(self.giltig_fran.data),
            valid_to=rules.parse_key(to) if to else None,
            file_type=self.filtyp.data,
            encoding=self.teckenkodning.data,
            date_format=self.datumformat.data,
            layout=self.layout.data,
            max_contacts=self.antal_kontakter.data,
            max_measures=self.antal_insatser.data,
            columns=parse_columns(self.kolumner.data or ""),
            codes=parse_codes(self.koder.data or ""),
            missing_reason_code=(self.saknar_orsak_kod.data or "").strip(),
            excluded_reasons=tuple(self.uteslutna_orsaker.data or ()),
        )

    @classmethod
    def of(cls, data: MappingData, version: int) -> MappingForm:
        return cls(
            data={
                "namn": data.name,
                "giltig_fran": rules.short(data.valid_from).upper(),
                "giltig_till": rules.short(data.valid_to).upper() if data.valid_to else "",
                "filtyp": data.file_type,
                "teckenkodning": data.encoding,
                "datumformat": data.date_format,
                "layout": data.layout,
                "antal_kontakter": data.max_contacts,
                "antal_insatser": data.max_measures,
                "kolumner": columns_text(data.columns),
                "koder": codes_text(data.codes),
                "saknar_orsak_kod": data.missing_reason_code,
                "uteslutna_orsaker": list(data.excluded_reasons),
                "version": version,
            }
        )


def _key(text: str | None) -> int:
    try:
        return rules.parse_key(text or "")
    except ValueError as problem:
        raise ValidationError(str(problem)) from None
