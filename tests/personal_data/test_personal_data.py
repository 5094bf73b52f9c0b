"""A manager exports, then erases, one client's data: what leaves, what stays, who can."""

from __future__ import annotations

import html
import json

import pytest
from django.test import Client
from django.urls import reverse

from msem.audit.models import AuditRecord
from msem.inquiries.dossier import inquiry_note_add, inquiry_reply
from msem.inquiries.models import Inquiry, InquiryEvent, QuarantinedRequest
from msem.inquiries.quarantine import quarantine_put
from msem.mailing.models import OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.payments.services import payment_record
from msem.sales.models import Sale
from tests.inquiries.helpers import intake_data, receive_inquiry
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db
CLIENT = "claire.martin@example.org"


def url(school) -> str:
    return reverse("backoffice:personal_data", kwargs={"school_slug": school.slug})


@pytest.fixture
def claires_history(school, manager, other_school):
    """Two dossiers, a note, a reply, a paid quote, an open payment link, a held request; and a namesake elsewhere."""
    first = receive_inquiry(school, email=CLIENT, first_name="Claire", last_name="Martin", phone="06 12 34 56 78")
    second = receive_inquiry(school, email="Claire.Martin@example.org", message="Et pour Noël ?")
    inquiry_note_add(school=school, actor=manager, inquiry_id=first.pk, text="Claire a deux enfants, Léo et Zoé.")
    inquiry_reply(school=school, actor=manager, inquiry_id=first.pk, subject="Vos cours", body="Bonjour Claire")
    paid = sent_quote(school, manager, inquiry=first)
    request = payment_request(school, manager, paid)
    payment_record(
        school=school,
        payment_request_id=request.pk,
        provider="sandbox",
        provider_reference="p-1",
        amount=request.amount,
    )
    payment_request(school, manager, sent_quote(school, manager, inquiry=second))
    quarantine_put(school=school, data=intake_data(school, email=CLIENT), reason="too_fast")
    elsewhere = receive_inquiry(other_school, email=CLIENT, first_name="Claire", message="Pour l'autre station")
    return {"first": first, "second": second, "elsewhere": elsewhere}


class TestFinding:
    def test_the_summary_counts_what_the_school_holds(self, manager_client, school, claires_history):
        response = manager_client.post(url(school), {"email": "CLAIRE.martin@example.org", "action": "find"})

        page = response.content.decode()
        assert response.status_code == 200
        assert claires_history["first"].reference in page
        assert claires_history["second"].reference in page
        assert "2 dossiers" in page
        assert "1 vente" in page

    def test_a_bad_address_is_refused_in_words(self, manager_client, school):
        response = manager_client.post(url(school), {"email": "pas une adresse", "action": "find"})
        assert response.status_code == 400
        assert "Saisissez une adresse e-mail valide." in response.content.decode()

    def test_secretaries_cannot(self, secretary, school):
        client = Client()
        client.force_login(secretary)
        assert client.get(url(school)).status_code == 403
        assert client.post(url(school), {"email": CLIENT, "action": "export"}).status_code == 403


class TestExport:
    def test_everything_about_the_client_in_one_json_document(self, manager_client, school, claires_history):
        response = manager_client.post(url(school), {"email": CLIENT, "action": "export"})

        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="msem-')
        document = json.loads(response.content)
        assert [dossier["reference"] for dossier in document["dossiers"]] == [
            claires_history["first"].reference,
            claires_history["second"].reference,
        ]
        first = document["dossiers"][0]
        assert (first["first_name"], first["phone"]) == ("Claire", "06 12 34 56 78")
        assert any(event.get("text") == "Claire a deux enfants, Léo et Zoé." for event in first["timeline"])
        assert {email["kind"] for email in document["emails"]} >= {"acknowledgement", "reply", "quote"}
        assert len(document["sales"]) == 1
        assert document["sales"][0]["client_email"] == CLIENT
        assert len(document["quarantined_requests"]) == 1
        # Nothing from the other school, even for the same address.
        assert "Pour l'autre station" not in response.content.decode()

    def test_the_export_is_on_record_without_the_address(self, manager_client, school, manager, claires_history):
        manager_client.post(url(school), {"email": CLIENT, "action": "export"})

        record = AuditRecord.objects.for_school(school).get(action="personal_data.exported")
        assert record.actor == manager
        assert CLIENT not in json.dumps(record.after)
        assert claires_history["first"].reference in record.after["dossiers"]


