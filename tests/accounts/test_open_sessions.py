"""A user sees her open sessions and ends them one by one (ASVS 7.5.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from msem.accounts.models import UserSession
from msem.accounts.selectors import browser_label
from tests.factories import PASSWORD
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:password_change")
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)

CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def logged_in(email: str, user_agent: str, ip: str, enforce_csrf_checks: bool = False) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip, enforce_csrf_checks=enforce_csrf_checks)
    if enforce_csrf_checks:
        token = client.get("/backoffice/login/").cookies["csrftoken"].value
        data = {"email": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    else:
        data = {"email": email, "password": PASSWORD}
    assert client.post("/backoffice/login/", data).status_code == 302
    return client


def inquiries(school) -> str:
    return reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})


def test_the_page_lists_her_sessions_with_the_current_one_marked(manager, secretary):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    logged_in(manager.email, IPHONE, "198.51.100.9")
    logged_in(secretary.email, FIREFOX, "192.0.2.1")

    page = office.get(PAGE)
    text = page_text(page)

    assert "Mes sessions ouvertes" in text
    assert "Firefox · Windows" in text
    assert "203.0.113.7" in text
    assert "Safari · iOS" in text
    assert "198.51.100.9" in text
    assert "192.0.2.1" not in text  # a colleague's session
    assert page.content.decode().count('<span class="badge">Cette session</span>') == 1
    assert page.content.decode().count(">Fermer cette session</button>") == 1


def test_ending_one_session_logs_that_browser_out(manager, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    phone = logged_in(manager.email, IPHONE, "198.51.100.9")
    third = logged_in(manager.email, FIREFOX, "192.0.2.1")
    phone_row = UserSession.objects.get(ip_address="198.51.100.9")

    response = office.post(reverse("backoffice:session_end", args=[phone_row.pk]), follow=True)

    assert "La session a été fermée." in page_text(response)
    assert "198.51.100.9" not in page_text(response)
    assert phone.get(inquiries(school))["Location"].startswith("/backoffice/login/")
    assert office.get(inquiries(school)).status_code == 200
    assert third.get(inquiries(school)).status_code == 200


def test_ending_all_the_others(manager, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    others = [logged_in(manager.email, IPHONE, f"198.51.100.{n}") for n in (1, 2)]

    response = office.post(reverse("backoffice:sessions_end_others"), follow=True)

    assert "2 autres sessions ont été fermées." in page_text(response)
    assert all(other.get(inquiries(school))["Location"].startswith("/backoffice/login/") for other in others)
    assert office.get(inquiries(school)).status_code == 200


def test_another_users_session_cannot_be_ended(manager, secretary, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    colleague = logged_in(secretary.email, FIREFOX, "192.0.2.1")
    row = UserSession.objects.get(user=secretary)

    assert office.post(reverse("backoffice:session_end", args=[row.pk])).status_code == 404
    assert colleague.get(inquiries(school)).status_code == 200


def test_the_current_session_is_not_ended_from_the_list(manager, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    row = UserSession.objects.get(user=manager)

    assert office.post(reverse("backoffice:session_end", args=[row.pk])).status_code == 404
    assert office.get(inquiries(school)).status_code == 200


def test_logging_out_removes_the_session_from_the_list(manager):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    logged_in(manager.email, IPHONE, "198.51.100.9").post(reverse("backoffice:logout"))

    assert "198.51.100.9" not in page_text(office.get(PAGE))


def test_ending_needs_the_csrf_token(manager, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7", enforce_csrf_checks=True)
    phone = logged_in(manager.email, IPHONE, "198.51.100.9")
    row = UserSession.objects.get(ip_address="198.51.100.9")

    assert office.post(reverse("backoffice:session_end", args=[row.pk])).status_code == 403
    assert office.post(reverse("backoffice:sessions_end_others")).status_code == 403
    assert phone.get(inquiries(school)).status_code == 200


def test_reading_pages_writes_the_last_seen_time_at_most_once_a_minute(manager, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    office.get(inquiries(school))
    before = UserSession.objects.get(user=manager).last_seen_at

    office.get(inquiries(school))

    assert UserSession.objects.get(user=manager).last_seen_at == before


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (FIREFOX, "Firefox · Windows"),
        (IPHONE, "Safari · iOS"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Chrome · Linux",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "?"),
    ],
)
def test_the_browser_is_shortened(user_agent, label):
    assert browser_label(user_agent) == label


def test_after_a_password_change_the_list_keeps_only_this_session(manager, school):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")
    logged_in(manager.email, IPHONE, "198.51.100.9")
    new = "les enfants prennent leur cours tous les matins de la semaine, 9h !"

    office.post(PAGE, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    page = office.get(PAGE)

    assert "198.51.100.9" not in page_text(page)
    assert page.content.decode().count('<span class="badge">Cette session</span>') == 1
    row = UserSession.objects.get(user=manager)
    assert office.post(reverse("backoffice:session_end", args=[row.pk])).status_code == 404  # still the current one


def test_the_session_key_is_not_stored_in_the_list(manager):
    office = logged_in(manager.email, FIREFOX, "203.0.113.7")

    row = UserSession.objects.get(user=manager)

    assert office.session.session_key not in str(list(UserSession.objects.values()))
    assert len(row.key_hash) == 64


def test_rows_of_sessions_past_their_maximum_age_go_at_her_next_login(manager, settings):
    logged_in(manager.email, IPHONE, "198.51.100.9")
    UserSession.objects.update(created_at=timezone.now() - timedelta(hours=settings.MSEM_SESSION_MAX_HOURS, minutes=1))

    logged_in(manager.email, FIREFOX, "203.0.113.7")

    assert list(UserSession.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
