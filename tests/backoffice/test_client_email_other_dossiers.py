"""The client's address corrected on one dossier, and on her other open dossiers of the school if the secretary says so.

A client who mistyped her address on the form has often written twice (a second request, another week):
the same typo is on each dossier. The secretary is offered to correct it on the other open ones too, each
with its own line in its own timeline; archived dossiers and other schools' are never touched.
"""

from __future__ import annotations

import pytest

from msem.inquiries.dossier import inquiries_archive, inquiry_client_email_correct
from msem.inquiries.models import Inquiry, InquiryEvent
from tests.backoffice.test_client_email_correction import RIGHT, TYPO, dossier_url, speaking
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db

OFFER = {
    "fr": "Corriger aussi sur les 2 autres dossiers ouverts de ce client ({first}, {second})",
    "en": "Also correct it on this client's 2 other open dossiers ({first}, {second})",
}
DONE = {
    "fr": "L’adresse du client est maintenant {email}, sur ce dossier et sur les 2 autres\u00a0: {first}, {second}.",
    "en": "The client's address is now {email}, on this dossier and on the 2 others: {first}, {second}.",
}


@pytest.fixture
def dossiers(school, other_school, secretary):
    """Claire's dossier, her two other open ones, one archived; and
    a dossier of another school at the same address."""
    claire = receive_inquiry(school, email=TYPO)
    second = receive_inquiry(school, email=TYPO, first_name="Claire", message="Et pour février ?")
    third = receive_inquiry(school, email=TYPO)
    archived = receive_inquiry(school, email=TYPO)
    inquiries_archive(school=school, actor=secretary, inquiry_ids=[archived.pk], archive=True)
    theirs = receive_inquiry(other_school, email=TYPO)
    return {"claire": claire, "others": [second, third], "archived": archived, "theirs": theirs}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_other_open_dossiers_are_corrected_too_each_in_its_timeline(
    secretary_client, secretary, school, dossiers, language
):
    speaking(secretary, language)
    claire, (second, third) = dossiers["claire"], dossiers["others"]
    references = {"first": second.reference, "second": third.reference}

    page = secretary_client.get(dossier_url(school, claire)).content.decode()
    assert OFFER[language].format(**references) in page

    response = secretary_client.post(
        dossier_url(school, claire) + "client-email/", {"email": RIGHT, "also_others": "1"}
    )

    assert response.status_code == 302
    page = secretary_client.get(response["Location"]).content.decode()
    assert DONE[language].format(email=RIGHT, **references).replace("'", "&#x27;") in page
    for other in (second, third):
        other.refresh_from_db()
        assert other.email == RIGHT
        event = InquiryEvent.objects.get(inquiry=other, kind=InquiryEvent.Kind.CLIENT_EMAIL_CORRECTED)
        assert event.actor == secretary
        assert (event.data["before"], event.data["after"]) == (TYPO, RIGHT)
        assert event.data["along_with"] == claire.reference
    timeline = secretary_client.get(dossier_url(school, second)).content.decode()
    with_dossier = {"fr": "(avec le dossier {})", "en": "(with dossier {})"}[language]
    assert with_dossier.format(claire.reference) in timeline


def test_archived_dossiers_and_another_schools_are_left_as_they_are(secretary_client, school, dossiers):
    claire, archived, theirs = dossiers["claire"], dossiers["archived"], dossiers["theirs"]
    before = list(Inquiry.objects.filter(pk__in=[archived.pk, theirs.pk]).order_by("pk").values())

    response = secretary_client.post(
        dossier_url(school, claire) + "client-email/", {"email": RIGHT, "also_others": "1"}
    )

    assert response.status_code == 302
    assert list(Inquiry.objects.filter(pk__in=[archived.pk, theirs.pk]).order_by("pk").values()) == before
    assert not InquiryEvent.objects.filter(
        inquiry__in=[archived, theirs], kind=InquiryEvent.Kind.CLIENT_EMAIL_CORRECTED
    ).exists()
    # Claire's dossier and her two open ones only.
    assert Inquiry.objects.filter(email=RIGHT).count() == 3


def test_the_service_corrects_no_dossier_of_another_school_even_when_named(secretary, school, dossiers):
    claire, archived, theirs = dossiers["claire"], dossiers["archived"], dossiers["theirs"]

    corrected = inquiry_client_email_correct(
        school=school, actor=secretary, inquiry_id=claire.pk, email=RIGHT, other_dossier_ids=[theirs.pk, archived.pk]
    )

    assert corrected.others == []
    for untouched in (theirs, archived):
        untouched.refresh_from_db()
        assert untouched.email == TYPO
    assert (
        not InquiryEvent.objects.filter(inquiry=theirs).filter(kind=InquiryEvent.Kind.CLIENT_EMAIL_CORRECTED).exists()
    )


def test_unticked_only_this_dossier_is_corrected_and_the_others_still_offer_it(
    secretary_client, secretary, school, dossiers
):
    speaking(secretary, "en")
    claire, (second, third) = dossiers["claire"], dossiers["others"]

    response = secretary_client.post(dossier_url(school, claire) + "client-email/", {"email": RIGHT})

    assert response.status_code == 302
    page = secretary_client.get(response["Location"]).content.decode()
    assert f"The client&#x27;s address is now {RIGHT}." in page
    for other in (second, third):
        other.refresh_from_db()
        assert other.email == TYPO
    # At its new address the dossier has no other: nothing more is offered there.
    assert 'name="also_others"' not in page
    # The second dossier, still at the mistyped address, offers to correct the third: the one left.
    page = secretary_client.get(dossier_url(school, second)).content.decode()
    assert f"Also correct it on this client's other open dossier ({third.reference})" in page