class TestErasure:
    def test_nothing_happens_without_the_confirmation(self, manager_client, school, claires_history):
        response = manager_client.post(url(school), {"email": CLIENT, "action": "erase"})

        assert response.status_code == 400
        assert "Cochez la case" in response.content.decode()
        assert Inquiry.objects.for_school(school).filter(email__iexact=CLIENT).count() == 2

    def test_the_person_leaves_the_dossiers_stay(self, manager_client, school, claires_history):
        response = manager_client.post(url(school), {"email": CLIENT, "action": "erase", "confirm": "on"}, follow=True)

        assert "Effacé\u00a0: 2 dossiers, " in response.content.decode()
        for key in ("first", "second"):
            inquiry = Inquiry.objects.for_school(school).get(pk=claires_history[key].pk)
            assert (inquiry.first_name, inquiry.last_name, inquiry.phone, inquiry.message) == ("", "", "", "")
            assert inquiry.email.endswith("@erased.invalid")
            assert inquiry.personal_data_erased_at is not None
            assert "claire" not in inquiry.search_text
        note = InquiryEvent.objects.for_school(school).get(kind="note", inquiry=claires_history["first"])
        assert note.data == {"erased": True}
        for email in OutgoingEmail.objects.for_school(school).filter(
            pk__in=InquiryEvent.objects.for_school(school).filter(email__isnull=False).values("email_id")
        ):
            assert CLIENT not in email.to_email
            assert (email.subject, email.text_body, email.html_body) == ("", "", "")
        assert not QuarantinedRequest.objects.for_school(school).exists()

    def test_emails_waiting_are_not_sent_and_open_payment_links_stop(self, manager_client, school, claires_history):
        manager_client.post(url(school), {"email": CLIENT, "action": "erase", "confirm": "on"})

        assert not OutgoingEmail.objects.for_school(school).filter(status="queued").exists()
        assert not PaymentRequest.objects.for_school(school).filter(status="pending").exists()

    def test_sales_are_kept_for_the_accounts(self, manager_client, school, claires_history):
        response = manager_client.post(url(school), {"email": CLIENT, "action": "erase", "confirm": "on"}, follow=True)

        sale = Sale.objects.for_school(school).get()
        assert sale.client_email == CLIENT
        assert "1 vente conservée avec le nom du client" in response.content.decode()

    def test_in_english_each_count_agrees_with_its_noun(self, manager, school, claires_history):
        """ "Erased: 2 dossier(s), 4 e-mail(s), 1 quarantined request(s)." read like a form to fill in."""
        manager.language = "en"
        manager.save()
        client = Client()
        client.force_login(manager)

        response = client.post(
            url(school), {"email": CLIENT, "action": "erase", "confirm": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )

        page = response.content.decode()
        assert "(s)" not in page
        assert "Erased: 2 dossiers, " in page
        assert " e-mails, 1 quarantined request." in page
        assert "1 sale kept with the client&#x27;s name: an accounting record the school must keep." in page

    def test_one_sale_kept_is_said_in_the_singular(self, manager, school, claires_history):
        """ "1 vente — conservées à l'effacement : pièces comptables": the plural whatever the count."""
        manager.language = "en"
        manager.save()
        client = Client()
        client.force_login(manager)

        page = html.unescape(client.post(url(school), {"email": CLIENT, "action": "find"}).content.decode())

        assert "1 sale — kept when erasing: an accounting record the school must keep (10 years)" in page

    def test_a_client_with_a_sale_is_erased_in_4807_by_hand_and_the_page_says_so(
        self, manager, school, claires_history
    ):
        manager.language = "en"
        manager.save()
        client = Client()
        client.force_login(manager)

        page = html.unescape(client.post(url(school), {"email": CLIENT, "action": "find"}).content.decode())

        assert "Msem erases nothing in 4807: if the client asks, erase their bookings there too" in page

    def test_another_school_keeps_its_own(self, manager_client, school, claires_history):
        manager_client.post(url(school), {"email": CLIENT, "action": "erase", "confirm": "on"})

        elsewhere = Inquiry.objects.get(pk=claires_history["elsewhere"].pk)
        assert (elsewhere.email, elsewhere.first_name) == (CLIENT, "Claire")

    def test_the_erasure_is_on_record_and_the_dossier_says_so(self, manager_client, school, claires_history):
        manager_client.post(url(school), {"email": CLIENT, "action": "erase", "confirm": "on"})

        record = AuditRecord.objects.for_school(school).get(action="personal_data.erased")
        assert CLIENT not in json.dumps(record.after)
        page = manager_client.get(
            reverse(
                "backoffice:inquiry",
                kwargs={"school_slug": school.slug, "reference": claires_history["first"].reference},
            )
        ).content.decode()
        assert "ont été effacées le" in page
        assert "Léo et Zoé" not in page


class TestHistory:
    def test_the_settings_history_says_what_was_exported_and_erased(self, manager_client, school, claires_history):
        manager_client.post(url(school), {"email": CLIENT, "action": "export"})
        manager_client.post(url(school), {"email": CLIENT, "action": "erase", "confirm": "on"})

        page = manager_client.get(reverse("backoffice:settings_history", kwargs={"school_slug": school.slug}))

        text = page.content.decode()
        assert "Aucune modification visible" not in text
        assert "Données personnelles d’un client exportées" in text
        assert "Données personnelles d’un client effacées" in text
        for reference in (claires_history["first"].reference, claires_history["second"].reference):
            dossier = reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": reference})
            assert text.count(f'href="{dossier}"') == 2  # once for the export, once for the erasure
        assert CLIENT not in text
