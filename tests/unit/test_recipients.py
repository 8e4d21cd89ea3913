"""The household rule: who a letter goes to, at which address, and who has none to use."""

from kaa_web.rules.recipients import Address, Addressee, letter_recipients

HOME = Address("Storgatan 1", "123 45", "Exempelstad")
ELSEWHERE = Address("Lillgatan 2", "543 21", "Annanstad")
NONE = Address()


def test_from_18_the_young_person_gets_it_at_their_own_address():
    assert letter_recipients("Alva Ek", HOME, [("Anna Ek", ELSEWHERE)], to_guardians=False) == [
        Addressee("Alva Ek", HOME)
    ]


def test_a_young_person_without_a_usable_address_gets_no_address():
    for address in (NONE, Address("Storgatan 1", "", "Exempelstad"), Address("x", "12", "y")):
        assert letter_recipients("Alva Ek", address, [], to_guardians=False) == [
            Addressee("Alva Ek", None)
        ]


def test_each_guardian_gets_it_at_their_own_address():
    letters = letter_recipients(
        "Alva Ek", HOME, [("Anna Ek", HOME), ("Bo Berg", ELSEWHERE)], to_guardians=True
    )
    assert letters == [Addressee("Anna Ek", HOME, True), Addressee("Bo Berg", ELSEWHERE)]


def test_a_guardian_without_an_address_gets_it_at_the_young_persons_address():
    letters = letter_recipients(
        "Alva Ek", HOME, [("Anna Ek", NONE), ("Bo Berg", ELSEWHERE)], to_guardians=True
    )
    assert letters == [Addressee("Anna Ek", HOME, True), Addressee("Bo Berg", ELSEWHERE)]


def test_guardians_at_the_same_address_share_one_letter_however_it_was_typed():
    same = Address("STORGATAN  1", "12345", "exempelstad")
    letters = letter_recipients(
        "Alva Ek", HOME, [("Anna Ek", NONE), ("Bo Ek", same), ("Cy Ek", NONE)], to_guardians=True
    )
    assert letters == [Addressee("Anna Ek, Bo Ek och Cy Ek", HOME, True)]


def test_an_incomplete_guardian_address_is_not_replaced_by_the_households():
    """Half an address means someone knows it differs: the officer must complete it."""
    partial = Address("Lillgatan 2", "", "")
    letters = letter_recipients(
        "Alva Ek", HOME, [("Anna Ek", partial), ("Bo Ek", NONE)], to_guardians=True
    )
    assert letters == [Addressee("Anna Ek", None), Addressee("Bo Ek", HOME, True)]


def test_without_a_household_address_a_guardian_without_one_has_none():
    assert letter_recipients("Alva Ek", NONE, [("Anna Ek", NONE)], to_guardians=True) == [
        Addressee("Anna Ek", None)
    ]


def test_with_no_guardian_recorded_one_letter_goes_to_the_household():
    assert letter_recipients("Alva Ek", HOME, [], to_guardians=True) == [
        Addressee("Vårdnadshavare till Alva Ek", HOME, True)
    ]
    assert letter_recipients("Alva Ek", NONE, [], to_guardians=True) == [
        Addressee("Vårdnadshavare till Alva Ek", None, True)
    ]
