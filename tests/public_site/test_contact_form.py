"""The public contact form over HTTP: what a client and a robot get, and what is stored."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from msem.inquiries.models import Category, Inquiry, InquiryEvent, QuarantinedRequest, Subject
from msem.mailing.delivery import deliver_outbox
from msem.mailing.models import OutgoingEmail
from msem.public_site import form_token
from msem.schools.models import School
from tests.html_forms import flatten, form_data, page_text

pytestmark = pytest.mark.django_db


def form_url(school, language="fr") -> str:
    return f"/{language}/{school.slug}/contact/"


@pytest.fixture
def past_minimum_fill_time(settings):
    """As if the client had taken the time a person takes to fill the form."""
    settings.MSEM_FORM_MIN_FILL_SECONDS = 0


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The time the form token and its signature read, moved by the test as a client's seconds pass."""
    clock = Clock()
    monkeypatch.setattr(form_token, "time", SimpleNamespace(time=clock.time))
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=clock.time))
    return clock


def filled_form(client: Client, school, language="fr", **changes) -> dict:
    data = form_data(client.get(form_url(school, language)).content.decode())
    subject = Subject.objects.for_school(school).live().first()
    data.update(
        {
            "subject": [str(subject.pk)],
            "first_name": ["Claire"],
            "last_name": ["Martin"],
            "email": ["claire.martin@example.org"],
            "phone": ["06 12 34 56 78"],
            "arrival_date": [(timezone.localdate() + timedelta(days=20)).isoformat()],
            "departure_date": [(timezone.localdate() + timedelta(days=27)).isoformat()],
            "participants": ["3"],
            "message": ["Bonjour, trois cours particuliers le matin ?"],
        }
    )
    data.update({name: [value] for name, value in changes.items()})
    return data


def submit(client: Client, school, data, language="fr"):
    return client.post(form_url(school, language), flatten(data))


class TestTheForm:
    def test_in_french_and_in_english_with_the_subjects_that_have_a_label_in_that_language(self, school):
        Subject.objects.create(school=school, label_fr="Cours privés", label_en="", email="p@valneige.test", position=1)
        Subject.objects.create(
            school=school, label_fr="", label_en="Group lessons", email="g@valneige.test", position=2
        )

        french = page_text(Client().get(form_url(school, "fr")))
        english = page_text(Client().get(form_url(school, "en")))

        assert "Contactez-nous" in french
        assert "Cours privés" in french
        assert "Group lessons" not in french
        assert "Contact us" in english
        assert "Group lessons" in english
        assert "Cours privés" not in english
        assert "Request for information" in english

    def test_a_language_without_any_subject_gives_the_schools_address_not_a_form_that_cannot_be_sent(self, school):
        """QA (a new school): its subjects labelled in French only, the English form's required list of
        subjects was empty, and an English-speaking client filled it all in to be told to choose one."""
        Subject.objects.for_school(school).update(label_en="")

        english = page_text(Client().get(form_url(school, "en")))
        french = page_text(Client().get(form_url(school, "fr")))

        assert (
            "This form does not take requests in this language yet. Please write to ESF Val Neige at "
            '<a href="mailto:info@valneige.test">info@valneige.test</a>.'
        ) in english
        assert 'name="first_name"' not in english
        assert 'href="/fr/valneige/contact/"' in english  # the form in French, which works
        assert "This form does not take requests" not in french
        assert 'name="first_name"' in french

    def test_the_category_is_asked_only_when_the_school_has_categories(self, school):
        assert 'name="category"' not in Client().get(form_url(school)).content.decode()
        Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
        assert 'name="category"' in Client().get(form_url(school)).content.decode()

    def test_each_visitor_gets_a_token_of_their_own_and_a_change_of_the_settings_shows_at_once(self, school):
        first, second = (form_data(Client().get(form_url(school)).content.decode()) for _ in range(2))
        assert first["form_token"] != second["form_token"]

        subject = Subject.objects.for_school(school).live().get()
        subject.label_fr = "Renseignements"
        subject.save()
        School.objects.filter(pk=school.pk).update(name="École du Val")
        page = page_text(Client().get(form_url(school)))
        assert "Renseignements" in page
        assert "Demande d’informations" not in page
        assert "École du Val" in page

    def test_an_unknown_school_or_language_is_a_404(self, school):
        assert Client().get("/fr/nowhere/contact/").status_code == 404
        assert Client().get(f"/de/{school.slug}/contact/").status_code == 404

    def test_it_may_be_framed_by_the_schools_declared_origins_only(self, school):
        school.website_origins = "https://www.esf-valneige.fr\nhttps://reservation.esf-valneige.fr"
        school.save()
        response = Client().get(form_url(school))
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://www.esf-valneige.fr https://reservation.esf-valneige.fr" in policy
        assert "X-Frame-Options" not in response.headers

    def test_a_school_without_origins_cannot_be_framed(self, school):
        response = Client().get(form_url(school))
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


