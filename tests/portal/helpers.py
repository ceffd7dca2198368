"""Test helpers of the portal."""
from django.core import signing

from aftersales.portal import identity


def remember_phone(client, phone: str):
    """The browser has confirmed `phone` with a code (the signed cookie identity sets)."""
    client.cookies[identity.COOKIE] = signing.dumps({"phone": phone}, salt=identity.COOKIE_SALT)
    return client
