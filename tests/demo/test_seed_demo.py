from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from msem.accounts.models import Membership, Role, User
from msem.audit.models import AuditRecord
from msem.catalog.models import Catalog, Product
from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.demo.services import DEMO_REQUESTS
from msem.inquiries.dossier import status_change_allowed
from msem.inquiries.models import Category, Inquiry, InquiryEvent, QuarantinedRequest, Subject
from msem.inquiries.notifications import school_sender
from msem.inquiries.quarantine import quarantine_release
from msem.mailing.models import DeliveryAttempt, OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote, QuoteLine
from msem.sales.models import Sale
from msem.schools.models import School
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db


def test_creates_the_demo_school_and_its_two_logins(settings, capsys):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    assert Membership.objects.get(user__email="manager@demo.test", school=school).role == Role.MANAGER
    assert Membership.objects.get(user__email="secretaire@demo.test", school=school).role == Role.SECRETARY
    assert Subject.objects.for_school(school).live().count() >= 3
    assert Category.objects.for_school(school).filter(label_fr="Je ne sais pas").exists()
    assert Catalog.objects.for_school(school).count() == 2
    output = capsys.readouterr().out
    assert "manager@demo.test" in output
    assert "secretaire@demo.test" in output
    assert "password: demo" in output


def test_the_demo_logins_work(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    client = Client()
    response = client.post("/backoffice/login/", {"email": "manager@demo.test", "password": "demo"})
    assert response.status_code == 302
    assert client.get("/backoffice/demo/settings/").status_code == 200


def test_the_team_page_says_when_the_colleague_who_answered_the_season_last_came(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    client = Client()
    client.post("/backoffice/login/", {"email": "manager@demo.test", "password": "demo"})
    team = page_text(client.get("/backoffice/demo/team/"))
    assert "Julie Perrin" in team
    assert "Jamais" not in team


def test_running_it_twice_changes_nothing(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    seeded = _demo_rows()
    call_command("seed_demo")
    assert School.objects.filter(slug="demo").count() == 1
    assert User.objects.count() == 2
    assert _demo_rows() == seeded


def _demo_rows() -> dict[str, list]:
    return {
        "inquiries": list(Inquiry.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "events": list(InquiryEvent.objects.order_by("pk").values_list("pk", "kind", "created_at")),
        "emails": list(OutgoingEmail.objects.order_by("pk").values_list("pk", "status", "subject", "text_body")),
        "attempts": list(DeliveryAttempt.objects.order_by("pk").values_list("pk", "email_id", "outcome")),
        "held": list(QuarantinedRequest.objects.order_by("pk").values_list("pk", "email", "received_at")),
        "settings saved": list(AuditRecord.objects.order_by("pk").values_list("pk", "action", "created_at")),
    }


def test_the_settings_history_shows_the_managers_last_saves(settings):
    """A first look at "Historique des modifications" shows what it keeps, not "not changed yet"."""
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    client = Client()
    client.force_login(User.objects.get(email="manager@demo.test"))

    # The text as read: the words a save changed are marked up (<ins>, <del>) inside their sentence.
    page = strip_tags(page_text(client.get(f"/backoffice/{school.slug}/settings/history/")))

    assert "Les paramètres n’ont pas encore été modifiés" not in page
    assert page.count("par Hélène Favre") == 3
    # Newest first: the hamlet's category three days ago, the holiday hours, then the private lessons' address.
    hamlet = page.index("Hameau des Granges (1600) / Les Granges hamlet (1600)")
    hours = page.index("Pendant les vacances scolaires, notre bureau est ouvert tous les jours de 8 h 30 à 19 h.")
    hours_en = page.index("During the school holidays our office is open every day from 8.30 am to 7 pm.")
    address = page.index("Cours particuliers / Private lessons → prives@esf-valneige.demo.test")
    assert hamlet < min(hours, hours_en) < max(hours, hours_en) < address
    assert "Cours particuliers / Private lessons → info@esf-valneige.demo.test" in page
    today = timezone.localdate()
    saved_on = [timezone.localtime(r.created_at).date() for r in AuditRecord.objects.for_school(school)]
    assert saved_on == [today - timedelta(days=days) for days in (3, 6, 9)]


def test_the_demo_settings_saves_are_the_settings_pages_own(settings):
    """Each save starts where the one before ended, and the last one is the settings as the page shows them."""
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")

    first, second, third = AuditRecord.objects.for_school(school).order_by("created_at")

    assert {first.action, second.action, third.action} == {AuditRecord.Action.SETTINGS_SAVED}
    assert first.after == second.before
    assert second.after == third.before
    assert third.after == commercial_settings_snapshot(school=school)
    assert school.settings_version == 1 + 3  # a new school's, and one more for each save
    assert Subject.objects.for_school(school).get(label_fr="Cours particuliers").email == (
        "prives@esf-valneige.demo.test"
    )


def test_the_demo_holds_a_robots_request_and_a_familys_in_quarantine(settings):
    """A first look at "Indésirables" shows what it is for, not an empty page."""
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    manager = User.objects.get(email="manager@demo.test")
    client = Client()
    client.force_login(manager)

    page = client.get(f"/backoffice/{school.slug}/quarantine/").content.decode()
    assert "promo@cheap-links.example.com" in page
    assert "marie.lefevre@example.fr" in page
    held = QuarantinedRequest.objects.for_school(school)
    assert sorted(held.values_list("reason", flat=True)) == ["links", "too_fast"]

    # The family's request is a real one: let in, it becomes a dossier like any other.
    family = held.get(email="marie.lefevre@example.fr")
    inquiry = quarantine_release(school=school, actor=manager, quarantined_id=family.pk)
    assert inquiry.subject.label_fr == "Groupes, clubs et scolaires"
    assert inquiry.participants == 12
    assert Inquiry.objects.for_school(school).count() == DEMO_REQUESTS + 1


def test_demo_emails_are_written_and_delivered_as_the_app_does(settings):
    """Not "…" and "not tried yet": the school's texts in the client's language, an HTML part, the worker's attempt."""
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    inquiries = {inquiry.pk: inquiry for inquiry in Inquiry.objects.for_school(school).select_related("subject")}
    emails = OutgoingEmail.objects.for_school(school)
    assert not emails.filter(text_body="…").exists()
    kinds_by_dossier: dict[int, list[str]] = {}
    for event in InquiryEvent.objects.for_school(school).filter(kind=InquiryEvent.Kind.EMAIL).select_related("email"):
        email, inquiry = event.email, inquiries[event.inquiry_id]
        assert email is not None
        kinds_by_dossier.setdefault(inquiry.pk, []).append(email.kind)
        assert email.from_email == school_sender(school)
        assert "</html>" in email.html_body, email.kind
        if email.kind == OutgoingEmail.Kind.NOTIFICATION:
            assert email.to_email == inquiry.subject.email
            assert inquiry.reference in email.subject
            assert email.language == "fr"
            continue
        assert email.to_email == inquiry.email
        assert email.language == inquiry.language
        greeting = "Bonjour" if inquiry.language == "fr" else "Hello"
        assert email.text_body.startswith(f"{greeting} {inquiry.client_name},"), (inquiry.reference, email.kind)
        footer = school.legal_footer(inquiry.language).replace("{school_name}", school.name)
        assert email.text_body.endswith(f"{footer}\n")
        if email.kind == OutgoingEmail.Kind.ACKNOWLEDGEMENT:
            assert inquiry.reference in email.text_body
            assert email.headers.get("Auto-Submitted") == "auto-replied"
            assert email.reply_to == inquiry.subject.email
        elif email.kind == OutgoingEmail.Kind.QUOTE:
            quote = Quote.objects.get(inquiry=inquiry)
            assert quote.number in email.text_body
            assert f"/{inquiry.language}/{school.slug}/quote/{quote.link_token}/" in email.text_body
        elif email.kind == OutgoingEmail.Kind.PAYMENT_REQUEST:
            # The school's "Demande de paiement" text with the link the client paid through.
            payment_request = PaymentRequest.objects.for_school(school).get(quote__inquiry=inquiry)
            assert f"/{inquiry.language}/pay/" in email.text_body
            assert payment_request.quote.number in email.text_body or inquiry.reference in email.text_body
            assert email.reply_to == inquiry.subject.email
        else:
            assert email.kind == OutgoingEmail.Kind.REPLY
            assert email.reply_to == inquiry.subject.email
    # Every request was notified to its subject's address and acknowledged, the last days' ones too.
    for inquiry_pk, kinds in kinds_by_dossier.items():
        assert kinds.count(OutgoingEmail.Kind.NOTIFICATION) == 1, inquiries[inquiry_pk].reference
        assert kinds.count(OutgoingEmail.Kind.ACKNOWLEDGEMENT) == 1, inquiries[inquiry_pk].reference
    assert set(kinds_by_dossier) == set(inquiries)
    # Each e-mail marked sent went out in the one attempt the worker recorded.
    sent = emails.filter(status=OutgoingEmail.Status.SENT)
    assert sent.count() == emails.count()
    attempts = {attempt.email_id: attempt for attempt in DeliveryAttempt.objects.for_school(school)}
    assert set(attempts) == set(sent.values_list("pk", flat=True))
    for email in sent:
        attempt = attempts[email.pk]
        assert attempt.outcome == DeliveryAttempt.Outcome.SENT
        assert attempt.started_at < attempt.finished_at == email.sent_at
        assert email.created_at <= attempt.started_at or email.created_at == email.sent_at


def test_production_never_creates_it(settings):
    settings.MSEM_DEMO = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not School.objects.exists()


def test_the_demo_has_a_season_to_tell_and_work_still_to_do(settings):
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    now = timezone.now()
    inquiries = Inquiry.objects.for_school(school)

    assert inquiries.count() == DEMO_REQUESTS
    assert not inquiries.filter(received_at__gt=now).exists()
    assert inquiries.filter(first_answer_at__isnull=False).count() > DEMO_REQUESTS / 2
    assert Sale.objects.for_school(school).count() >= 10
    # A season's sales: none paid "just now", the minute the demo was made.
    assert not Sale.objects.for_school(school).filter(created_at__gt=now - timedelta(hours=1)).exists()
    # The last days' requests wait for the secretaries, untouched.
    recent = inquiries.filter(received_at__gte=now - timedelta(days=3))
    assert recent.exists()
    assert not Quote.objects.for_school(school).filter(inquiry__in=recent).exists()
    assert not recent.filter(first_answer_at__isnull=False).exists()
    # As the app does: whoever answered a dossier nobody had has taken it.
    assert not inquiries.filter(first_answer_at__isnull=False, assignee__isnull=True).exists()
    # Clients come for the winter: lessons from mid-December to mid-April, never before they asked.
    stays = list(inquiries.filter(arrival_date__isnull=False).values_list("received_at", "arrival_date"))
    assert len(stays) > DEMO_REQUESTS / 2
    for received_at, arrival in stays:
        assert arrival >= timezone.localdate(received_at) + timedelta(days=5)
        assert _in_the_winter(arrival), arrival
    lessons = QuoteLine.objects.for_school(school).values_list("start_date", "quote__sent_at")
    assert lessons
    for start, sent_at in lessons:
        assert _in_the_winter(start), start
        assert sent_at is None or start > timezone.localdate(sent_at)
    # Most come for the Christmas or the February holidays.
    holidays = [day for _received, day in stays if _in_the_holidays(day)]
    assert len(holidays) > len(stays) / 2


def _in_the_winter(day: date) -> bool:
    return (day.month, day.day) >= (12, 12) or (day.month, day.day) <= (4, 12)


def _in_the_holidays(day: date) -> bool:
    """Christmas to New Year, or the four weeks of the February holidays."""
    at = (day.month, day.day)
    return at >= (12, 19) or at <= (1, 3) or (2, 6) <= at <= (3, 7)


def test_the_demo_dossiers_timelines_tell_how_they_reached_their_state(settings):
    """A dossier "in progress" and assigned shows who took it and when, as the app records it."""
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    now = timezone.now()
    inquiries = Inquiry.objects.for_school(school).select_related("assignee")
    events: dict[int, list[InquiryEvent]] = {}
    for event in InquiryEvent.objects.for_school(school).order_by("created_at", "id"):
        events.setdefault(event.inquiry_id, []).append(event)

    for inquiry in inquiries:
        timeline = events[inquiry.pk]
        assert timeline[0].kind == InquiryEvent.Kind.RECEIVED
        assert all(inquiry.received_at <= event.created_at <= now for event in timeline), inquiry.reference
        # Replayed in order, the status changes start from "new", follow the app's rules and end in its status.
        status = Inquiry.Status.NEW
        answered_at = None
        for event in timeline:
            # A secretary's answer moves the dossier on (at the same moment, as the app records it), never "new".
            if answered_at is not None and event.created_at > answered_at:
                assert status != Inquiry.Status.NEW, inquiry.reference
            if event.kind == InquiryEvent.Kind.EMAIL and event.actor_id is not None and answered_at is None:
                answered_at = event.created_at
            if event.kind == InquiryEvent.Kind.STATUS_CHANGED:
                assert event.data["before"] == status, inquiry.reference
                after = event.data["after"]
                assert after == Inquiry.Status.PAID or status_change_allowed(status, after), inquiry.reference
                status = after
        assert status == inquiry.status, inquiry.reference
        if answered_at is not None:
            assert status != Inquiry.Status.NEW, inquiry.reference
        assignments = [event for event in timeline if event.kind == InquiryEvent.Kind.ASSIGNED]
        if inquiry.assignee is None:
            assert assignments == [], inquiry.reference
        else:
            assert assignments[-1].data == {"before": None, "after": str(inquiry.assignee)}, inquiry.reference
            assert assignments[-1].actor is not None
        archived = [event.created_at for event in timeline if event.kind == InquiryEvent.Kind.ARCHIVED]
        assert archived == ([inquiry.archived_at] if inquiry.archived_at else []), inquiry.reference
        if inquiry.archived_at:
            assert timeline[-1].kind == InquiryEvent.Kind.ARCHIVED, inquiry.reference

    in_progress = inquiries.filter(status=Inquiry.Status.IN_PROGRESS)
    assert in_progress.exists()  # so that the checks below check something
    for inquiry in in_progress:
        kinds = [event.kind for event in events[inquiry.pk]]
        assert InquiryEvent.Kind.ASSIGNED in kinds
        assert InquiryEvent.Kind.STATUS_CHANGED in kinds
    # Paid dossiers show their quote sent, then paid.
    for inquiry in inquiries.filter(status=Inquiry.Status.PAID):
        actions = [event.data["action"] for event in events[inquiry.pk] if event.kind == InquiryEvent.Kind.QUOTE]
        assert actions == ["created", "sent", "accepted", "paid"], inquiry.reference


def test_the_demos_french_texts_use_the_typographic_apostrophe(settings):
    """ "l’an dernier", not "l'an dernier": the demo's French reads as the app's own French does."""
    settings.MSEM_DEMO = True
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    french = [
        *Inquiry.objects.for_school(school).filter(language="fr").values_list("message", flat=True),
        *(held.data.get("message", "") for held in QuarantinedRequest.objects.for_school(school)),
        *(note.data["text"] for note in InquiryEvent.objects.for_school(school).filter(kind=InquiryEvent.Kind.NOTE)),
        *OutgoingEmail.objects.filter(school=school, language="fr").values_list("text_body", flat=True),
        *Catalog.objects.for_school(school).values_list("account_name", flat=True),
        *(
            f"{name} {description}"
            for name, description in Product.objects.for_school(school).values_list("name_fr", "description_fr")
        ),
        *QuoteLine.objects.for_school(school).values_list("name_fr", flat=True),
    ]
    assert len(french) > DEMO_REQUESTS / 2
    # An English client's message, quoted in the French e-mail that tells the school of it, stays as written.
    english = {
        line
        for text in Inquiry.objects.for_school(school).filter(language="en").values_list("message", flat=True)
        for line in text.splitlines()
    }
    straight = sorted({line for text in french for line in text.splitlines() if "'" in line and line not in english})
    assert straight == []
