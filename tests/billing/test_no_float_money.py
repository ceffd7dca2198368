"""Money is never a float: no model of any app has a FloatField, and every billing
amount column is a two-place decimal."""
from django.apps import apps
from django.db import models


def test_no_float_field_anywhere_in_the_schema():
    floats = [f"{model._meta.label}.{field.name}"
              for model in apps.get_models(include_auto_created=True)
              for field in model._meta.get_fields()
              if isinstance(field, models.FloatField)]
    assert floats == []


def test_billing_money_columns_are_two_place_decimals():
    money = {f"{model._meta.label}.{field.name}": (field.max_digits, field.decimal_places)
             for model in apps.get_app_config("billing").get_models()
             for field in model._meta.get_fields()
             if isinstance(field, models.DecimalField) and field.name != "long_visit_hours"}
    assert money  # the scan sees the billing models
    assert {value for value in money.values()} == {(14, 2)}
    assert "billing.LedgerEntry.amount" in money
