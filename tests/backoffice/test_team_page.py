"""Équipe over HTTP: a manager lists, invites, changes roles and removes; a secretary and another school can't."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from msem.accounts.models import Membership, Role, User
from msem.accounts.team import membership_invite
from msem.accounts.two_factor_models import SecondFactor
from msem.audit.models import AuditRecord
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from msem.platform.first_of_month import date_format
from tests.factories import MembershipFactory
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db


def team_url(school) -> str:
    return f"/backoffice/{school.slug}/team/"


def member_url(school, membership) -> str:
    return f"/backoffice/{school.slug}/team/{membership.pk}/"


def invite_data(**overrides) -> dict[str, str]:
    return {
        "email": "anna@valneige.test",
        "first_name": "Anna",
        "last_name": "Martin",
        "role": Role.SECRETARY,
        "language": "fr",
        **overrides,
    }


def membership_of(school, user) -> Membership:
    return Membership.objects.for_school(school).get(user=user)


class TestTheList:
    def test_the_manager_sees_her_team_with_role_access_two_step_and_last_login(self, school, manager, secretary):
        User.objects.filter(pk=secretary.pk).update(last_login=timezone.now())
        SecondFactor.objects.create(user=manager, sealed_secret="x", confirmed_at=timezone.now())
        pending = MembershipFactory(school=school, user__email="new@valneige.test").user
        pending.set_unusable_password()
        pending.save()
        client = Client()
        client.force_login(manager)
        User.objects.filter(pk=manager.pk).update(last_login=None)

        response = client.get(team_url(school))

        assert response.status_code == 200
        text = page_text(response)
        for email in (manager.email, secretary.email, "new@valneige.test"):
            assert email in text
        assert "Responsable" in text
        assert "Secrétaire" in text
        assert text.count("Invitation en attente") == 1
        assert "Renvoyer l’invitation" in text
        assert 'aria-current="page"' in text
        assert "Équipe" in text

    def test_the_access_column_agrees_with_its_heading_actif_not_active(self, manager_client, school, secretary):
        """QA: under « Accès » (masculine) the badge said « Active »."""
        text = page_text(manager_client.get(team_url(school)))
        assert '<th role="columnheader" scope="col">Accès</th>' in text
        assert text.count('<span class="badge badge-success">Actif</span>') == 2
        assert ">Active<" not in text

    def test_the_menu_shows_team_to_managers_only(self, manager_client, secretary_client, school):
        link = f'href="{team_url(school)}"'
        assert link in manager_client.get(f"/backoffice/{school.slug}/inquiries/").content.decode()
        assert link not in secretary_client.get(f"/backoffice/{school.slug}/inquiries/").content.decode()

    def test_in_english(self, manager, school):
        manager.language = "en"
        manager.save()
        client = Client()
        client.force_login(manager)
        text = page_text(client.get(team_url(school), HTTP_ACCEPT_LANGUAGE="en"))
        assert "Team" in text
        assert "Invite someone" in text
        assert "Manager" in text

    def test_in_english_a_colleague_is_they_not_she(self, manager, secretary, school):
        """The English said "She receives an e-mail to choose her password" of anyone invited, a man too."""
        manager.language = "en"
        manager.save()
        client = Client()
        client.force_login(manager)
        text = page_text(client.get(team_url(school), HTTP_ACCEPT_LANGUAGE="en"))

        assert "They receive an e-mail to choose a password." in text
        assert "Also the language of their back office, which they can change." in text
        assert "They will no longer have access to this school; their open dossiers" in text
        for gendered in ("She ", " she ", " her ", " hers"):
            assert gendered not in text


class TestRefusals:
    def test_a_secretary_gets_403_everywhere(self, secretary_client, school, manager):
        assert secretary_client.get(team_url(school)).status_code == 403
        assert secretary_client.post(team_url(school), invite_data()).status_code == 403
        response = secretary_client.post(member_url(school, membership_of(school, manager)), {"action": "remove"})
        assert response.status_code == 403
        assert Membership.objects.for_school(school).count() == 2
        assert not User.objects.filter(email="anna@valneige.test").exists()

    def test_another_schools_manager_gets_404(self, school, manager, other_manager):
        client = Client()
        client.force_login(other_manager)
        assert client.get(team_url(school)).status_code == 404

    def test_another_schools_member_id_is_404(self, manager_client, school, other_school, other_manager):
        theirs = membership_of(other_school, other_manager)
        for action in ("remove", "role", "resend"):
            response = manager_client.post(member_url(school, theirs), {"action": action, "role": Role.SECRETARY})
            assert response.status_code == 404
        assert membership_of(other_school, other_manager).role == Role.MANAGER

    def test_csrf_is_required(self, manager, school):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        assert client.post(team_url(school), invite_data()).status_code == 403
        assert not User.objects.filter(email="anna@valneige.test").exists()


class TestInvite:
    def test_inviting_queues_the_invitation_and_lists_her_pending(self, manager_client, school, settings):
        response = manager_client.post(team_url(school), invite_data(), follow=True)

        text = page_text(response)
        assert "Invitation envoyée à anna@valneige.test" in text
        assert "invitée" not in text
        assert "Invitation en attente" in text
        email = OutgoingEmail.objects.for_school(school).get(to_email="anna@valneige.test")
        assert email.kind == OutgoingEmail.Kind.INVITATION
        assert f"{settings.MSEM_BASE_URL}/backoffice/invitation/" in email.text_body
        assert "Anna Martin" in email.text_body
        assert User.objects.get(email="anna@valneige.test").full_name == "Anna Martin"

    def test_someone_with_an_account_elsewhere_is_told_added_without_guessing_who_she_is(
        self, manager_client, school, other_school
    ):
        MembershipFactory(school=other_school, user__email="marc@autre.test")

        response = manager_client.post(team_url(school), invite_data(email="marc@autre.test"), follow=True)

        text = page_text(response)
        assert "marc@autre.test avait déjà un compte Msem\u00a0: l’accès à cette école s’y ajoute" in text
        assert "elle a maintenant accès" not in text

    @pytest.mark.parametrize(
        ("overrides", "error"),
        [
            ({"email": "not-an-address"}, "Saisissez une adresse e-mail valide"),
            ({"email": "anna@valneige.test\r\nBcc: x@evil.test"}, "Saisissez une adresse e-mail valide"),
            ({"first_name": "Anna\r\nBcc: x@evil.test"}, "Les retours à la ligne"),
            ({"last_name": "M" * 60}, "au plus 59 caractères"),
            ({"email": "a" * 250 + "@x.fr"}, "au plus 254 caractères"),
            ({"role": "owner"}, "Sélectionnez un choix valide"),
        ],
    )
    def test_bad_input_is_refused_in_french_and_nothing_is_stored(self, manager_client, school, overrides, error):
        response = manager_client.post(team_url(school), invite_data(**overrides))
        assert response.status_code == 400
        assert error in page_text(response)
        assert Membership.objects.for_school(school).count() == 1
        assert not OutgoingEmail.objects.exists()
        assert not AuditRecord.objects.exists()

    def test_a_member_already_gets_a_clear_error(self, manager_client, school, secretary):
        response = manager_client.post(team_url(school), invite_data(email=secretary.email))
        assert response.status_code == 400
        assert f"{secretary.email} fait déjà partie de l’équipe" in page_text(response)
        assert not OutgoingEmail.objects.exists()


class TestMemberActions:
    def test_role_change_and_removal(self, manager_client, school, secretary):
        membership = membership_of(school, secretary)
        response = manager_client.post(
            member_url(school, membership), {"action": "role", "role": Role.MANAGER}, follow=True
        )
        assert "est maintenant\u00a0: Responsable" in page_text(response)
        assert membership_of(school, secretary).role == Role.MANAGER

        response = manager_client.post(member_url(school, membership), {"action": "remove"}, follow=True)
        assert "n’a plus accès à cette école" in page_text(response)
        assert not Membership.objects.for_school(school).filter(user=secretary).exists()

    def test_the_last_manager_is_told_why_she_cannot_leave(self, manager_client, school, manager):
        response = manager_client.post(
            member_url(school, membership_of(school, manager)), {"action": "remove"}, follow=True
        )
        assert "L’école doit garder au moins un responsable" in page_text(response)
        assert membership_of(school, manager).role == Role.MANAGER

    def test_a_manager_who_steps_down_lands_on_the_requests(self, manager_client, school, manager, secretary):
        membership_of(school, secretary).__class__.objects.for_school(school).filter(user=secretary).update(
            role=Role.MANAGER
        )
        response = manager_client.post(
            member_url(school, membership_of(school, manager)), {"action": "role", "role": Role.SECRETARY}
        )
        assert response.url == f"/backoffice/{school.slug}/inquiries/"
        assert manager_client.get(team_url(school)).status_code == 403

    def test_the_removal_button_asks_for_confirmation(self, manager_client, school, secretary):
        text = page_text(manager_client.get(team_url(school)))
        assert f'data-confirm="Retirer {secretary.full_name} de ESF Val Neige' in text

    def test_the_changes_are_in_the_history(self, manager_client, school, secretary):
        manager_client.post(team_url(school), invite_data())
        membership = membership_of(school, secretary)
        manager_client.post(member_url(school, membership), {"action": "role", "role": Role.MANAGER})
        manager_client.post(member_url(school, membership), {"action": "remove"})

        text = page_text(manager_client.get(f"/backoffice/{school.slug}/settings/history/"))

        assert "Membre de l’équipe invité" in text
        assert "anna@valneige.test" in text
        assert "Secrétaire → Responsable" in text
        assert "Membre retiré de l’équipe" in text
        assert secretary.email in text


def member_row(response, email: str) -> str:
    """The HTML of her row of the table, entities decoded."""
    row = re.search(rf'<tr role="row" data-member="{re.escape(email)}">(.*?)</tr>', page_text(response), re.DOTALL)
    assert row, f"no row for {email}"
    return row.group(1)


def deliver() -> None:
    outbox_deliver(time_budget=10)


class TestWhatBecameOfTheInvitation:
    """A pending member's row says what became of her latest invitation e-mail, with the resend button beside it."""

    def test_refused_by_the_mail_server_the_row_says_so_with_its_answer(self, manager_client, school, smtp_server):
        smtp_server.handler.data_answer = "550 5.1.1 <anna@valneige.test>: Recipient address rejected: User unknown"
        manager_client.post(team_url(school), invite_data())
        deliver()

        row = member_row(manager_client.get(team_url(school)), "anna@valneige.test")

        assert "Invitation en attente" in row
        assert "E-mail non remis" in row
        assert (
            "Réponse du serveur de messagerie\u00a0: 550 5.1.1 <anna@valneige.test>: Recipient address rejected" in row
        )
        assert "Renvoyer l’invitation" in row
        assert "/backoffice/invitation/" not in row  # the link in the e-mail opens her account: never on the page

    def test_a_temporary_refusal_is_retried_and_says_so(self, manager_client, school, smtp_server):
        smtp_server.handler.data_answer = "451 4.3.0 Mailbox temporarily unavailable"
        manager_client.post(team_url(school), invite_data())
        deliver()

        row = member_row(manager_client.get(team_url(school)), "anna@valneige.test")

        assert "Pas encore remis, nouvel essai prévu" in row
        assert "451 4.3.0 Mailbox temporarily unavailable" in row
        assert "Renvoyer l’invitation" not in row  # a new one would not leave sooner

    def test_sent_with_its_date_then_the_resend_is_waiting(self, manager_client, school, smtp_server):
        manager_client.post(team_url(school), invite_data())
        row = member_row(manager_client.get(team_url(school)), "anna@valneige.test")
        assert "E-mail en attente d’envoi" in row
        assert "Renvoyer l’invitation" not in row

        deliver()
        sent = OutgoingEmail.objects.for_school(school).get(to_email="anna@valneige.test")
        row = member_row(manager_client.get(team_url(school)), "anna@valneige.test")
        assert sent.status == OutgoingEmail.Status.SENT
        with translation.override("fr"):
            when = date_format(timezone.localtime(sent.sent_at), "DATETIME_FORMAT")
        assert "E-mail envoyé</span> <time datetime=" in row
        assert when in row
        assert "Réponse du serveur" not in row
        assert "Renvoyer l’invitation" in row

        manager_client.post(
            member_url(school, membership_of(school, User.objects.get(email="anna@valneige.test"))),
            {"action": "resend"},
        )
        row = member_row(manager_client.get(team_url(school)), "anna@valneige.test")
        assert "E-mail en attente d’envoi" in row  # the latest e-mail, the resent one
        assert "E-mail envoyé" not in row

    def test_only_this_schools_invitation_counts(
        self, manager_client, school, other_school, other_manager, smtp_server
    ):
        # Another school invited her first; its e-mail failed. This school's went out: its row says sent.
        smtp_server.handler.data_answer = "550 5.1.1 User unknown"
        membership_invite(
            school=other_school,
            actor=other_manager,
            email="anna@valneige.test",
            full_name="Anna",
            role=Role.SECRETARY,
            language="fr",
        )
        deliver()
        smtp_server.handler.data_answer = None
        manager_client.post(team_url(school), invite_data())
        deliver()

        row = member_row(manager_client.get(team_url(school)), "anna@valneige.test")

        assert "E-mail envoyé" in row
        assert "User unknown" not in row

    def test_active_members_show_no_e_mail_state(self, manager_client, school, secretary, smtp_server):
        text = member_row(manager_client.get(team_url(school)), secretary.email)
        assert "Actif" in text
        assert "E-mail" not in text
        assert "Renvoyer l’invitation" not in text

    def test_in_english(self, manager, school, smtp_server):
        manager.language = "en"
        manager.save()
        client = Client()
        client.force_login(manager)
        smtp_server.handler.data_answer = "550 5.1.1 User unknown"
        client.post(team_url(school), invite_data(language="en"))
        deliver()

        row = member_row(client.get(team_url(school), HTTP_ACCEPT_LANGUAGE="en"), "anna@valneige.test")

        assert "Invitation pending" in row
        assert "E-mail not delivered" in row
        assert "The mail server answered: 550 5.1.1 User unknown" in row
        assert "Resend the invitation" in row

    def test_one_query_for_the_e_mails_of_the_whole_team(self, manager_client, school):
        def page_queries() -> list[str]:
            with CaptureQueriesContext(connection) as queries:
                assert manager_client.get(team_url(school)).status_code == 200
            return [query["sql"] for query in queries.captured_queries]

        manager_client.post(team_url(school), invite_data(email="one@valneige.test"))
        with_one = page_queries()
        for number in range(2, 6):
            manager_client.post(team_url(school), invite_data(email=f"member{number}@valneige.test"))
        with_five = page_queries()

        assert len(with_five) == len(with_one)
        assert len([sql for sql in with_five if '"mailing_outgoingemail"' in sql]) == 1
