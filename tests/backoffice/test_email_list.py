"""The school's e-mails page: finding the e-mails of a client or a dossier, and the ones that failed."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from msem.backoffice import capped_paginator, email_views
from msem.inquiries.dossier import inquiry_reply
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing import services as mailing_services
from msem.mailing.models import MailKind, OutgoingEmail
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import sent_quote

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status


def emails_page(client, school, query: str = ""):
    return client.get(f"/backoffice/{school.slug}/emails/{'?' + query if query else ''}")


def listed_subjects(response) -> list[str]:
    """The subjects of the listed rows, in their order."""
    html = response.content.decode()
    return [unescape(subject) for subject in re.findall(r'<td role="cell" class="col-subject" title="([^"]*)"', html)]


def listed_ids(response, school) -> set[int]:
    return {int(pk) for pk in re.findall(rf'href="/backoffice/{school.slug}/emails/(\d+)/"', response.content.decode())}


def listed_addresses(response) -> set[str]:
    html = response.content.decode()
    return {unescape(address) for address in re.findall(r'<td role="cell" class="col-to" title="([^"]*)"', html)}


def fail(email: OutgoingEmail, error: str = "550 5.1.1 User unknown") -> None:
    """What the worker records when the mail server refuses an e-mail for good."""
    OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.FAILED, last_error=error, attempts=1)


def deliver(*emails: OutgoingEmail) -> None:
    OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]).update(status=Status.SENT, attempts=1)


@pytest.fixture
def season(school, secretary):
    """Two clients' dossiers, a reply to each; Hélène's acknowledgement failed, Marc's reply waits."""
    helene = receive_inquiry(school, first_name="Hélène", last_name="Favre", email="helene.favre@example.fr")
    marc = receive_inquiry(school, first_name="Marc", last_name="Dupont", email="marc.dupont@example.com")
    to_helene = inquiry_reply(
        school=school, actor=secretary, inquiry_id=helene.pk, subject="Vos cours du 27 décembre", body="Voici nos prix."
    )
    to_marc = inquiry_reply(
        school=school, actor=secretary, inquiry_id=marc.pk, subject="Cours particuliers", body="Bonjour Marc."
    )
    emails = OutgoingEmail.objects.for_school(school)
    deliver(*emails.exclude(pk=to_marc.pk))
    fail(emails.get(kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT, to_email="helene.favre@example.fr"))
    return {"helene": helene, "marc": marc, "to_helene": to_helene, "to_marc": to_marc}


class TestFilters:
    def test_without_filters_every_email_of_the_school_is_listed_newest_first(self, secretary_client, school, season):
        response = emails_page(secretary_client, school)
        assert response.status_code == 200
        subjects = listed_subjects(response)
        assert len(subjects) == 6  # a notification and an acknowledgement per dossier, and two replies
        assert subjects[0] == "Cours particuliers"
        assert "6 e-mails" in response.content.decode()

    def test_failed_lists_only_the_emails_the_server_refused(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "status=failed")
        assert listed_addresses(response) == {"helene.favre@example.fr"}
        assert len(listed_subjects(response)) == 1
        assert "Échec" in response.content.decode()

    def test_waiting_lists_the_queued_the_sending_and_those_waiting_for_a_retry(self, secretary_client, school, season):
        notification = OutgoingEmail.objects.for_school(school).filter(kind=OutgoingEmail.Kind.NOTIFICATION)
        OutgoingEmail.objects.filter(pk=notification.first().pk).update(status=Status.SENDING)
        # A 4xx answer: queued again for a later try.
        OutgoingEmail.objects.filter(pk=notification.last().pk).update(
            status=Status.QUEUED, attempts=1, last_error="451 4.3.0 try later"
        )
        response = emails_page(secretary_client, school, "status=waiting")
        subjects = listed_subjects(response)
        assert len(subjects) == 3
        assert "Cours particuliers" in subjects
        assert "Vos cours du 27 décembre" not in subjects

    def test_sent_lists_only_the_delivered_ones(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "status=sent")
        subjects = listed_subjects(response)
        assert len(subjects) == 4
        assert "Cours particuliers" not in subjects

    def test_a_kind_lists_only_the_emails_of_that_kind(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "kind=reply")
        assert listed_subjects(response) == ["Cours particuliers", "Vos cours du 27 décembre"]
        # The kind's list offers its labels in the secretary's language, never the account links.
        page = response.content.decode()
        assert '<option value="reply" selected>Réponse au client</option>' in page
        assert 'value="password_reset"' not in page

    def test_the_filters_add_up(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "status=sent&kind=reply&q=helene")
        assert listed_subjects(response) == ["Vos cours du 27 décembre"]


