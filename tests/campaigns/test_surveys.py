"""PRODUCT.md "Follow-up": the yearly satisfaction survey goes once to every active
customer (not blocked, with a unit) with a portal link; the answer is kept."""
import pytest
import time_machine

from aftersales.campaigns.models import SurveyInvitation
from aftersales.campaigns.services.surveys import answer_survey
from aftersales.campaigns.sweeps import run_followup_sweeps
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.notifications.models import Outbox
from tests.conftest import ApiClient


def test_the_yearly_survey_goes_once_to_every_active_customer(make_customer, make_unit):
    with_unit = make_customer()
    make_unit("SV1", with_unit)
    make_customer()  # no unit: not surveyed
    with time_machine.travel("2026-11-30 09:00 +0800", tick=False):
        assert run_followup_sweeps()["survey_invitations"] == 0  # December by default
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        assert run_followup_sweeps()["survey_invitations"] == 1
        assert run_followup_sweeps()["survey_invitations"] == 0
    invitation = SurveyInvitation.objects.get()
    assert invitation.customer == with_unit
    message = Outbox.objects.get(kind="survey")
    assert f"/survey/{invitation.secret}/" in message.body


def test_an_answer_is_kept_once_and_checked(make_customer, make_unit):
    make_unit("SV2", make_customer())
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        run_followup_sweeps()
    invitation = SurveyInvitation.objects.get()
    with pytest.raises(ValidationFailed):
        answer_survey(secret=invitation.secret, score=6)
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    answer_survey(secret=invitation.secret, score=4, comment="上门及时")
    with pytest.raises(Conflict):
        answer_survey(secret=invitation.secret, score=1)
    invitation.refresh_from_db()
    assert (invitation.score, invitation.comment) == (4, "上门及时")


def test_the_answers_are_on_the_customers_record(make_customer, make_unit, boss):
    customer = make_customer()
    make_unit("SV3", customer)
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        run_followup_sweeps()
    answer_survey(secret=SurveyInvitation.objects.get().secret, score=5, comment="很好")
    answers = ApiClient(boss).get(f"/customers/{customer.pk}/survey-answers").json()
    assert [(a["year"], a["score"], a["comment"]) for a in answers] == [(2026, 5, "很好")]
