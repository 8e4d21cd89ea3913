"""What the document service tests share: the actors, a letter's context, a document's text,
an upload's refusal and a template stored without the check."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kaa_web.docx.types import get_type
from kaa_web.models.documents import ActiveDocumentTemplate, DocumentTemplateVersion
from kaa_web.services import documents as service
from kaa_web.services.errors import Invalid
from tests import factories

ADMIN = factories.actor("admin")


KAA = factories.actor("kaa")


def letter_context(name: str = "Alex Andersson") -> dict:
    context = get_type("brev_ungdom").example_context()
    del context["kommun"]  # the service adds the letterhead itself
    context["mottagare"]["namn"] = name
    return context


def assert_nothing_stored(db) -> None:
    assert db.exec(select(DocumentTemplateVersion)).all() == []
    assert db.exec(select(ActiveDocumentTemplate)).all() == []


def refusal(db, data: bytes, file_name: str = "mall.docx", code: str = "brev_ungdom") -> str:
    with pytest.raises(Invalid) as refused:
        service.upload_template(db, actor=ADMIN, code=code, file_name=file_name, data=data)
    assert_nothing_stored(db)
    return " ".join(refused.value.messages)


def stored_without_the_check(db, data: bytes, code: str = "brev_ungdom") -> None:
    """Make `data` the active template as if an older release's upload check let it through."""
    version = DocumentTemplateVersion(
        doc_type=code, version=1, file_name="gammal.docx", content=data, sha256="", uploaded_by="x"
    )
    db.add(version)
    db.flush()
    db.add(ActiveDocumentTemplate(doc_type=code, version_id=version.id, changed_by="x"))
    db.commit()


def copy_attack(source: str, target) -> str:
    """The reported attack: docxtpl reached through the logo swaps the letter's body for a
    server file and saves itself wherever it is told (the static folder, in the report)."""
    return (
        "{% set t = kommun.logotyp.tpl %}"
        f"{{{{ t.replace_zipname('word/document.xml', '{source}') or '' }}}}"
        f"{{{{ t.save('{target}') or '' }}}}"
    )