class TestSearch:
    def test_a_part_of_the_address_in_any_case_finds_the_emails_to_it(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "q=HELENE.FAVRE")
        assert listed_addresses(response) == {"helene.favre@example.fr"}
        assert len(listed_subjects(response)) == 2  # the acknowledgement and the reply

    def test_a_whole_reference_finds_every_email_of_the_dossier(self, secretary_client, school, season):
        reference = season["helene"].reference
        response = emails_page(secretary_client, school, f"q={reference}")
        subjects = listed_subjects(response)
        # The reply's subject does not name the dossier: its timeline does.
        assert "Vos cours du 27 décembre" in subjects
        assert len(subjects) == 3
        assert "marc.dupont@example.com" not in listed_addresses(response)

    def test_the_beginning_of_a_reference_in_lower_case_finds_the_emails_of_its_dossiers(
        self, secretary_client, school, season
    ):
        helene, marc = season["helene"].reference, season["marc"].reference
        common = next(helene[:length] for length in range(len(helene), 0, -1) if marc.startswith(helene[:length]))
        response = emails_page(secretary_client, school, f"q={common.lower()}")
        assert len(listed_subjects(response)) == 6

    def test_a_quote_number_finds_the_emails_of_its_dossier(self, secretary_client, school, secretary, season):
        quote = sent_quote(school, secretary, inquiry=season["marc"])
        quote_email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.QUOTE)
        assert quote.number in quote_email.subject
        for query in (quote.number, quote.number.lower(), quote.number[:-1]):
            response = emails_page(secretary_client, school, f"q={query}")
            subjects = listed_subjects(response)
            assert quote_email.subject in subjects, query
            # The dossier's own e-mails come with it; Hélène's do not.
            assert "Cours particuliers" in subjects, query
            assert "helene.favre@example.fr" not in listed_addresses(response), query
        # The dossier's reference still finds them by its timeline.
        assert quote_email.subject in listed_subjects(emails_page(secretary_client, school, f"q={season['marc']}"))

    def test_another_schools_quote_number_finds_none_of_its_emails(
        self, secretary_client, school, other_school, other_manager, season
    ):
        theirs = sent_quote(other_school, other_manager)
        assert not listed_subjects(emails_page(secretary_client, school, f"q={theirs.number}"))

    def test_a_part_of_the_subject_finds_the_email(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "q=27 décembre")
        assert listed_subjects(response) == ["Vos cours du 27 décembre"]

    def test_nothing_found_says_so_with_a_way_back_to_every_email(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "q=personne@nulle-part.fr&status=failed")
        page = response.content.decode()
        assert response.status_code == 200
        assert listed_subjects(response) == []
        assert "Aucun e-mail ne correspond à ces critères." in page
        assert f'<a href="/backoffice/{school.slug}/emails/">Effacer les filtres</a>' in page

    def test_in_english(self, secretary_client, school, secretary, season):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        page = emails_page(secretary_client, school, "q=nobody@nowhere.test").content.decode()
        assert "No e-mail matches these filters." in page
        assert "Clear the filters" in page


class TestFailedLine:
    def test_failed_emails_are_counted_above_the_list_with_a_link_to_them(self, secretary_client, school, season):
        fail(season["to_helene"])
        page = emails_page(secretary_client, school).content.decode()
        assert f'<a href="/backoffice/{school.slug}/emails/?status=failed">2 e-mails ont échoué</a>' in page

    def test_one_failed_email_in_english(self, secretary_client, school, secretary, season):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        page = emails_page(secretary_client, school).content.decode()
        assert f'<a href="/backoffice/{school.slug}/emails/?status=failed">1 e-mail has failed</a>' in page

    def test_without_failures_there_is_no_line(self, secretary_client, school, season):
        deliver(*OutgoingEmail.objects.for_school(school))
        assert "ont échoué" not in emails_page(secretary_client, school).content.decode()
        assert "a échoué" not in emails_page(secretary_client, school).content.decode()