class TestOpenedOnASubject:
    """`?subject=<id>`: a website's page about one subject opens the form with it already chosen."""

    @staticmethod
    def chosen(response) -> list[str]:
        return re.findall(r'<option value="(\d+)" selected>', response.content.decode())

    def test_the_subject_of_the_address_is_chosen_and_the_plain_form_chooses_none(self, school):
        private = Subject.objects.create(
            school=school, label_fr="Cours privés", label_en="Private lessons", email="p@valneige.test", position=1
        )
        assert self.chosen(Client().get(form_url(school) + f"?subject={private.pk}")) == [str(private.pk)]
        assert self.chosen(Client().get(form_url(school))) == []  # not the page kept for the address above
        english = Client().get(form_url(school, "en") + f"?subject={private.pk}")
        assert self.chosen(english) == [str(private.pk)]
        # The other language's form opens on the same subject.
        assert f'href="/fr/{school.slug}/contact/?subject={private.pk}"' in english.content.decode()

    def test_a_subject_the_form_does_not_offer_is_ignored(self, school, other_school):
        french_only = Subject.objects.create(
            school=school, label_fr="Cours privés", label_en="", email="p@valneige.test", position=1
        )
        removed = Subject.objects.create(
            school=school, label_fr="Ancien", label_en="Old", email="o@valneige.test", removed_at=timezone.now()
        )
        foreign = Subject.objects.for_school(other_school).live().first()
        asked = [french_only.pk, removed.pk, foreign.pk, "abc", "1 OR 1=1", "", "9" * 30]
        for subject in asked:
            language = "en" if subject == french_only.pk else "fr"
            response = Client().get(form_url(school, language), {"subject": subject})
            assert response.status_code == 200, subject
            assert self.chosen(response) == [], subject

    def test_a_request_sent_from_it_is_received_like_any_other(self, client, school, past_minimum_fill_time):
        subject = Subject.objects.for_school(school).live().get()
        data = form_data(client.get(form_url(school) + f"?subject={subject.pk}").content.decode())
        assert data["subject"] == [str(subject.pk)]
        data.update(
            first_name=["Claire"],
            last_name=["Martin"],
            email=["claire.martin@example.org"],
            message=["Bonjour, des cours particuliers ?"],
        )
        response = client.post(form_url(school) + f"?subject={subject.pk}", flatten(data))
        assert response.status_code == 302
        assert Inquiry.objects.get().subject == subject


