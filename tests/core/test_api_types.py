"""API Literals come from the models' choices (core/api_types.py)."""
from typing import get_args

import pytest

from aftersales.api import api
from aftersales.core.api_types import choices_literal
from aftersales.customers.models import Zone
from aftersales.network.models import User


def test_a_literal_holds_exactly_the_choice_values():
    assert get_args(choices_literal(Zone)) == ("city", "prefecture", "province")
    assert get_args(choices_literal(("a", "b"))) == ("a", "b")


def test_the_openapi_document_lists_the_model_choices():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["CustomerIn"]["properties"]["zone"]["enum"] == list(Zone.values)
    assert schemas["StaffIn"]["properties"]["role"]["enum"] == list(User.Role.values)


def test_non_string_choices_are_refused():
    with pytest.raises(TypeError):
        choices_literal((1, 2))