class TestPages:
    def test_the_page_links_keep_the_filters(self, secretary_client, school, season, monkeypatch):
        monkeypatch.setattr(email_views, "EMAILS_PER_PAGE", 1)
        response = emails_page(secretary_client, school, "status=sent&q=example")
        page = response.content.decode()
        assert listed_subjects(response)  # the first page of those
        older = re.search(r'<a class="btn btn-secondary" href="\?([^"]*)">Plus anciennes</a>', page)
        assert older is not None
        query = unescape(older.group(1))
        assert query == "q=example&status=sent&page=2"

        second = emails_page(secretary_client, school, query)
        assert second.status_code == 200
        assert 'value="example"' in second.content.decode()
        everything_sent = {
            email.subject
            for email in OutgoingEmail.objects.for_school(school).filter(
                status=Status.SENT, to_email__contains="example"
            )
        }
        assert set(listed_subjects(response) + listed_subjects(second)) == everything_sent
        newer = re.search(r'<a class="btn btn-secondary" href="\?([^"]*)">Plus récentes</a>', second.content.decode())
        assert newer is not None
        assert unescape(newer.group(1)) == "q=example&status=sent&page=1"

    def test_a_long_list_is_counted_only_so_far_and_its_pages_lead_to_every_email(
        self, secretary_client, school, season, monkeypatch
    ):
        # As a school with 100 000 e-mails and the cap at 1 000: six e-mails, two a page, counted up to three.
        monkeypatch.setattr(email_views, "EMAILS_PER_PAGE", 2)
        monkeypatch.setattr(capped_paginator, "COUNT_CAP", 3)
        seen: list[set[int]] = []
        said: list[tuple[str, str]] = []
        query = ""
        while True:
            response = emails_page(secretary_client, school, query)
            page = unescape(response.content.decode())
            seen.append(listed_ids(response, school))
            count = re.search(r'<p class="results-count">([^<]*)</p>', page)
            number = re.search(r'<nav class="pagination"[^>]*>.*?<span>([^<]*)</span>', page, re.DOTALL)
            assert count is not None
            assert number is not None
            said.append((count.group(1), number.group(1)))
            older = re.search(r'<a class="btn btn-secondary" href="\?([^"]*)">Plus anciennes</a>', page)
            if older is None:
                break
            query = older.group(1)
        assert said == [
            ("Plus de 3 e-mails", "Page 1"),
            ("Plus de 4 e-mails", "Page 2"),
            ("6 e-mails", "Page 3 sur 3"),  # the last page knows how many there are
        ]
        assert [len(ids) for ids in seen] == [2, 2, 2]
        assert set().union(*seen) == set(OutgoingEmail.objects.for_school(school).values_list("pk", flat=True))

    def test_a_long_list_in_english(self, secretary_client, school, secretary, season, monkeypatch):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        monkeypatch.setattr(email_views, "EMAILS_PER_PAGE", 2)
        monkeypatch.setattr(capped_paginator, "COUNT_CAP", 3)
        page = emails_page(secretary_client, school).content.decode()
        assert '<p class="results-count">More than 3 e-mails</p>' in page
        assert "<span>Page 1</span>" in page

    @pytest.mark.parametrize(("language", "said"), [("fr", "1\u00a0001 e-mails"), ("en", "1,001 e-mails")])
    def test_the_last_page_of_a_long_list_writes_its_count_as_the_more_than_above_it(
        self, secretary_client, school, secretary, language, said
    ):
        secretary.language = language
        secretary.save(update_fields=["language"])
        OutgoingEmail.objects.bulk_create(
            OutgoingEmail(
                school=school,
                kind=OutgoingEmail.Kind.REPLY,
                language="fr",
                from_email="info@valneige.test",
                to_email=f"client{number}@example.fr",
                subject=f"Réponse {number}",
                text_body="Bonjour.",
                message_id=f"<{number}@valneige.test>",
                next_attempt_at=timezone.now(),
            )
            for number in range(1001)
        )
        first = emails_page(secretary_client, school).content.decode()
        last = emails_page(secretary_client, school, "page=21").content.decode()
        assert re.search(r'<p class="results-count">(More than|Plus de) 1[,\u00a0]000 e-mails</p>', first)
        assert f'<p class="results-count">{said}</p>' in last

    def test_the_rows_are_one_line_each_with_the_whole_subject_in_the_title(self, secretary_client, school, season):
        long_subject = "Votre séjour du 27 décembre au 3 janvier : cours collectifs, cours particuliers et garderie"
        OutgoingEmail.objects.filter(pk=season["to_marc"].pk).update(subject=long_subject)
        page = emails_page(secretary_client, school).content.decode()
        cell = re.search(rf'<td role="cell" class="col-subject" title="{long_subject}"><span class="one-line">', page)
        assert cell is not None
        # The time is short, the whole date in its title; the kind is short, its whole label in its title.
        assert re.search(r'<time datetime="[^"]+" title="[^"]+\u00a0\d{4}[^"]*">\d{2}:\d{2}</time>', page)
        assert '<td role="cell" class="col-kind" title="Réponse au client">Réponse</td>' in page

    def test_a_notice_to_the_school_is_called_so_in_the_list_as_in_the_filter_and_the_timeline(
        self, secretary_client, school, season
    ):
        """QA: the list said "Action du client" for the e-mail the filter and the timeline call "Avis à l’école"."""
        OutgoingEmail.objects.filter(pk=season["to_marc"].pk).update(kind=OutgoingEmail.Kind.CLIENT_ACTION)
        page = emails_page(secretary_client, school).content.decode()
        assert '<option value="client_action">Avis à l’école\u00a0: devis accepté ou paiement reçu</option>' in page
        assert re.search(r'<td role="cell" class="col-kind" title="Avis à l’école[^"]*">Avis à l’école</td>', page)
        assert "Action du client" not in page

    def test_the_number_of_queries_does_not_grow_with_the_rows(self, secretary_client, school, secretary):
        receive_inquiry(school, email="a@example.fr")

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert emails_page(secretary_client, school, "q=example").status_code == 200
            return len(captured)

        queries()  # the session's first request also writes the session back: not the page's own
        few = queries()
        assert few <= 6  # the session, the user, her school; the failed ones counted, the found ones, their page
        for number in range(12):
            receive_inquiry(school, email=f"client{number}@example.fr")
        assert queries() == few
        # The page lists the thirteen acknowledgements to those addresses, not their notifications.
        assert len(listed_addresses(emails_page(secretary_client, school, "q=example"))) == 13
        assert len(listed_subjects(emails_page(secretary_client, school, "q=example"))) == 13
        # Every filter at once, the dossiers' references among them: the same queries, or fewer.
        with CaptureQueriesContext(connection) as captured:
            emails_page(secretary_client, school, "q=DEM-2&status=failed&kind=reply")
        assert len(captured) <= few


