"""Who a letter goes to and at which address: the young person, or the household's guardians.

The household rule (shown to staff on the mail-out pages, HOUSEHOLD_RULE):
- from 18 the young person gets the letter at their own address;
- under 18 each guardian gets it at their own address; a guardian with no address at all gets
  it at the young person's address (the household); with no guardian recorded, one letter
  goes to "Vårdnadshavare till …" at the young person's address;
- guardians at the same address share one letter;
- a recipient with an incomplete address, or with none to fall back on, gets no letter: the
  officer must add the address first (a letter that cannot arrive is never counted as sent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HOUSEHOLD_RULE = (
    "Från 18 år får ungdomen brevet till sin egen adress. Under 18 år får varje vårdnadshavare "
    "brevet till sin adress; en vårdnadshavare utan adress får det till ungdomens adress, och "
    "vårdnadshavare på samma adress får ett gemensamt brev. Den som saknar fullständig adress "
    "får inget brev, och inget registreras som skickat."
)


@dataclass(frozen=True)
class Address:
    street: str = ""
    postal_code: str = ""
    city: str = ""

    @property
    def usable(self) -> bool:
        """Street, a five-digit postal code and a city: what a letter needs to arrive."""
        digits = re.sub(r"\s", "", self.postal_code)
        return bool(self.street.strip() and self.city.strip()) and bool(
            re.fullmatch(r"\d{5}", digits)
        )

    @property
    def blank(self) -> bool:
        return not (self.street.strip() or self.postal_code.strip() or self.city.strip())

    @property
    def key(self) -> tuple[str, str, str]:
        """The same address however it was typed (case, spaces)."""
        return (
            " ".join(self.street.casefold().split()),
            re.sub(r"\s", "", self.postal_code),
            " ".join(self.city.casefold().split()),
        )


@dataclass(frozen=True)
class Addressee:
    """One letter's recipient; `address` is None when it has no usable address."""

    name: str
    address: Address | None
    at_youth_address: bool = False


def letter_recipients(
    youth_name: str,
    youth_address: Address,
    guardians: list[tuple[str, Address]],
    *,
    to_guardians: bool,
) -> list[Addressee]:
    """The letters one person's step needs, in order; those without an address included."""
    household = youth_address if youth_address.usable else None
    if not to_guardians:
        return [Addressee(youth_name, household)]
    if not guardians:
        return [Addressee(f"Vårdnadshavare till {youth_name}", household, True)]
    letters: list[Addressee] = []
    for name, own in guardians:
        if own.usable:
            letter = Addressee(name, own, household is not None and own.key == household.key)
        elif own.blank and household is not None:
            letter = Addressee(name, household, True)
        else:
            letter = Addressee(name, None)
        letters.append(letter)
    return _one_per_address(letters)


def _one_per_address(letters: list[Addressee]) -> list[Addressee]:
    """Guardians at the same address share one letter, named together ("A och B")."""
    groups: dict[tuple, list[Addressee]] = {}
    order: list[tuple | Addressee] = []
    for letter in letters:
        if letter.address is None:
            order.append(letter)
        elif letter.address.key in groups:
            groups[letter.address.key].append(letter)
        else:
            groups[letter.address.key] = [letter]
            order.append(letter.address.key)
    return [entry if isinstance(entry, Addressee) else _together(groups[entry]) for entry in order]


def _together(letters: list[Addressee]) -> Addressee:
    if len(letters) == 1:
        return letters[0]
    names = [letter.name for letter in letters]
    return Addressee(
        ", ".join(names[:-1]) + " och " + names[-1],
        letters[0].address,
        any(letter.at_youth_address for letter in letters),
    )
