"""Checks of identifiers with the field's standard libraries. Each raises ValidationFailed
naming the field, so the API answers 422 and nothing is written."""
import phonenumbers
from django.utils.translation import gettext as _
from stdnum import imei as stdnum_imei
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from .errors import CoreCode, ValidationFailed


def clean_imei(value: str, *, field: str = "imei") -> str:
    digits = (value or "").strip().replace(" ", "").replace("-", "")
    if len(digits) != 15 or not digits.isdigit():
        raise ValidationFailed(_("An IMEI has exactly 15 digits."), field=field,
                               code=CoreCode.INVALID_IMEI)
    try:
        stdnum_imei.validate(digits)
    except StdnumError:
        raise ValidationFailed(_("The IMEI check digit is wrong."), field=field,
                               code=CoreCode.INVALID_IMEI) from None
    return digits


def clean_phone(value: str, *, field: str = "phone", mobile_only: bool = False) -> str:
    """A Chinese phone number, returned as national digits (13812345678, 02112345678)."""
    raw = (value or "").strip()
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("Not a valid Chinese phone number."), field=field,
                               code=CoreCode.INVALID_PHONE)
    kind = phonenumbers.number_type(number)
    if mobile_only and kind != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationFailed(_("Not a Chinese mobile number."), field=field,
                               code=CoreCode.INVALID_PHONE)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def clean_credit_code(value: str, *, field: str = "credit_code") -> str:
    """统一社会信用代码 (unified social credit code, 18 characters with a check character)."""
    try:
        return stdnum_uscc.validate(value or "")
    except StdnumError:
        raise ValidationFailed(_("Not a valid unified social credit code."), field=field,
                               code=CoreCode.INVALID_CREDIT_CODE) from None


def clean_required(value: str | None, *, field: str, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("This field is required."), field=field, code=CoreCode.REQUIRED)
    if max_length is not None and len(text) > max_length:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": max_length}, field=field,
                               code=CoreCode.TOO_LONG)
    return text