class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ("status=lost", "status", "Sélectionnez un choix valide. lost n’en fait pas partie."),
            ("kind=password_reset", "kind", "Sélectionnez un choix valide. password_reset n’en fait pas partie."),
            ("q=" + "a" * 201, "q", "au plus 200 caractères"),
            ("q=helene%0Afavre", "q", "Les retours à la ligne, caractères de contrôle"),
            ("q=helene%00", "q", "caractères de contrôle"),
        ],
    )
    @pytest.mark.usefixtures("season")
    def test_criteria_that_cannot_be_used_are_said_next_to_their_field_and_nothing_is_listed(
        self, secretary_client, school, query, field, message
    ):
        emails_before = OutgoingEmail.objects.count()
        events_before = InquiryEvent.objects.count()
        response = emails_page(secretary_client, school, query)
        page = response.content.decode()
        assert response.status_code == 400
        assert f'aria-invalid="true" aria-describedby="{field}-error"' in page
        error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
        assert error is not None
        assert message in unescape(error.group(1))
        assert listed_subjects(response) == []
        assert (OutgoingEmail.objects.count(), InquiryEvent.objects.count()) == (emails_before, events_before)

    @pytest.mark.parametrize("number", ["99999999999999999999", "-3", "0"])
    def test_a_page_number_out_of_range_shows_the_last_or_the_first_page(
        self, secretary_client, school, season, number
    ):
        response = emails_page(secretary_client, school, f"page={number}&status=sent")
        assert response.status_code == 200
        assert len(listed_subjects(response)) == 4

    def test_a_page_number_that_is_not_one_shows_the_first_page(self, secretary_client, school, season):
        response = emails_page(secretary_client, school, "page=x%00y&status=sent")
        assert response.status_code == 200
        assert len(listed_subjects(response)) == 4


class TestOtherSchools:
    def test_another_schools_emails_never_appear(self, secretary_client, school, other_school, season):
        theirs = receive_inquiry(other_school, first_name="Hélène", last_name="Favre", email="helene.favre@example.fr")
        fail(OutgoingEmail.objects.for_school(other_school).first())
        ours = set(OutgoingEmail.objects.for_school(school).values_list("pk", flat=True))
        for query in ("", "q=helene", f"q={theirs.reference}", "status=failed", "kind=notification"):
            response = emails_page(secretary_client, school, query)
            assert listed_ids(response, school), query
            assert listed_ids(response, school) <= ours, query
            assert "info@autre.test" not in response.content.decode(), query
        # Their failure is not counted with ours.
        assert "1 e-mail a échoué" in emails_page(secretary_client, school).content.decode()

    def test_the_reference_of_another_schools_dossier_finds_none_of_its_emails(
        self, secretary_client, school, secretary, other_school
    ):
        # Ours: a test e-mail, of no dossier.
        mailing_services.test_email_queue(
            school=school,
            recipient=secretary.email,
            kind=MailKind.QUOTE,
            language="fr",
            subject="Votre devis",
            body="Bonjour,",
            signature="",
        )
        theirs = receive_inquiry(other_school, email="client@example.org")
        assert not Inquiry.objects.for_school(school).filter(reference=theirs.reference).exists()
        assert listed_subjects(emails_page(secretary_client, school)) == ["[TEST] Votre devis"]
        response = emails_page(secretary_client, school, f"q={theirs.reference}")
        assert listed_subjects(response) == []
        assert "Aucun e-mail ne correspond à ces critères." in response.content.decode()
