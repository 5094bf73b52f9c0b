"""Two secretaries (or two tabs) press "New quote" on one dossier at the same time: one draft, the other led to it.

The panel offers "New quote" while the dossier has no quote being prepared; a page opened before a
colleague's press still offers it. The service names the colleague's draft and the view leads to it;
at the same instant, the database keeps one draft (quote_one_draft_per_dossier) and the second is told
the same, not answered 500. The same-instant race is forced as in tests/accounts/test_team_race.py.
"""

from __future__ import annotations

import re
import threading
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import formats, timezone

from msem.quotes.models import Quote
from msem.quotes.services import quote_create, quote_reopen
from tests.html_forms import flatten, form_data
from tests.inquiries.helpers import receive_inquiry
from tests.meanwhile import after_first
from tests.quotes.helpers import draft_quote, sent_quote

# The service's look for a draft already there, as the database receives it.
DRAFT_LOOKUP = '"quotes_quote"."status" = '


def url(name: str, school, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug, **kwargs})


def new_quote_form(client, inquiry) -> tuple[str, dict[str, list[str]]]:
    """The panel's "New quote" form, as the browser would send it."""
    page = client.get(url("quotes_panel", inquiry.school, reference=inquiry.reference)).content.decode()
    action = url("quote_create", inquiry.school, reference=inquiry.reference)
    start = page.rindex("<form", 0, page.index(f'action="{action}'))
    chunk = page[start : page.index("</form>", start) + len("</form>")]
    return unescape(chunk.split('action="', 1)[1].split('"', 1)[0]), form_data(chunk)


def said(response) -> str:
    return re.sub(r"[ \t\n]+", " ", unescape(response.content.decode()))


def now_said() -> str:
    return formats.time_format(timezone.localtime(), "TIME_FORMAT")


@pytest.mark.django_db
class TestFromTwoPages:
    def test_the_second_press_leads_to_the_colleagues_draft_named(
        self, secretary_client, manager, manager_client, school
    ):
        inquiry = receive_inquiry(school)
        hers_action, hers = new_quote_form(secretary_client, inquiry)
        theirs_action, theirs = new_quote_form(manager_client, inquiry)
        assert manager_client.post(theirs_action, flatten(theirs)).status_code == 302
        theirs_quote = Quote.objects.get()

        response = secretary_client.post(hers_action, flatten(hers))

        assert response.status_code == 302
        assert response["Location"].endswith(f"#quote-{theirs_quote.pk}")
        page = secretary_client.get(response["Location"])
        assert (
            f"{manager.full_name} a créé le devis {theirs_quote.number} à {now_said()}, pendant que vous aviez ce "
            "dossier ouvert\u00a0: il est encore en brouillon, ci-dessous. Ajoutez-y vos prestations plutôt que de "
            "faire un second devis\u202f; un dossier a un brouillon à la fois." in said(page)
        )
        assert Quote.objects.count() == 1

    def test_in_english(self, secretary, secretary_client, manager, manager_client, school):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        inquiry = receive_inquiry(school)
        hers_action, hers = new_quote_form(secretary_client, inquiry)
        quote = quote_create(school=school, actor=manager, inquiry_id=inquiry.pk)

        page = secretary_client.post(hers_action, flatten(hers), follow=True)

        assert (
            f"{manager.full_name} created quote {quote.number} at {now_said()}, while you had this dossier open: "
            "it is still a draft, below. Add your products to it rather than making a second quote; a dossier "
            "has one draft at a time." in said(page)
        )
        assert Quote.objects.count() == 1

    def test_her_own_second_press_says_it_without_blaming_a_colleague(self, secretary, secretary_client, school):
        inquiry = receive_inquiry(school)
        action, fields = new_quote_form(secretary_client, inquiry)
        assert secretary_client.post(action, flatten(fields)).status_code == 302

        page = secretary_client.post(action, flatten(fields), follow=True)

        quote = Quote.objects.get()
        assert (
            f"Vous avez déjà commencé le devis {quote.number} à {now_said()} (dans un autre onglet, ou d’un second "
            "clic)\u00a0: il est encore en brouillon, ci-dessous." in said(page)
        )
        assert Quote.objects.count() == 1

    def test_a_quote_sent_then_reopened_while_another_is_prepared_is_refused_with_the_other_named(
        self, secretary, manager, school
    ):
        inquiry = receive_inquiry(school)
        sent = sent_quote(school, manager, inquiry=inquiry)
        # An alternative quote, made while the first is with the client.
        other = draft_quote(school, secretary, inquiry=inquiry)

        with pytest.raises(ValidationError) as refusal:
            quote_reopen(school=school, actor=manager, quote_id=sent.pk)

        assert refusal.value.code == "draft_exists"
        assert other.number in refusal.value.messages[0]
        assert Quote.objects.get(pk=sent.pk).status == "sent"


@pytest.mark.django_db
class TestAtTheSameInstant:
    """Both databases: the colleague's draft lands between the service's look and its insert."""

    def test_the_database_keeps_one_draft_and_the_second_is_told_whose(self, secretary, manager, school):
        inquiry = receive_inquiry(school)

        with (
            after_first(DRAFT_LOOKUP, lambda: quote_create(school=school, actor=manager, inquiry_id=inquiry.pk)),
            pytest.raises(ValidationError) as refusal,
        ):
            quote_create(school=school, actor=secretary, inquiry_id=inquiry.pk)

        assert refusal.value.code == "draft_exists"
        assert f"{manager.full_name} a créé le devis DEV-" in refusal.value.messages[0]

    def test_the_database_refuses_a_second_draft_of_a_dossier(self, manager, school):
        quote = draft_quote(school, manager, lines=[])

        with pytest.raises(IntegrityError), transaction.atomic():
            Quote.objects.create(
                school=school,
                inquiry=quote.inquiry,
                number="DEV-2026-99999",
                language="fr",
                valid_until=quote.valid_until,
                vat_rate=quote.vat_rate,
                token="another",
            )
        # Another dossier, or the same one once its draft is sent or cancelled, takes a draft.
        quote.status = Quote.Status.CANCELLED
        quote.save(update_fields=["status"])
        assert quote_create(school=school, actor=manager, inquiry_id=quote.inquiry_id).status == "draft"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time: no such race")
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_at_the_same_instant_on_postgresql_one_draft_and_one_told(secretary, manager, school):
    inquiry = receive_inquiry(school)
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[Any] = [Exception("not run")] * 2

    def run(index: int, actor) -> None:
        try:
            with after_first(DRAFT_LOOKUP, barrier.wait):
                outcomes[index] = quote_create(school=school, actor=actor, inquiry_id=inquiry.pk)
        except Exception as error:  # the test reads it: a 500 would be an IntegrityError here
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, actor)) for index, actor in enumerate((secretary, manager))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    made = [outcome for outcome in outcomes if isinstance(outcome, Quote)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Quote)]
    assert len(made) == 1, outcomes
    assert isinstance(refused[0], ValidationError), refused[0]
    assert refused[0].code == "draft_exists"
    assert made[0].number in refused[0].messages[0]
    assert Quote.objects.filter(inquiry=inquiry, status="draft").count() == 1
    # The refused press gave its number back: the next quote of the school follows without a gap.
    assert made[0].number.endswith("00001")
