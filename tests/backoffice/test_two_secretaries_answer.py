"""Two secretaries open the same new request in the morning rush and both write to the client."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from msem.inquiries.models import InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.platform.first_of_month import date_format
from tests.html_forms import flatten, form_data
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def dossier_path(inquiry, action: str = "") -> str:
    name = f"backoffice:inquiry_{action}" if action else "backoffice:inquiry"
    return reverse(name, kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference})


def reply_form(page, inquiry) -> tuple[str, dict[str, list[str]]]:
    html = page.content.decode()
    start = html.index('<form method="post" action="' + dossier_path(inquiry, "reply"))
    action = unescape(html[start:].split('action="', 1)[1].split('"', 1)[0])
    return action, form_data(html[start:])


def answers(inquiry) -> list[str]:
    return list(
        OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.REPLY, to_email=inquiry.email).values_list(
            "text_body", flat=True
        )
    )


def test_the_second_answer_written_at_the_same_time_is_stopped_and_kept(secretary_client, manager_client, school):
    inquiry = receive_inquiry(school)
    # Both have the dossier open, before either has answered.
    hers_action, hers = reply_form(secretary_client.get(dossier_path(inquiry)), inquiry)
    theirs_action, theirs = reply_form(manager_client.get(dossier_path(inquiry)), inquiry)

    sent = manager_client.post(theirs_action, flatten(theirs | {"body": ["Bonjour, 120 € la semaine."]}))
    assert sent.status_code == 302

    stopped = secretary_client.post(hers_action, flatten(hers | {"body": ["Bonjour, 135 € la semaine."]}))

    assert stopped.status_code == 409
    page = unescape(stopped.content.decode())
    assert "while you were writing: your answer is not sent" in page or "pendant que vous écriviez" in page
    assert "135 € la semaine." in page  # nothing to re-type
    assert [body for body in answers(inquiry) if "135 €" in body] == []
    assert len(answers(inquiry)) == 1

    # Having read her colleague's e-mail, she can still send hers: one click.
    action, fields = reply_form(stopped, inquiry)
    again = secretary_client.post(action, flatten(fields))
    assert again.status_code == 302
    assert len(answers(inquiry)) == 2


def test_her_own_earlier_answer_does_not_stop_the_next(secretary_client, school):
    inquiry = receive_inquiry(school)
    action, fields = reply_form(secretary_client.get(dossier_path(inquiry)), inquiry)
    assert secretary_client.post(action, flatten(fields | {"body": ["Bonjour, première réponse."]})).status_code == 302
    # The same page, sent again from the browser's history: it is her own answer, not a colleague's.
    assert secretary_client.post(action, flatten(fields | {"body": ["Bonjour, deuxième réponse."]})).status_code == 302
    assert len(answers(inquiry)) == 2


@pytest.mark.parametrize("seen", ["abc", "-1", "1.5", "99999999999999999999"])
def test_a_tampered_page_marker_is_refused_and_nothing_is_sent(secretary_client, school, seen):
    inquiry = receive_inquiry(school)
    action, fields = reply_form(secretary_client.get(dossier_path(inquiry)), inquiry)

    refused = secretary_client.post(action, flatten(fields | {"body": ["Bonjour, 120 €."], "seen": [seen]}))

    assert refused.status_code == 400
    page = unescape(refused.content.decode())
    assert "120 €." in page  # her text is kept
    assert answers(inquiry) == []
    # Said in her words, where she writes, rather than nothing (or Django's "(Champ masqué seen) …").
    reply = page[page.index('<section class="card" aria-labelledby="reply-title"') :].split("</section>", 1)[0]
    assert (
        "Votre réponse n’est pas partie\xa0: cette page ne disait plus quels e-mails au client vous aviez vus. "
        "Relisez l’historique ci-dessous, puis envoyez de nouveau votre réponse."
    ) in reply
    assert "Champ masqué" not in page

    # Sent again from the page shown, once she has read it: it goes.
    action, fields = reply_form(refused, inquiry)
    assert secretary_client.post(action, flatten(fields)).status_code == 302
    assert len(answers(inquiry)) == 1


def test_a_page_left_open_overnight_says_the_colleagues_answer_was_yesterdays(
    secretary_client, manager_client, manager, school
):
    inquiry = receive_inquiry(school)
    hers_action, hers = reply_form(secretary_client.get(dossier_path(inquiry)), inquiry)
    theirs_action, theirs = reply_form(manager_client.get(dossier_path(inquiry)), inquiry)
    manager_client.post(theirs_action, flatten(theirs | {"body": ["Bonjour, 120 € la semaine."]}))
    yesterday = timezone.localtime() - timedelta(days=1)
    evening = yesterday.replace(hour=18, minute=5)
    InquiryEvent.objects.filter(inquiry=inquiry, actor=manager).update(created_at=evening)

    stopped = secretary_client.post(hers_action, flatten(hers | {"body": ["Bonjour, 135 € la semaine."]}))

    assert stopped.status_code == 409
    with translation.override("fr"):
        day = date_format(evening, "j F")
    assert f"a écrit au client à 18:05 le {day}, pendant que vous écriviez" in unescape(stopped.content.decode())
