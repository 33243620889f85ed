"""What one figure reads as, and which indicator may take it.

A `Reading` is one quantity read as one indicator value.  Which indicator takes a
number is decided by the catalog alone: the count word must fit the named
indicator or its persons / amount sibling (`fits`), and a persons figure too big
for one township may be a household count glued to a person count
(`glued_readings`).  Kept apart from the clause walk (mentions.py) and the
attribution rules (attribution.py) because both ask these questions and neither
owns them.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.catalog import Catalog, Indicator
from scrapers.extract.numbers import Quantity, plausible_glue_splits
from scrapers.extract.vocabulary import unit_family


@dataclass(frozen=True)
class Reading:
    """One quantity read as one indicator value (a glued number gives two readings)."""

    quantity: Quantity
    code: str
    value: float
    flags: tuple[str, ...] = ()
    group_with: Quantity | None = None  # the quantity of the same structure read before it
    subject: str | None = None  # the indicator the text named (the persons/amount sibling's base)


_PARENTS: dict[int, dict[str, str]] = {}


def _parent_of(catalog: Catalog, code: str) -> str | None:
    """The indicator whose persons / amount sibling `code` is (低保对象 → 低保户, 产业奖补资金 → 产业奖补)."""
    parents = _PARENTS.get(id(catalog))
    if parents is None:
        parents = {}
        for ind in catalog:
            for child in (ind.persons, ind.amount):
                if child:
                    parents.setdefault(child, ind.code)
        _PARENTS[id(catalog)] = parents
    return parents.get(code)


def fits(catalog: Catalog, code: str, count_word: str, paired: bool = False) -> str | None:
    """The code that takes a number with this count word when `code` is named: itself or a sibling.

    The persons sibling only takes "X户Y人" (paired); money goes to the amount sibling.
    A persons or amount name takes the count its parent counts in: 低保对象318户506人 gives
    低保户 the 318, 产业奖补资金46.8万元,惠及162户 gives 产业奖补 the 162.
    """
    ind = catalog[code]
    if count_word in ind.counts:
        return code
    family = unit_family(count_word)
    if paired and ind.persons and ind.persons in catalog and count_word in catalog[ind.persons].counts:
        return ind.persons
    if family == "money" and ind.amount and ind.amount in catalog and count_word in catalog[ind.amount].counts:
        return ind.amount
    parent = _parent_of(catalog, code)
    if parent is not None and parent in catalog and count_word in catalog[parent].counts:
        return parent
    return None


def glued_readings(catalog: Catalog, ind: Indicator, q: Quantity) -> list[Reading] | None:
    """脱贫户4441424人: a household count glued to a person count when 户 was lost.

    Only suspected when the whole number is beyond any one township's persons
    figure; repaired when exactly one split gives 1.5-6 persons per household,
    otherwise read raw and flagged so validation holds it back.
    """
    persons = catalog[ind.persons] if ind.persons and ind.persons in catalog else None
    if persons is None or q.digits is None or len(q.digits) < 4 or q.count_word not in persons.counts:
        return None
    if float(q.value) <= persons.bounds[1]:
        return None
    splits = plausible_glue_splits(q.digits)
    if len(splits) == 1:
        households, people = splits[0]
        return [
            Reading(q, ind.code, float(households), (*q.flags, "glued_repaired")),
            Reading(q, persons.code, float(people), (*q.flags, "glued_repaired")),
        ]
    return [Reading(q, persons.code, float(q.value), (*q.flags, "glued_number"))]

