"""The plan as a Word document: it opens, with the goal, the measures and plain headings."""

import io

from docx import Document

from kaa_web.services.plans import document


def test_the_plan_document_opens_and_contains_the_measures(
    db_session, kaa, make_youth, catalogue, agree_plan, add_measure
):
    youth = make_youth("Alva", "Öberg")
    agree_plan(youth, goal="Läsa in gymnasiet på Komvux & prova yrken.")
    add_measure(youth)
    add_measure(youth, title="", responsible="annan", measure_id=catalogue["MIA VärNa"].id)
    made = document.generate_plan_document(db_session, actor=kaa, youth=youth)
    db_session.commit()
    text = "\n".join(p.text for p in Document(io.BytesIO(made.content)).paragraphs)
    cells = "\n".join(
        c.text for t in Document(io.BytesIO(made.content)).tables for r in t.rows for c in r.cells
    )
    assert "Läsa in gymnasiet på Komvux & prova yrken." in text
    assert "Söka till Komvux" in cells and "MIA VärNa" in cells
    assert "Alva Öberg" in cells
    headings = [p.text for p in Document(io.BytesIO(made.content)).paragraphs]
    assert {"Mål", "Insatser", "Uppföljning och utvärdering"} <= set(headings)
    assert not any(h[:2] in ("1.", "2–", "7.") for h in headings)  # not the förordning's numbers
