"""The SLA countdown in words (core/countdown.py), the text every board card, ticket list
and ticket page starts with before app.js ticks it on with the same phrases."""
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from aftersales.core.countdown import countdown_text, countdown_words

H, M, D = 3600, 60, 86400


@pytest.mark.parametrize("seconds, zh, en", [
    (0, "剩余 0 分", "0 min left"),
    (59, "剩余 0 分", "0 min left"),                       # left is rounded down
    (59 * M, "剩余 59 分", "59 min left"),
    (59 * M + 59, "剩余 59 分", "59 min left"),
    (H, "剩余 1 小时", "1 h left"),                          # exactly an hour: no "0 分"
    (H + M, "剩余 1 小时 1 分", "1 h 1 min left"),
    (9 * H + 54 * M + 30, "剩余 9 小时 54 分", "9 h 54 min left"),
    (24 * H - 1, "剩余 23 小时 59 分", "23 h 59 min left"),
    (24 * H, "剩余 1 天", "1 d left"),                       # from 24 h on: days and hours
    (2 * D + 3 * H + 59 * M, "剩余 2 天 3 小时", "2 d 3 h left"),
    (-1, "已超时 1 分", "1 min overdue"),                    # overdue is rounded up
    (-60, "已超时 1 分", "1 min overdue"),
    (-61, "已超时 2 分", "2 min overdue"),
    (-(2 * H + 4 * M + 30), "已超时 2 小时 5 分", "2 h 5 min overdue"),
    (-H, "已超时 1 小时", "1 h overdue"),
    (-(26 * H), "已超时 1 天 2 小时", "1 d 2 h overdue"),
])
def test_the_countdown_reads_in_words_in_both_languages(seconds, zh, en):
    with translation.override("zh-hans"):
        assert countdown_text(seconds) == zh
    with translation.override("en"):
        assert countdown_text(seconds) == en


def test_the_script_gets_the_same_phrases_in_the_pages_language():
    with translation.override("zh-hans"):
        assert countdown_words() == {
            "left": "剩余 %(span)s", "overdue": "已超时 %(span)s",
            "days_hours": "%(days)s 天 %(hours)s 小时", "days": "%(days)s 天",
            "hours_minutes": "%(hours)s 小时 %(minutes)s 分", "hours": "%(hours)s 小时",
            "minutes": "%(minutes)s 分"}


def test_the_template_tag_marks_an_overdue_deadline():
    now = timezone.now()
    template = Template("{% load ui %}{% countdown soon %}|{% countdown late %}|{% countdown none %}")
    with translation.override("zh-hans"):
        html = template.render(Context({"soon": now + timedelta(hours=9, minutes=54, seconds=30),
                                        "late": now - timedelta(hours=2, minutes=4, seconds=30),
                                        "none": None}))
    soon, late, none = html.split("|")
    assert soon.startswith('<span class="countdown" data-due="') and soon.endswith(
        '">剩余 9 小时 54 分</span>')
    assert late.startswith('<span class="countdown bad" data-due="') and late.endswith(
        '">已超时 2 小时 5 分</span>')
    assert none == ""
