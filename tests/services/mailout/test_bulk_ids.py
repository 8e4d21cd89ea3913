"""A mail-out's thousands of ids reach PostgreSQL as one array parameter (`= ANY`), not as an
IN list of thousands of parameters; other databases get IN lists small enough for them."""

from __future__ import annotations

import sqlalchemy as sa

from kaa_web.models.base import local_today
from kaa_web.services.mailout.preview import letters_sent_on, visible_people
from kaa_web.services.outreach import mark_letters_sent
from tests.services.mailout.steps import contacts

MANY = 2_500  # more than one IN list holds (kaa_web.db.IN_CHUNK)


class Statements(list):
    """(SQL, number of parameters) of each statement the engine runs meanwhile."""

    def __init__(self, engine):
        super().__init__()
        self.engine = engine

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        self.append((statement, len(parameters or ())))


def test_thousands_of_ids_are_one_array_on_postgresql_and_short_in_lists_elsewhere(
    db_session, kaa, person
):
    people = [person("Ada"), person("Bo"), person("Cia")]
    db_session.commit()
    wanted = [p.id for p in people] + list(range(10**6, 10**6 + MANY))
    with Statements(db_session.get_bind()) as seen:
        found = visible_people(db_session, kaa, wanted)
    assert sorted(found) == sorted(p.id for p in people)
    if db_session.get_bind().dialect.name == "postgresql":
        assert len(seen) == 1
        statement, parameters = seen[0]
        assert "= ANY (" in statement and parameters < 10
    else:
        assert len(seen) == 3  # 1,000 ids a statement
        assert all(parameters <= 1_010 for _sql, parameters in seen)


def test_letters_marked_sent_in_bulk_find_each_person_once(db_session, kaa, person):
    people = [person("Ada"), person("Bo")]
    db_session.commit()
    ids = [p.id for p in people] + list(range(10**6, 10**6 + MANY))
    assert mark_letters_sent(db_session, actor=kaa, youth_ids=ids, on=local_today()) == 2
    db_session.commit()
    assert sorted(youth for youth, _kind in contacts(db_session)) == sorted(p.id for p in people)
    assert letters_sent_on(db_session, ids, local_today()) == {p.id for p in people}
