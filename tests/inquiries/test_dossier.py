"""What secretaries do to a dossier, through the services: each change leaves its trace."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from msem.accounts.team import membership_invite
from msem.inquiries.dossier import (
    DossierConflict,
    PanelChange,
    inquiries_archive,
    inquiries_take,
    inquiry_merge,
    inquiry_note_add,
    inquiry_panel_update,
    inquiry_reply,
    inquiry_take,
)
from msem.inquiries.models import Category, Inquiry, InquiryEvent, Subject
from msem.mailing.models import OutgoingEmail
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiry(school):
    return receive_inquiry(school)


@pytest.fixture
def village(school):
    return Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village")


@pytest.fixture
def groups(school):
    return Subject.objects.create(school=school, label_fr="Groupes", label_en="Groups", email="groupes@valneige.test")


def change(inquiry: Inquiry, **values) -> PanelChange:
    current = {
        "category": inquiry.category,
        "subject": inquiry.subject,
        "assignee": inquiry.assignee,
        "status": inquiry.status,
    }
    return PanelChange(**(current | values))


def events(inquiry: Inquiry, kind: str) -> list[InquiryEvent]:
    return list(InquiryEvent.objects.filter(inquiry=inquiry, kind=kind))


class TestPanel:
    def test_reassigning_writes_one_event_per_change_with_who(self, school, inquiry, manager, secretary, village):
        updated = inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, category=village, assignee=secretary, status=Inquiry.Status.IN_PROGRESS),
        )

        assert (updated.category, updated.assignee, updated.status) == (village, secretary, "in_progress")
        assert updated.version == inquiry.version + 1
        [category_event] = events(inquiry, "category_changed")
        assert category_event.actor == manager
        assert category_event.data == {"before": None, "after": {"fr": "Village", "en": "Village"}}
        assert events(inquiry, "assigned")[0].data["after"] == str(secretary)
        assert events(inquiry, "status_changed")[0].data == {"before": "new", "after": "in_progress"}

    def test_a_colleague_who_cannot_log_in_is_refused_as_assignee_and_nothing_is_stored(self, school, inquiry, manager):
        invited = membership_invite(
            school=school,
            actor=manager,
            email="julie@valneige.test",
            full_name="Julie",
            role="secretary",
            language="fr",
        ).membership.user
        with pytest.raises(ValidationError) as refused:
            inquiry_panel_update(
                school=school,
                actor=manager,
                inquiry_id=inquiry.pk,
                expected_version=inquiry.version,
                change=change(inquiry, assignee=invited, status=Inquiry.Status.IN_PROGRESS),
            )
        assert refused.value.messages == [
            "Julie n’a pas encore rejoint l’équipe (invitation en attente)\u00a0: "
            "on pourra lui confier des dossiers une fois son mot de passe choisi."
        ]
        inquiry.refresh_from_db()
        assert (inquiry.assignee, inquiry.status, inquiry.version) == (None, "new", 1)
        assert events(inquiry, "assigned") == []

        invited.set_password("choisi-par-elle-2026")
        invited.is_active = False
        invited.save()
        with pytest.raises(ValidationError, match="désactivé"):
            inquiry_panel_update(
                school=school,
                actor=manager,
                inquiry_id=inquiry.pk,
                expected_version=inquiry.version,
                change=change(inquiry, assignee=invited),
            )

        invited.is_active = True
        invited.save()
        updated = inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, assignee=invited),
        )
        assert updated.assignee == invited

    def test_nothing_changed_writes_nothing(self, school, inquiry, manager):
        inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry),
        )
        inquiry.refresh_from_db()
        assert inquiry.version == 1
        assert InquiryEvent.objects.filter(inquiry=inquiry).exclude(kind__in=["received", "email"]).count() == 0

    def test_the_second_of_two_simultaneous_changes_is_refused(self, school, inquiry, manager, secretary, village):
        seen = inquiry.version
        inquiry_panel_update(
            school=school,
            actor=secretary,
            inquiry_id=inquiry.pk,
            expected_version=seen,
            change=change(inquiry, category=village),
        )
        with pytest.raises(DossierConflict):
            inquiry_panel_update(
                school=school,
                actor=manager,
                inquiry_id=inquiry.pk,
                expected_version=seen,
                change=change(inquiry, status=Inquiry.Status.LOST),
            )
        inquiry.refresh_from_db()
        assert (inquiry.category, inquiry.status) == (village, "new")

    @pytest.mark.parametrize(("start", "target"), [("won", "lost"), ("lost", "waiting_for_client"), ("won", "new")])
    def test_only_allowed_status_transitions(self, school, inquiry, manager, start, target):
        Inquiry.objects.filter(pk=inquiry.pk).update(status=start)
        inquiry.refresh_from_db()
        with pytest.raises(ValidationError):
            inquiry_panel_update(
                school=school,
                actor=manager,
                inquiry_id=inquiry.pk,
                expected_version=inquiry.version,
                change=change(inquiry, status=target),
            )

    def test_a_closed_dossier_can_be_reopened(self, school, inquiry, manager):
        Inquiry.objects.filter(pk=inquiry.pk).update(status="won")
        inquiry.refresh_from_db()
        updated = inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, status="in_progress"),
        )
        assert updated.status == "in_progress"

    def test_another_schools_category_subject_or_person_is_refused(
        self, school, other_school, inquiry, manager, other_manager
    ):
        foreign_category = Category.objects.create(school=other_school, code="x", label_fr="X", label_en="X")
        foreign_subject = Subject.objects.for_school(other_school).get()
        for bad in ({"category": foreign_category}, {"subject": foreign_subject}, {"assignee": other_manager}):
            with pytest.raises(ValidationError):
                inquiry_panel_update(
                    school=school,
                    actor=manager,
                    inquiry_id=inquiry.pk,
                    expected_version=inquiry.version,
                    change=change(inquiry, **bad),
                )

    def test_someone_of_another_school_cannot_touch_the_dossier(self, school, inquiry, other_manager):
        with pytest.raises(PermissionDenied):
            inquiry_panel_update(
                school=school, actor=other_manager, inquiry_id=inquiry.pk, expected_version=1, change=change(inquiry)
            )

    def test_a_new_subject_can_forward_the_request_to_its_address(self, school, inquiry, manager, groups):
        inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, subject=groups, forward_notification=True),
        )
        forwarded = OutgoingEmail.objects.get(kind="notification", to_email="groupes@valneige.test")
        assert manager.full_name in forwarded.text_body
        assert events(inquiry, "subject_changed")[0].data["after"] == {"fr": "Groupes", "en": "Groups"}

    def test_without_forwarding_no_email_leaves(self, school, inquiry, manager, groups):
        inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, subject=groups, forward_notification=False),
        )
        assert not OutgoingEmail.objects.filter(to_email="groupes@valneige.test").exists()


class TestNotesAndReplies:
    def test_a_note_is_in_the_timeline(self, school, inquiry, secretary):
        inquiry_note_add(school=school, actor=secretary, inquiry_id=inquiry.pk, text="  Rappeler demain matin  ")
        [note] = events(inquiry, "note")
        assert (note.actor, note.data["text"]) == (secretary, "Rappeler demain matin")

    def test_an_empty_note_is_refused(self, school, inquiry, secretary):
        with pytest.raises(ValidationError):
            inquiry_note_add(school=school, actor=secretary, inquiry_id=inquiry.pk, text="   ")

    def test_a_reply_goes_out_in_the_clients_language_with_signature_and_footer(self, school, secretary):
        inquiry = receive_inquiry(school, language="en")
        OutgoingEmail.objects.all().delete()

        email = inquiry_reply(
            school=school,
            actor=secretary,
            inquiry_id=inquiry.pk,
            subject="Your request {reference}",
            body="Hello {client_name},\n\nWe have places on 28 December at 9:00.",
        )

        assert (email.kind, email.language, email.to_email) == ("reply", "en", inquiry.email)
        assert email.subject == f"Your request {inquiry.reference}"
        assert email.text_body.startswith("Hello Claire Martin,\n\nWe have places")
        assert "The ESF Val Neige team" in email.text_body
        assert "GDPR" in email.text_body
        assert email.reply_to == inquiry.subject.email
        [event] = events(inquiry, "email")[-1:]
        assert (event.email, event.actor) == (email, secretary)
        inquiry.refresh_from_db()
        assert inquiry.status == Inquiry.Status.WAITING_FOR_CLIENT

    @pytest.mark.parametrize("body", ["Bonjour Claire Martin,\n\n", "Hello Claire Martin,", "Bonjour {client_name},"])
    def test_a_reply_that_is_only_the_greeting_sends_nothing(self, school, inquiry, secretary, body):
        before = OutgoingEmail.objects.count(), InquiryEvent.objects.count()
        with pytest.raises(ValidationError) as refused:
            inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body=body)
        assert refused.value.code == "greeting_only"
        assert (OutgoingEmail.objects.count(), InquiryEvent.objects.count()) == before

    def test_a_greeting_with_an_answer_on_the_same_line_is_sent(self, school, inquiry, secretary):
        email = inquiry_reply(
            school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="Bonjour Claire Martin, oui !"
        )
        # The space she typed before « ! » is sent as a no-break one (French typography, see mail_compose).
        assert email.text_body.startswith("Bonjour Claire Martin, oui\u202f!")

    def test_a_reply_with_an_unknown_placeholder_sends_nothing(self, school, inquiry, secretary):
        before = OutgoingEmail.objects.count()
        with pytest.raises(ValidationError):
            inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="{prix}")
        assert OutgoingEmail.objects.count() == before


class TestTakenOnTheFirstAnswer:
    """Whoever answers a dossier nobody had takes it: her colleagues see that someone is on it."""

    def test_a_reply_to_a_dossier_nobody_had_makes_it_hers(self, school, inquiry, secretary):
        inquiry_reply(
            school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="Oui, il reste de la place."
        )

        inquiry.refresh_from_db()
        assert (inquiry.assignee, inquiry.status) == (secretary, Inquiry.Status.WAITING_FOR_CLIENT)
        [taken] = events(inquiry, "assigned")
        assert (taken.actor, taken.data) == (secretary, {"before": None, "after": str(secretary)})
        # Taken, then the client's turn, in the order the timeline shows them.
        kinds = list(
            InquiryEvent.objects.filter(inquiry=inquiry).order_by("created_at", "id").values_list("kind", flat=True)
        )
        assert kinds[-2:] == ["assigned", "status_changed"]

    def test_a_colleagues_dossier_stays_hers(self, school, inquiry, manager, secretary):
        inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, assignee=manager),
        )
        inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="Je vous rappelle.")

        inquiry.refresh_from_db()
        assert inquiry.assignee == manager
        assert len(events(inquiry, "assigned")) == 1

    def test_answering_again_changes_nothing_more(self, school, inquiry, secretary):
        inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="Première réponse.")
        version = Inquiry.objects.get(pk=inquiry.pk).version
        inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="Deuxième réponse.")

        assert Inquiry.objects.get(pk=inquiry.pk).version == version
        assert len(events(inquiry, "assigned")) == 1

    def test_a_refused_reply_takes_nothing(self, school, inquiry, secretary):
        with pytest.raises(ValidationError):
            inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Re", body="{prix}")
        inquiry.refresh_from_db()
        assert inquiry.assignee is None
        assert not events(inquiry, "assigned")


class TestTake:
    """ "I'll take it": a secretary takes a dossier nobody has."""

    def test_a_new_dossier_becomes_hers_and_in_progress(self, school, inquiry, secretary):
        taken = inquiry_take(school=school, actor=secretary, inquiry_id=inquiry.pk)

        assert (taken.assignee, taken.status) == (secretary, Inquiry.Status.IN_PROGRESS)
        assert taken.version == inquiry.version + 1
        [assigned] = events(inquiry, "assigned")
        [moved] = events(inquiry, "status_changed")
        assert (assigned.actor, assigned.data["after"]) == (secretary, str(secretary))
        assert (moved.data["before"], moved.data["after"]) == ("new", "in_progress")

    def test_a_dossier_waiting_for_the_client_keeps_its_status(self, school, inquiry, manager, secretary):
        inquiry_panel_update(
            school=school,
            actor=manager,
            inquiry_id=inquiry.pk,
            expected_version=inquiry.version,
            change=change(inquiry, status=Inquiry.Status.WAITING_FOR_CLIENT),
        )
        taken = inquiry_take(school=school, actor=secretary, inquiry_id=inquiry.pk)
        assert (taken.assignee, taken.status) == (secretary, Inquiry.Status.WAITING_FOR_CLIENT)

    def test_a_colleague_who_took_it_first_keeps_it(self, school, inquiry, manager, secretary):
        inquiry_take(school=school, actor=manager, inquiry_id=inquiry.pk)
        before = InquiryEvent.objects.count()

        with pytest.raises(ValidationError) as refused:
            inquiry_take(school=school, actor=secretary, inquiry_id=inquiry.pk)

        assert refused.value.code == "taken"
        assert str(manager) in refused.value.messages[0]
        assert Inquiry.objects.get(pk=inquiry.pk).assignee == manager
        assert InquiryEvent.objects.count() == before

    def test_a_second_click_changes_nothing(self, school, inquiry, secretary):
        inquiry_take(school=school, actor=secretary, inquiry_id=inquiry.pk)
        version = Inquiry.objects.get(pk=inquiry.pk).version
        inquiry_take(school=school, actor=secretary, inquiry_id=inquiry.pk)
        assert Inquiry.objects.get(pk=inquiry.pk).version == version
        assert len(events(inquiry, "assigned")) == 1

    def test_someone_of_another_school_cannot_take_it(self, school, inquiry, other_manager):
        with pytest.raises(PermissionDenied):
            inquiry_take(school=school, actor=other_manager, inquiry_id=inquiry.pk)
        assert Inquiry.objects.get(pk=inquiry.pk).assignee is None


class TestTakeTheSelection:
    """ "I'll take the selection" in the inbox: the ticked dossiers nobody has become hers."""

    def test_takes_those_nobody_has_and_leaves_the_others(self, school, other_school, manager, secretary):
        free = [receive_inquiry(school, email=f"c{n}@example.org") for n in range(2)]
        colleagues = receive_inquiry(school, email="taken@example.org")
        inquiry_take(school=school, actor=manager, inquiry_id=colleagues.pk)
        hers = receive_inquiry(school, email="hers@example.org")
        inquiry_take(school=school, actor=secretary, inquiry_id=hers.pk)
        archived = receive_inquiry(school, email="archived@example.org")
        inquiries_archive(school=school, actor=manager, inquiry_ids=[archived.pk])
        foreign = receive_inquiry(other_school)

        selection = inquiries_take(
            school=school,
            actor=secretary,
            inquiry_ids=[i.pk for i in (*free, colleagues, hers, archived, foreign)],
        )

        assert (selection.taken, selection.someone_elses) == (2, 1)
        for inquiry in free:
            inquiry.refresh_from_db()
            assert (inquiry.assignee, inquiry.status) == (secretary, Inquiry.Status.IN_PROGRESS)
            [assigned] = events(inquiry, "assigned")
            assert assigned.actor == secretary
            assert len(events(inquiry, "status_changed")) == 1
        assert Inquiry.objects.get(pk=colleagues.pk).assignee == manager
        assert len(events(hers, "assigned")) == 1
        assert Inquiry.objects.get(pk=archived.pk).assignee is None
        assert Inquiry.objects.get(pk=foreign.pk).assignee is None

    def test_someone_of_another_school_takes_nothing(self, school, inquiry, other_manager):
        with pytest.raises(PermissionDenied):
            inquiries_take(school=school, actor=other_manager, inquiry_ids=[inquiry.pk])
        assert Inquiry.objects.get(pk=inquiry.pk).assignee is None


class TestArchive:
    def test_in_bulk_only_this_schools_dossiers(self, school, other_school, manager):
        own = [receive_inquiry(school, email=f"c{n}@example.org") for n in range(3)]
        foreign = receive_inquiry(other_school)

        count = inquiries_archive(school=school, actor=manager, inquiry_ids=[i.pk for i in own] + [foreign.pk])

        assert count == 3
        assert Inquiry.objects.filter(archived_at__isnull=False).count() == 3
        foreign.refresh_from_db()
        assert foreign.archived_at is None
        assert len(events(own[0], "archived")) == 1

    def test_archiving_twice_changes_nothing_and_unarchiving_brings_it_back(self, school, inquiry, manager):
        assert inquiries_archive(school=school, actor=manager, inquiry_ids=[inquiry.pk]) == 1
        assert inquiries_archive(school=school, actor=manager, inquiry_ids=[inquiry.pk]) == 0
        assert inquiries_archive(school=school, actor=manager, inquiry_ids=[inquiry.pk], archive=False) == 1
        inquiry.refresh_from_db()
        assert inquiry.archived_at is None


class TestMerge:
    def test_the_duplicates_timeline_joins_and_nothing_is_lost(self, school, manager):
        target = receive_inquiry(school, message="Cours privés le 28 ?")
        duplicate = receive_inquiry(school, message="Finalement aussi le 29, merci", participants=3)
        inquiry_note_add(school=school, actor=manager, inquiry_id=duplicate.pk, text="Client rappelé")
        moved = InquiryEvent.objects.filter(inquiry=duplicate).count()

        merged = inquiry_merge(school=school, actor=manager, target_id=target.pk, duplicate_id=duplicate.pk)

        assert merged == target
        assert InquiryEvent.objects.filter(inquiry=target, kind="note", data__text="Client rappelé").exists()
        [record] = events(target, "merged")
        assert record.data["reference"] == duplicate.reference
        assert record.data["message"] == "Finalement aussi le 29, merci"
        assert record.data["participants"] == 3
        assert InquiryEvent.objects.filter(inquiry=target).count() >= moved + 1
        duplicate.refresh_from_db()
        assert duplicate.merged_into == target
        assert duplicate.archived_at is not None

    def test_merging_into_itself_or_twice_is_refused(self, school, manager):
        target = receive_inquiry(school)
        duplicate = receive_inquiry(school)
        with pytest.raises(ValidationError):
            inquiry_merge(school=school, actor=manager, target_id=target.pk, duplicate_id=target.pk)
        inquiry_merge(school=school, actor=manager, target_id=target.pk, duplicate_id=duplicate.pk)
        with pytest.raises(ValidationError):
            inquiry_merge(school=school, actor=manager, target_id=target.pk, duplicate_id=duplicate.pk)

    def test_a_dossier_of_another_school_cannot_be_merged(self, school, other_school, manager):
        target = receive_inquiry(school)
        foreign = receive_inquiry(other_school)
        with pytest.raises(Inquiry.DoesNotExist):
            inquiry_merge(school=school, actor=manager, target_id=target.pk, duplicate_id=foreign.pk)
