"""Her own account's pages (password, two-step verification) keep the school's menu; the login's steps don't have it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msem.accounts import totp
from msem.accounts.models import Role, User
from tests.accounts.test_two_factor import codes_on, enrolled, next_code, password_step, secret_on
from tests.factories import MembershipFactory, UserFactory
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db

PASSWORD_PAGE = reverse("backoffice:password_change")
TWO_STEP = reverse("backoffice:two_factor")
TWO_STEP_ENROL = reverse("backoffice:two_factor_enrol")
NEW_CODES = reverse("backoffice:two_factor_codes")
LOGIN_ENROL = reverse("backoffice:login_enrol")
LOGIN_VERIFY = reverse("backoffice:login_verify")


def menu(response) -> str:
    """The side menu of the page, or "" when it has none."""
    html = page_text(response)
    if '<nav class="sidebar"' not in html:
        return ""
    start = html.index('<nav class="sidebar"')
    return html[start : html.index("</nav>", start)]


def inbox(school) -> str:
    return reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})


@pytest.mark.parametrize(
    "case",
    [
        (language, section, page)
        for language, section in [("fr", "GESTION COMMERCIALE"), ("en", "COMMERCIAL MANAGEMENT")]
        for page in [PASSWORD_PAGE, TWO_STEP, TWO_STEP_ENROL]
    ],
)
def test_her_account_pages_show_her_schools_menu(secretary, secretary_client, school, case):
    language, section, page = case
    secretary.language = language
    secretary.save(update_fields=["language"])

    response = secretary_client.get(page)

    assert response.status_code == 200
    shown = menu(response)
    assert section in shown
    assert f'href="{inbox(school)}"' in shown  # a way back to her requests
    assert 'aria-current="page"' not in shown  # none of its entries is this page
    assert "school-switcher" in response.content.decode()  # and the school she is in, at the top


def test_the_recovery_codes_pages_show_it_too(secretary, school):
    client = Client()
    client.force_login(secretary)
    key = secret_on(client.get(TWO_STEP_ENROL))

    turned_on = client.post(TWO_STEP_ENROL, {"code": totp.totp(key)})
    assert len(codes_on(turned_on)) == 10
    assert f'href="{inbox(school)}"' in menu(turned_on)

    new_codes = client.post(NEW_CODES, {"code": next_code(secretary, key)})
    assert len(codes_on(new_codes)) == 10
    assert f'href="{inbox(school)}"' in menu(new_codes)

    wrong_code = client.post(NEW_CODES, {"code": "000000"})  # her status page again, with the error
    assert wrong_code.status_code == 400
    assert f'href="{inbox(school)}"' in menu(wrong_code)


def test_with_two_schools_the_menu_is_the_one_she_was_working_on(secretary, secretary_client, school, other_school):
    MembershipFactory(school=other_school, user=secretary, role=Role.SECRETARY)

    secretary_client.get(inbox(other_school))
    shown = menu(secretary_client.get(PASSWORD_PAGE))
    assert f'href="{inbox(other_school)}"' in shown
    assert f'href="{inbox(school)}"' not in shown

    secretary_client.get(inbox(school))
    assert f'href="{inbox(school)}"' in menu(secretary_client.get(TWO_STEP))


def test_the_logins_two_step_pages_have_no_menu(secretary, school, settings):
    """She is not through the login yet: nothing of the back office to offer."""
    settings.MSEM_TWO_FACTOR_REQUIRED = "everyone"
    client = Client()
    assert password_step(client, secretary.email)["Location"] == LOGIN_ENROL
    enrolment = client.get(LOGIN_ENROL)
    assert "Configurer la validation en deux étapes" in page_text(enrolment)
    assert menu(enrolment) == ""

    # The last step of the login: she is logged in now, but the page still belongs to the login.
    codes = client.post(LOGIN_ENROL, {"code": totp.totp(secret_on(enrolment))})
    assert len(codes_on(codes)) == 10
    assert menu(codes) == ""

    again = Client()
    assert password_step(again, secretary.email)["Location"] == LOGIN_VERIFY
    verification = again.get(LOGIN_VERIFY)
    assert "Validation en deux étapes" in page_text(verification)
    assert menu(verification) == ""


def test_the_login_code_step_of_someone_who_turned_it_on_has_no_menu(secretary, school):
    enrolled(secretary)
    client = Client()
    assert password_step(client, secretary.email)["Location"] == LOGIN_VERIFY
    assert menu(client.get(LOGIN_VERIFY)) == ""


def test_no_menu_while_a_temporary_password_holds_her_on_the_password_page(secretary, secretary_client, school):
    """Every entry of the menu would bring her back to it."""
    User.objects.filter(pk=secretary.pk).update(password_is_temporary=True)
    response = secretary_client.get(PASSWORD_PAGE)
    assert response.status_code == 200
    assert menu(response) == ""
    assert secretary_client.get(inbox(school))["Location"] == PASSWORD_PAGE


def test_no_menu_for_someone_of_no_school(school):
    client = Client()
    client.force_login(UserFactory(email="nobody@staff.test"))
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 200
    assert menu(response) == ""


def test_in_english_the_logins_steps_lead_back_to_the_login_page(secretary, school, settings):
    """ "Back to the login" on the two-step pages, "Back to the login page" on the forgotten password's."""
    settings.MSEM_TWO_FACTOR_REQUIRED = "everyone"
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen on the login page
    assert password_step(client, secretary.email)["Location"] == LOGIN_ENROL
    enrolment = page_text(client.get(LOGIN_ENROL))
    assert "Set up two-step verification" in enrolment
    forgotten = page_text(client.get(reverse("backoffice:password_reset")))

    for page in (enrolment, forgotten):
        assert ">Back to the login page</a>" in page
