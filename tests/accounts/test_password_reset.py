"""A forgotten password (ASVS 6.4.3): a link by e-mail, the same answer for any address, single use, short-lived."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse

from msem.mailing.models import OutgoingEmail
from tests.factories import PASSWORD, MembershipFactory
from tests.html_forms import page_text
from tests.log_lines import json_lines_of

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:password_reset")
NEW = "les enfants prennent leur cours tous les matins de la semaine, 9h !"


def ask(email: str, client: Client | None = None, ip: str = "203.0.113.7"):
    return (client or Client()).post(PAGE, {"email": email}, REMOTE_ADDR=ip)


def link_of(email: OutgoingEmail) -> str:
    match = re.search(r"https?://[^/\s]+(/backoffice/reset/[^\s]+/)", email.text_body)
    assert match, email.text_body
    return match.group(1)


def choose(link: str, password: str, client: Client | None = None):
    """Open the link, then type the new password twice on the page it leads to."""
    client = client or Client()
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def logs_in(email: str, password: str) -> bool:
    return Client().post("/backoffice/login/", {"email": email, "password": password}).status_code == 302


def resets() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.PASSWORD_RESET).order_by("pk"))


def test_the_login_page_offers_it():
    page = Client().get("/backoffice/login/").content.decode()

    assert f'href="{PAGE}"' in page
    assert "Mot de passe oublié\u202f?" in page


def test_a_known_and_an_unknown_address_get_the_same_answer(manager):
    known = ask(manager.email)
    unknown = ask("nobody@nowhere.test")

    assert known.status_code == unknown.status_code == 200
    assert page_text(known) == page_text(unknown)
    assert "Si cette adresse correspond à un compte" in page_text(known)
    assert [email.to_email for email in resets()] == [manager.email]


def test_the_page_and_the_email_give_the_link_the_same_lifetime(manager, settings):
    """The page said "for an hour" whatever PASSWORD_RESET_TIMEOUT, where the e-mail said its minutes."""
    settings.PASSWORD_RESET_TIMEOUT = 30 * 60
    answer = page_text(ask(manager.email))

    (email,) = resets()
    assert "Le lien fonctionne une fois, pendant 30 minutes." in answer
    assert "Le lien fonctionne une fois, pendant 30 minutes." in email.text_body
    assert "une heure" not in answer


def test_a_disabled_account_gets_no_email(manager):
    manager.is_active = False
    manager.save()

    assert ask(manager.email).status_code == 200
    assert resets() == []


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("fr", "[Msem] Réinitialiser votre mot de passe", "Le lien fonctionne une fois, pendant 60 minutes."),
        ("en", "[Msem] Reset your password", "The link works once, for 60 minutes."),
    ],
)
def test_the_email_is_in_the_users_language(school, language, subject, sentence):
    user = MembershipFactory(school=school, user__email="anna@valneige.test", user__language=language).user

    ask(user.email)

    (email,) = resets()
    assert (email.language, email.subject) == (language, subject)
    assert sentence in email.text_body
    assert email.status == OutgoingEmail.Status.QUEUED


def test_the_link_sets_a_new_password_once(manager):
    ask(manager.email)
    link = link_of(resets()[0])

    client = Client()
    opened = client.get(link)
    assert opened["Referrer-Policy"] == "no-referrer"
    assert "no-store" in opened["Cache-Control"]
    page = client.get(opened["Location"])  # the form's address has no token in it
    assert page.status_code == 200
    assert "Choisir un nouveau mot de passe" in page_text(page)
    assert "no-store" in page["Cache-Control"]
    assert link.rstrip("/").rsplit("/", 1)[-1] not in opened["Location"]
    response = client.post(opened["Location"], {"new_password1": NEW, "new_password2": NEW})

    assert response["Location"] == "/backoffice/login/"
    assert logs_in(manager.email, NEW)
    assert not logs_in(manager.email, PASSWORD)
    again = choose(link, "another sentence that is long enough for the policy")
    assert again.status_code == 400
    assert "Ce lien ne fonctionne plus" in page_text(again)
    assert logs_in(manager.email, NEW)


def test_the_link_expires_after_an_hour(manager, monkeypatch):
    ask(manager.email)
    link = link_of(resets()[0])

    monkeypatch.setattr(default_token_generator, "_now", lambda: datetime.now() + timedelta(minutes=61))

    dead = Client().get(link)
    assert dead.status_code == 400
    assert dead["Referrer-Policy"] == "no-referrer"
    assert choose(link, NEW).status_code == 400
    assert logs_in(manager.email, PASSWORD)


def test_the_link_dies_when_the_password_changes(manager):
    ask(manager.email)
    link = link_of(resets()[0])
    manager.set_password("un autre mot de passe assez long pour passer")
    manager.save()

    assert "Ce lien ne fonctionne plus" in page_text(Client().get(link))


def test_a_weak_password_is_refused_with_the_reason_and_nothing_changes(manager):
    ask(manager.email)
    link = link_of(resets()[0])

    response = choose(link, "qwertyuiop")

    assert response.status_code == 400
    assert "Ce mot de passe est trop courant" in page_text(response)
    assert logs_in(manager.email, PASSWORD)


def test_every_session_ends_after_a_reset(manager, school):
    office = Client()
    office.post("/backoffice/login/", {"email": manager.email, "password": PASSWORD})
    url = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})
    assert office.get(url).status_code == 200

    with json_lines_of("msem.security") as lines:
        ask(manager.email)
        choose(link_of(resets()[0]), NEW)

    assert office.get(url)["Location"].startswith("/backoffice/login/")
    assert any('"event": "password_reset.completed"' in line for line in lines)


def test_requests_are_throttled_per_address(manager):
    for _ in range(3):
        assert ask(manager.email).status_code == 200

    refused = ask(manager.email, ip="198.51.100.9")

    assert refused.status_code == 429
    assert "Trop de demandes" in page_text(refused)
    assert len(resets()) == 3


def test_requests_are_throttled_per_ip_address(db):
    for number in range(10):
        assert ask(f"someone{number}@nowhere.test").status_code == 200

    assert ask("someone-else@nowhere.test").status_code == 429
    assert ask("someone-else@nowhere.test", ip="198.51.100.9").status_code == 200


def test_the_token_stays_out_of_the_logs(manager):
    ask(manager.email)
    link = link_of(resets()[0])
    token = link.rstrip("/").rsplit("/", 1)[-1]

    with json_lines_of("django") as django_lines, json_lines_of("msem") as msem_lines:
        choose(link, "qwertyuiop")
        Client().get(link.replace(token, token[:-3] + "xyz"))
        Client().get(link + "nothing-here/")

    lines = django_lines + msem_lines
    assert lines
    assert not any(token in line for line in lines)


def test_the_form_page_without_the_link_is_a_dead_end(manager):
    ask(manager.email)
    link = link_of(resets()[0])
    uid = link.split("/")[3]

    response = Client().post(
        reverse("backoffice:password_reset_set", kwargs={"uidb64": uid}), {"new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 400
    assert logs_in(manager.email, PASSWORD)


def test_the_new_password_form_needs_the_csrf_token(manager):
    ask(manager.email)
    client = Client(enforce_csrf_checks=True)
    opened = client.get(link_of(resets()[0]))

    response = client.post(opened["Location"], {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 403
    assert logs_in(manager.email, PASSWORD)


def test_the_form_needs_the_csrf_token(manager):
    response = Client(enforce_csrf_checks=True).post(PAGE, {"email": manager.email})

    assert response.status_code == 403
    assert resets() == []


def test_her_colleagues_never_see_the_link_in_the_schools_emails(manager, secretary, school):
    ask(secretary.email)
    (email,) = resets()
    colleague = Client()
    colleague.force_login(manager)

    listing = colleague.get(reverse("backoffice:emails", kwargs={"school_slug": school.slug}))
    detail = colleague.get(reverse("backoffice:email", kwargs={"school_slug": school.slug, "email_id": email.pk}))

    assert link_of(email) not in listing.content.decode()
    assert secretary.email not in page_text(listing)
    assert detail.status_code == 404
