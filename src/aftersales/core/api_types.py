"""Types for API schemas derived from the models, so the public contract and the database
choices cannot drift apart."""
from collections.abc import Iterable
from typing import Literal


def choices_literal(choices: type | Iterable[str]):
    """`Literal[...]` of a TextChoices' values (or of a tuple of strings from a pure rule
    module), for a django-ninja schema field: the OpenAPI document lists the values as
    an enum and a value outside them is refused with 422."""
    values = tuple(getattr(choices, "values", choices))
    if not values or not all(isinstance(value, str) for value in values):
        raise TypeError(f"choices_literal needs string choices, got {values!r}")
    return Literal[values]
