"""What is due: the worklist's groups and scopes."""

from datetime import timedelta

from kaa_web.models.base import local_today
from kaa_web.services import outreach


def test_worklist_groups_what_is_due_and_leaves_out_what_is_later(
    db_session, kaa, make_youth, staff
):
    today = local_today()
    overdue = make_youth(
        "Sen", "Brev", registered_on=today - timedelta(days=45), officer_id=staff["kaa"].id
    )
    make_youth("Ny", "Brev", registered_on=today, officer_id=staff["kaa"].id)  # due in 30 days
    called = make_youth(
        "Ring",
        "Mig",
        officer_id=staff["kaa"].id,
        contacts=[
            ("brev", today - timedelta(days=50), None),
            ("vykort", today - timedelta(days=20), None),
        ],
    )
    groups = {g.key: g for g in outreach.worklist(db_session, actor=kaa, scope="mina", today=today)}
    assert [r.id for r in groups["brev"].rows] == [overdue.id]
    assert groups["brev"].rows[0].overdue
    assert [r.id for r in groups["kontakt"].rows] == [called.id]
    assert groups["kontakt"].rows[0].due == today - timedelta(days=6)


def test_worklist_scope_unassigned_and_everyone(db_session, kaa, make_youth, staff):
    today = local_today()
    nobody = make_youth("Ingen", "Ansvarig", registered_on=today - timedelta(days=40))
    theirs = make_youth(
        "Annans", "Ansvar", registered_on=today - timedelta(days=40), officer_id=staff["kaa2"].id
    )

    def rows(scope):
        groups = outreach.worklist(db_session, actor=kaa, scope=scope, today=today)
        return {r.id for g in groups for r in g.rows}

    assert rows("ofordelade") == {nobody.id}
    assert rows("alla") == {nobody.id, theirs.id}
    assert rows("mina") == set()
