"""The fee zone of a booking address, relative to the service point that will serve it.

A pure rule (no Django): an address is province / city / district, as Chinese addresses
are written (省 / 地级市 / 区·县·县级市). The rule, documented in docs/portal.md:

- a service point in the same city serves it; an urban district (…区) of that city is the
  city zone (市区), a county or county-level city (…县, …旗, …市) of it is the prefecture
  zone (市区外, 地区范围内);
- otherwise a service point in the same province serves it, in the province zone
  (地区以外, 省内);
- otherwise no point is near: the province zone is assumed and the dispatcher confirms.
"""
from __future__ import annotations

from dataclasses import dataclass

CITY, PREFECTURE, PROVINCE = "city", "prefecture", "province"
SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区",
            "省", "市", "盟")
COUNTY_ENDINGS = ("县", "旗", "市")


@dataclass(frozen=True)
class Place:
    """A service point's place: its id, province and city."""

    point_id: int
    province: str
    city: str


@dataclass(frozen=True)
class ZoneAnswer:
    zone: str
    point_id: int | None
    reason: str  # same_city | county_of_city | same_province | no_point_near


def plain(name: str) -> str:
    """A place name without its administrative suffix and spaces: 河北省 → 河北."""
    text = "".join((name or "").split())
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def is_county(district: str) -> bool:
    text = "".join((district or "").split())
    return bool(text) and text.endswith(COUNTY_ENDINGS)


def derive_zone(*, province: str, city: str, district: str, places: list[Place]) -> ZoneAnswer:
    """The serving point (first of `places` in order that fits) and the address's zone."""
    want_province, want_city = plain(province), plain(city)
    for place in places:
        if want_city and plain(place.city) == want_city and (
                not plain(place.province) or not want_province
                or plain(place.province) == want_province):
            if is_county(district):
                return ZoneAnswer(PREFECTURE, place.point_id, "county_of_city")
            return ZoneAnswer(CITY, place.point_id, "same_city")
    for place in places:
        if want_province and plain(place.province) == want_province:
            return ZoneAnswer(PROVINCE, place.point_id, "same_province")
    return ZoneAnswer(PROVINCE, None, "no_point_near")
