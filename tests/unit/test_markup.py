"""A plan text as the blocks a Word template lays out: what was typed, in its shape, as text."""

from kaa_web.markup import to_blocks


def _shape(text: str) -> list[tuple]:
    return [(b["typ"], b["niva"], b["nr"], b["text"]) for b in to_blocks(text)]


def test_headings_paragraphs_and_lists_keep_their_kind_level_and_number():
    text = (
        "# Stor rubrik\n\nFörsta raden\nfortsätter.\n\n- Ett\n  - Under ett\n\n  Mer om ett\n"
        "- Två\n\n3. Tre\n4. Fyra"
    )
    assert _shape(text) == [
        ("rubrik", 0, "", "Stor rubrik"),
        ("stycke", 0, "", "Första raden fortsätter."),
        ("punkt", 1, "", "Ett"),
        ("punkt", 2, "", "Under ett"),
        ("stycke", 1, "", "Mer om ett"),
        ("punkt", 1, "", "Två"),
        ("nummer", 1, "3.", "Tre"),
        ("nummer", 1, "4.", "Fyra"),
    ]


def test_a_table_keeps_its_own_columns_and_every_row_gets_a_cell_per_column():
    typed = "| Vad | Hur | När |\n|---|---|---|\n| Brev | Post |\n| Sms | Telefon | Dag 7 |"
    (table,) = to_blocks(typed)
    assert table["typ"] == "tabell"
    assert table["huvud"] == ["Vad", "Hur", "När"]
    assert table["rader"] == [["Brev", "Post", ""], ["Sms", "Telefon", "Dag 7"]]


def test_markup_and_html_typed_come_out_as_plain_text_never_as_code():
    blocks = to_blocks("**Fet** <script>alert(1)</script> {{ kommun.namn }} [länk](http://x.se)")
    assert [b["text"] for b in blocks] == ["Fet <script>alert(1)</script> {{ kommun.namn }} länk"]
    assert to_blocks("") == []