class TestSubmission:
    def test_creates_the_dossier_and_queues_two_emails(self, school, past_minimum_fill_time):
        client = Client()
        response = submit(client, school, filled_form(client, school))

        assert response.status_code == 302
        inquiry = Inquiry.objects.for_school(school).get()
        year = timezone.localdate().year
        assert inquiry.reference == f"DEM-{year}-00001"
        assert inquiry.status == Inquiry.Status.NEW
        assert inquiry.language == "fr"
        assert inquiry.participants == 3
        thanks = client.get(response["Location"])
        assert inquiry.reference in page_text(thanks)
        assert "Merci, votre demande a bien été envoyée" in page_text(thanks)
        assert f'href="mailto:{school.main_email}"' in thanks.content.decode()
        kinds = set(OutgoingEmail.objects.for_school(school).values_list("kind", "to_email"))
        assert kinds == {("notification", school.main_email), ("acknowledgement", "claire.martin@example.org")}
        assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() == 2

    def test_one_delivery_run_is_queued_for_the_two_emails(self, school, past_minimum_fill_time):
        client = Client()
        submit(client, school, filled_form(client, school))
        assert DBTaskResult.objects.filter(status="READY", task_path=deliver_outbox.module_path).count() == 1

    def test_in_english_the_dossier_is_in_english(self, school, past_minimum_fill_time):
        client = Client()
        response = submit(client, school, filled_form(client, school, "en"), "en")
        assert "Thank you, your request has been sent" in page_text(client.get(response["Location"]))
        assert Inquiry.objects.get().language == "en"
        assert OutgoingEmail.objects.get(kind="acknowledgement").language == "en"

    def test_references_follow_each_other_per_school(self, school, other_school, past_minimum_fill_time):
        for target in (school, school, other_school):
            client = Client()
            submit(client, target, filled_form(client, target, email=f"c{Inquiry.objects.count()}@example.org"))
        year = timezone.localdate().year
        assert sorted(Inquiry.objects.for_school(school).values_list("reference", flat=True)) == [
            f"DEM-{year}-00001",
            f"DEM-{year}-00002",
        ]
        assert Inquiry.objects.for_school(other_school).get().reference == f"DEM-{year}-00001"

    def test_the_acknowledgement_is_not_sent_to_one_of_the_schools_own_addresses(self, school, past_minimum_fill_time):
        client = Client()
        submit(client, school, filled_form(client, school, email=school.main_email.upper()))
        assert not OutgoingEmail.objects.filter(kind="acknowledgement").exists()
        event = InquiryEvent.objects.get(kind=InquiryEvent.Kind.ACKNOWLEDGEMENT_SKIPPED)
        assert event.data == {"reason": "own_address"}

    def test_at_most_a_few_acknowledgements_per_address_per_day(self, school, past_minimum_fill_time, settings):
        settings.MSEM_ACKNOWLEDGEMENTS_PER_RECIPIENT_PER_DAY = 2
        settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT = "100/86400"
        for _ in range(3):
            client = Client()
            submit(client, school, filled_form(client, school))
        assert Inquiry.objects.count() == 3
        assert OutgoingEmail.objects.filter(kind="acknowledgement").count() == 2
        assert OutgoingEmail.objects.filter(kind="notification").count() == 3


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("first_name", "Claire\r\nBcc: x@evil.test", "Les retours à la ligne"),
            ("last_name", "=?utf-8?q?=0D=0ABcc=3A_x@evil.test?=", "mots encodés"),
            ("email", "claire@example.org\nBcc: x@evil.test", "adresse"),
            ("email", "pas-une-adresse", "adresse"),
            ("phone", "appelez-moi", "numéro de téléphone"),
            ("message", "x" * 5001, "5000"),
            ("first_name", "x" * 81, "80"),
            ("message", "", "obligatoire"),
            ("participants", "0", "Indiquez au moins un participant."),
            ("participants", "12000", "Pour plus de 500 participants, indiquez leur nombre dans votre message."),
            ("arrival_date", "2001-01-01", "passé"),
            ("arrival_date", "31/02/2027", "date valide"),
            ("subject", "999999", "Choisissez un des objets proposés."),
        ],
    )
    def test_a_bad_field_gets_a_clear_error_and_nothing_is_stored(
        self, school, past_minimum_fill_time, field, value, message
    ):
        client = Client()
        response = submit(client, school, filled_form(client, school, **{field: value}))

        assert response.status_code == 400
        page = page_text(response)
        assert message in page
        assert f'id="id_{field}_error"' in page
        assert "Votre demande n’a pas été envoyée." in page
        assert not Inquiry.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_departure_before_arrival_is_refused(self, school, past_minimum_fill_time):
        client = Client()
        arrival = timezone.localdate() + timedelta(days=10)
        data = filled_form(
            client, school, arrival_date=arrival.isoformat(), departure_date=(arrival - timedelta(days=1)).isoformat()
        )
        response = submit(client, school, data)
        assert "La date de départ est antérieure à la date d’arrivée." in page_text(response)
        assert not Inquiry.objects.exists()

    def test_a_subject_of_another_school_is_refused(self, school, other_school, past_minimum_fill_time):
        foreign = Subject.objects.for_school(other_school).get()
        client = Client()
        response = submit(client, school, filled_form(client, school, subject=str(foreign.pk)))
        assert response.status_code == 400
        assert not Inquiry.objects.exists()

    def test_a_removed_subject_or_category_is_refused(self, school, past_minimum_fill_time):
        removed = Subject.objects.create(
            school=school, label_fr="Ancien", label_en="Old", email="a@valneige.test", removed_at=timezone.now()
        )
        Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
        Category.objects.create(school=school, code="old", label_fr="Old", label_en="Old", removed_at=timezone.now())
        client = Client()
        for changes in ({"subject": str(removed.pk), "category": "village"}, {"category": "old"}):
            response = submit(client, school, filled_form(client, school, **changes))
            assert response.status_code == 400
        assert not Inquiry.objects.exists()

    def test_the_category_is_required_when_the_school_has_some(self, school, past_minimum_fill_time):
        Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")
        client = Client()
        response = submit(client, school, filled_form(client, school))
        assert 'id="id_category_error"' in page_text(response)
        assert not Inquiry.objects.exists()

    def test_html_and_script_are_stored_as_text_and_shown_escaped(self, school, manager_client, past_minimum_fill_time):
        client = Client()
        attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        submit(client, school, filled_form(client, school, first_name=attack[:80], message=attack))
        inquiry = Inquiry.objects.get()
        assert inquiry.message == attack
        page = manager_client.get(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/").content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page
        listing = manager_client.get(f"/backoffice/{school.slug}/inquiries/").content.decode()
        assert "<script>alert" not in listing
        notification = OutgoingEmail.objects.get(kind="notification")
        assert "<script>alert" not in notification.html_body

    def test_invalid_utf8_is_refused_cleanly(self, school):
        response = Client().post(
            form_url(school), data=b"first_name=\xff\xfe&message=\xc3", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400
        assert not Inquiry.objects.exists()

    def test_an_oversized_body_is_refused(self, school, settings):
        response = Client().post(form_url(school), {"message": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
        assert response.status_code == 400
        assert not Inquiry.objects.exists()


class TestAbuse:
    def test_the_honeypot_gets_a_normal_looking_success_no_dossier_no_email_and_waits_in_the_quarantine(
        self, school, past_minimum_fill_time
    ):
        client = Client()
        response = submit(client, school, filled_form(client, school, website="http://spam.example"))
        assert response.status_code == 302
        thanks = page_text(client.get(response["Location"]))
        assert "Merci, votre demande a bien été envoyée" in thanks
        assert re.search(r"DEM-\d{4}-\d{5}", thanks)
        assert not Inquiry.objects.exists()
        assert not OutgoingEmail.objects.exists()
        assert list(QuarantinedRequest.objects.for_school(school).values_list("reason", flat=True)) == ["hidden_field"]

    def test_a_robot_that_fills_everything_with_junk_leaves_nothing_at_all(self, school, past_minimum_fill_time):
        client = Client()
        data = filled_form(client, school, website="http://spam.example", email="not an address")
        assert submit(client, school, data).status_code == 302
        assert not QuarantinedRequest.objects.exists()

    def test_a_form_sent_faster_than_a_person_can_type_waits_in_the_quarantine(self, school):
        client = Client()
        response = submit(client, school, filled_form(client, school))
        assert response.status_code == 302
        assert not Inquiry.objects.exists()
        assert QuarantinedRequest.objects.for_school(school).get().reason == "too_fast"

    def test_a_message_full_of_links_waits_in_the_quarantine(self, school, past_minimum_fill_time):
        client = Client()
        links = " ".join(f"https://cheap-{n}.example/buy" for n in range(4))
        response = submit(client, school, filled_form(client, school, message=f"Great offer {links}"))
        assert response.status_code == 302
        assert not Inquiry.objects.exists()
        assert QuarantinedRequest.objects.for_school(school).get().reason == "links"

    def test_a_person_who_sends_an_empty_form_at_once_sees_the_errors(self, school):
        client = Client()
        data = form_data(client.get(form_url(school)).content.decode())
        response = submit(client, school, data)
        assert response.status_code == 400
        assert "Votre demande n’a pas été envoyée." in page_text(response)

    def test_a_double_click_or_a_replayed_post_creates_one_dossier(self, school, past_minimum_fill_time):
        client = Client()
        data = filled_form(client, school)
        first = submit(client, school, data)
        second = submit(client, school, data)
        assert Inquiry.objects.count() == 1
        assert OutgoingEmail.objects.count() == 2
        # Both thank the client with the same reference (the signed receipts may differ by their second).
        reference = Inquiry.objects.get().reference
        assert reference in page_text(client.get(first["Location"]))
        assert reference in page_text(client.get(second["Location"]))

    def test_a_form_without_a_valid_token_is_refused_and_can_be_sent_again(self, school, past_minimum_fill_time):
        client = Client()
        data = filled_form(client, school, form_token="forged")
        response = submit(client, school, data)
        assert response.status_code == 400
        assert "Ce formulaire a expiré." in page_text(response)
        assert not Inquiry.objects.exists()
        # The page comes back with a fresh token and the client's answers.
        again = form_data(response.content.decode())
        assert again["first_name"] == ["Claire"]
        assert submit(client, school, again).status_code == 302
        assert Inquiry.objects.count() == 1

    def test_a_token_of_another_school_is_refused(self, school, other_school, past_minimum_fill_time):
        client = Client()
        other_token = form_data(client.get(form_url(other_school)).content.decode())["form_token"][0]
        response = submit(client, school, filled_form(client, school, form_token=other_token))
        assert response.status_code == 400
        assert not Inquiry.objects.exists()

    def test_too_many_requests_from_one_ip_get_a_translated_429(self, school, settings, past_minimum_fill_time):
        settings.MSEM_INTAKE_LIMIT_PER_IP = "2/3600"
        for number in range(2):
            client = Client()
            submit(client, school, filled_form(client, school, email=f"client{number}@example.org"))
        client = Client()
        response = submit(client, school, filled_form(client, school, email="client9@example.org"))
        assert response.status_code == 429
        assert "Trop de demandes" in page_text(response)
        # It says to contact the school by e-mail: with the school's address.
        assert f'href="mailto:{school.main_email}"' in response.content.decode()
        assert Inquiry.objects.count() == 2
        english = Client()
        response = submit(english, school, filled_form(english, school, "en", email="c10@example.org"), "en")
        assert "Too many requests" in page_text(response)

    def test_behind_a_trusted_proxy_the_limit_is_per_client_not_per_proxy(
        self, school, settings, past_minimum_fill_time
    ):
        settings.MSEM_INTAKE_LIMIT_PER_IP = "1/3600"
        settings.MSEM_TRUSTED_PROXY_COUNT = 1
        for number, ip in enumerate(["203.0.113.1", "203.0.113.2"]):
            client = Client(HTTP_X_FORWARDED_FOR=ip)
            assert (
                submit(client, school, filled_form(client, school, email=f"c{number}@example.org")).status_code == 302
            )
        client = Client(HTTP_X_FORWARDED_FOR="203.0.113.1")
        assert submit(client, school, filled_form(client, school, email="c5@example.org")).status_code == 429

    def test_a_forged_forwarded_header_does_not_escape_the_limit_without_trusted_proxies(
        self, school, settings, past_minimum_fill_time
    ):
        settings.MSEM_INTAKE_LIMIT_PER_IP = "1/3600"
        client = Client(HTTP_X_FORWARDED_FOR="198.51.100.1")
        submit(client, school, filled_form(client, school, email="c1@example.org"))
        client = Client(HTTP_X_FORWARDED_FOR="198.51.100.2")
        assert submit(client, school, filled_form(client, school, email="c2@example.org")).status_code == 429

    def test_too_many_requests_for_one_school(self, school, other_school, settings, past_minimum_fill_time):
        settings.MSEM_INTAKE_LIMIT_PER_SCHOOL = "1/3600"
        settings.MSEM_TRUSTED_PROXY_COUNT = 1
        first = Client(HTTP_X_FORWARDED_FOR="203.0.113.1")
        submit(first, school, filled_form(first, school, email="a@example.org"))
        second = Client(HTTP_X_FORWARDED_FOR="203.0.113.2")
        assert submit(second, school, filled_form(second, school, email="b@example.org")).status_code == 429
        third = Client(HTTP_X_FORWARDED_FOR="203.0.113.3")
        assert submit(third, other_school, filled_form(third, other_school, email="c@example.org")).status_code == 302

    def test_too_many_requests_for_one_client_address(self, school, settings, past_minimum_fill_time):
        settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT = "1/86400"
        settings.MSEM_TRUSTED_PROXY_COUNT = 1
        first = Client(HTTP_X_FORWARDED_FOR="203.0.113.1")
        submit(first, school, filled_form(first, school))
        second = Client(HTTP_X_FORWARDED_FOR="203.0.113.2")
        assert submit(second, school, filled_form(second, school)).status_code == 429
        assert Inquiry.objects.count() == 1


class TestFillTimeAcrossErrors:
    """The default minimum fill time (3 s) counts from the first page, not from a page of errors."""

    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_a_person_who_fixes_an_error_and_sends_again_at_once_gets_her_dossier(self, school, clock, language):
        client = Client()
        data = filled_form(client, school, language, email="claire.martin@example")
        clock.advance(40)
        response = submit(client, school, data, language)
        assert response.status_code == 400
        assert 'id="id_email_error"' in page_text(response)

        again = form_data(response.content.decode())
        again["email"] = ["claire.martin@example.org"]
        clock.advance(1)
        response = submit(client, school, again, language)

        assert response.status_code == 302
        assert not QuarantinedRequest.objects.exists()
        inquiry = Inquiry.objects.for_school(school).get()
        assert inquiry.status == Inquiry.Status.NEW
        assert inquiry.reference in page_text(client.get(response["Location"]))
        acknowledgement = OutgoingEmail.objects.get(kind="acknowledgement")
        assert acknowledgement.to_email == "claire.martin@example.org"
        assert acknowledgement.status == OutgoingEmail.Status.QUEUED
        assert OutgoingEmail.objects.filter(kind="notification", to_email=school.main_email).exists()

    def test_after_a_fix_a_double_click_still_creates_one_dossier(self, school, clock):
        client = Client()
        data = filled_form(client, school, phone="appelez-moi")
        clock.advance(40)
        again = form_data(submit(client, school, data).content.decode())
        again["phone"] = ["06 12 34 56 78"]
        clock.advance(1)
        first, second = submit(client, school, again), submit(client, school, again)
        assert Inquiry.objects.count() == 1
        reference = Inquiry.objects.get().reference
        assert reference in page_text(client.get(first["Location"]))
        assert reference in page_text(client.get(second["Location"]))

    def test_a_robot_that_is_fast_from_its_first_page_stays_too_fast_after_an_error(self, school, clock):
        client = Client()
        data = filled_form(client, school, email="robot@example")
        clock.advance(0.5)
        again = form_data(submit(client, school, data).content.decode())
        again["email"] = ["robot@example.org"]
        clock.advance(0.5)
        response = submit(client, school, again)

        assert response.status_code == 302
        assert not Inquiry.objects.exists()
        assert not OutgoingEmail.objects.exists()
        assert QuarantinedRequest.objects.for_school(school).get().reason == "too_fast"

    @pytest.mark.parametrize("token", ["", "forged", "other_school", "tampered"])
    def test_a_page_of_errors_for_a_token_that_is_not_ours_starts_the_clock_there(
        self, school, other_school, clock, token
    ):
        client = Client()
        data = filled_form(client, school)
        if token == "other_school":
            data["form_token"] = form_data(client.get(form_url(other_school)).content.decode())["form_token"]
        elif token == "tampered":
            # A start an hour back, as the server would write it, but signed without its key.
            payload = {"n": "robot", "t": clock.now - 3600, "s": school.pk}
            data["form_token"] = [signing.dumps(payload, salt=form_token.SALT, key="not-the-server-key")]
        else:
            data["form_token"] = [token]
        clock.advance(40)
        response = submit(client, school, data)
        assert response.status_code == 400
        assert "Ce formulaire a expiré." in page_text(response)

        clock.advance(1)
        assert submit(client, school, form_data(response.content.decode())).status_code == 302
        assert not Inquiry.objects.exists()
        assert QuarantinedRequest.objects.for_school(school).get().reason == "too_fast"

    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_a_form_that_expired_while_she_wrote_is_taken_when_sent_again_at_once(
        self, school, settings, clock, language
    ):
        client = Client()
        data = filled_form(client, school, language)
        clock.advance(settings.MSEM_FORM_MAX_AGE_SECONDS + 600)
        response = submit(client, school, data, language)
        assert response.status_code == 400
        expired = "Ce formulaire a expiré." if language == "fr" else "This form has expired."
        assert expired in page_text(response)
        assert not Inquiry.objects.exists()

        clock.advance(1)
        response = submit(client, school, form_data(response.content.decode()), language)

        assert response.status_code == 302
        assert not QuarantinedRequest.objects.exists()
        inquiry = Inquiry.objects.for_school(school).get()
        assert inquiry.reference in page_text(client.get(response["Location"]))
        assert OutgoingEmail.objects.filter(kind="acknowledgement", to_email=inquiry.email).exists()

    def test_the_start_kept_is_never_older_than_a_token_lives(self, school, settings, clock):
        started_long_ago = clock.now - 10 * settings.MSEM_FORM_MAX_AGE_SECONDS
        raw = form_token.form_token_issue(school_id=school.pk, started_at=started_long_ago)
        token = form_token.form_token_read(raw, school_id=school.pk)
        assert token is not None
        assert token.age_seconds == pytest.approx(settings.MSEM_FORM_MAX_AGE_SECONDS)
