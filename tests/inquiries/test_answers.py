"""A dossier's first answer is kept on it as e-mails are recorded: what the dashboard's response times read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from msem.accounts.models import Role
from msem.inquiries.answers import first_answers_refresh
from msem.inquiries.dossier import inquiry_merge, inquiry_note_add, inquiry_reply
from msem.inquiries.models import Inquiry
from msem.payments.services import payment_request_send
from tests.factories import MembershipFactory
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import sent_quote

pytestmark = pytest.mark.django_db


def reply(inquiry, actor):
    return inquiry_reply(school=inquiry.school, actor=actor, inquiry_id=inquiry.pk, subject="Re", body="Bonjour")


def first_answer(inquiry):
    inquiry.refresh_from_db()
    return inquiry.first_answer_at, inquiry.first_answer_by


def test_a_new_request_is_not_answered_by_its_automatic_emails(school):
    inquiry = receive_inquiry(school)
    assert first_answer(inquiry) == (None, None)


def test_the_first_reply_is_the_first_answer_and_stays_so(school, manager, secretary):
    inquiry = receive_inquiry(school)
    inquiry_note_add(school=school, actor=manager, inquiry_id=inquiry.pk, text="À rappeler")
    assert first_answer(inquiry) == (None, None)

    before = timezone.now()
    reply(inquiry, secretary)
    answered_at, answered_by = first_answer(inquiry)
    assert answered_by == secretary
    assert before <= answered_at <= timezone.now()

    reply(inquiry, manager)
    assert first_answer(inquiry) == (answered_at, secretary)


def test_a_quote_answers_a_request_and_a_payment_request_does_not(school, manager):
    quoted = receive_inquiry(school, email="a@example.org")
    quote = sent_quote(school, manager, inquiry=quoted)
    assert first_answer(quoted)[1] == manager

    # A payment request e-mailed on a dossier whose quote e-mail is gone from the timeline.
    Inquiry.objects.filter(pk=quoted.pk).update(first_answer_at=None, first_answer_by=None)
    payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None)
    assert first_answer(quoted) == (None, None)


def test_a_merge_gives_the_target_the_earliest_answer_of_both(school, manager):
    colleague = MembershipFactory(school=school, role=Role.SECRETARY).user
    target = receive_inquiry(school, email="same@example.org")
    duplicate = receive_inquiry(school, email="same@example.org")
    Inquiry.objects.filter(pk__in=[target.pk, duplicate.pk]).update(received_at=timezone.now() - timedelta(days=1))
    reply(duplicate, colleague)
    reply(target, manager)
    Inquiry.objects.filter(pk=target.pk).update(first_answer_at=timezone.now())  # the target's own, later

    inquiry_merge(school=school, actor=manager, target_id=target.pk, duplicate_id=duplicate.pk)

    assert first_answer(target)[1] == colleague
    assert first_answer(duplicate) == (None, None)


def test_refresh_works_the_answers_out_from_the_timelines(school, other_school, manager, other_manager):
    inquiry = receive_inquiry(school)
    reply(inquiry, manager)
    recorded = first_answer(inquiry)
    other = receive_inquiry(other_school)
    reply(other, other_manager)
    Inquiry.objects.update(first_answer_at=None, first_answer_by=None)

    assert first_answers_refresh(school=school) == 1

    assert first_answer(inquiry) == recorded
    assert first_answer(other) == (None, None)  # another school's dossiers are left alone
