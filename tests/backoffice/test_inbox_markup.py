"""The inbox's and the dossier page's markup written in Python is the markup Django's templates write.

The search zone's widgets, the dossier panel's selects and the rows' dates are
composed without templates for speed (docs/performance.md, "Inbox"): a
secretary, her screen reader and the browser tests must not see a difference.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.http import QueryDict
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape
from django.utils.translation import pgettext

from msem.accounts.models import Membership, Role, User
from msem.backoffice.inbox_forms import InboxFilterForm
from msem.backoffice.inbox_rows import ReceivedShort, RowDateFormat, StayShort
from msem.backoffice.inbox_search import search_widgets
from msem.inquiries.models import Category, Inquiry, Subject
from msem.platform.first_of_month import date_format, day_number
from msem.platform.widgets import (
    PlainCheckboxInput,
    PlainHiddenInput,
    PlainSelect,
    PlainTextarea,
    PlainTextInput,
)
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def django_widgets(form: InboxFilterForm) -> dict[str, str]:
    """What list.html wrote before: each widget through Django's templates."""
    widgets = {name: str(form[name]) for name in ("q", "received_from", "received_to")}
    widgets |= {name: str(form[name]) for name in ("subject", "assignee", "language", "archived", "sort")}
    for name in ("category", "status"):
        widgets[name] = "".join(
            f'<label class="check">{choice.tag()} {conditional_escape(choice.choice_label)}</label>'
            for choice in form[name]
        )
    return widgets


@pytest.fixture
def labelled(school, secretary):
    """Labels a template must escape, and a colleague known by her e-mail only."""
    Category.objects.create(school=school, code="tom-jerry", label_fr="Tom & <Jerry>", label_en="Tom's")
    Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village resort")
    Subject.objects.create(school=school, label_fr="Cours « privés » & co", label_en='"Private"', email="a@b.test")
    colleague = User.objects.create_user("sans-nom@school.test", "x", full_name="")
    Membership.objects.create(school=school, user=colleague, role=Role.SECRETARY)
    return colleague


QUERIES = [
    "",
    "f=1",
    "f=1&category=village&category=tom-jerry&status=new&status=won&language=en&assignee=me&archived=all"
    "&sort=oldest&received_from=2025-01-01&received_to=2025-03-31&q=a%3Cb%22+%26+c",
    # Errors: an unknown subject and status, dates the wrong way round, a multi-line search, a bad cursor.
    "f=1&subject=999999&status=bogus&received_from=2025-02-01&received_to=2025-01-01&q=a%0Ab&after=zzz&archived=x",
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_search_zone_has_djangos_markup(school, secretary, labelled, language, query):
    with translation.override(language):
        data = QueryDict(query)
        subject = Subject.objects.for_school(school).order_by("-pk").first()
        if "subject" not in data and subject is not None and query:
            data = data.copy()
            data["subject"] = str(subject.pk)
            data["assignee"] = str(labelled.pk)
        form = InboxFilterForm(data, school=school, user=secretary)
        form.is_valid()
        assert search_widgets(form) == django_widgets(form)


def test_the_panel_selects_have_djangos_markup():
    choices = [("", "Personne"), ("1", "Tom & <Jerry>"), ("2", "L'équipe")]
    for value, attrs in [("1", None), ("", {"aria-invalid": "true", "data-x": 'a"b', "disabled": True}), (None, {})]:
        assert PlainSelect(choices=choices).render("who", value, attrs) == forms.Select(choices=choices).render(
            "who", value, attrs
        )


@pytest.mark.parametrize(
    ("plain", "django"),
    [
        (PlainTextInput, forms.TextInput),
        (PlainHiddenInput, forms.HiddenInput),
        (PlainCheckboxInput, forms.CheckboxInput),
        (PlainTextarea, forms.Textarea),
    ],
)
def test_the_dossier_inputs_have_djangos_markup(plain, django):
    attrs = {"rows": 3, "placeholder": "L'équipe <b>", "aria-invalid": "true", "required": True, "hidden": False}
    for value in ['Bonjour <Ana> & "co",\n\nà bientôt', "", None, 7, True, False]:
        for given in [None, attrs]:
            assert plain(attrs={"maxlength": 100}).render("text", value, given) == django(
                attrs={"maxlength": 100}
            ).render("text", value, given)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_long_dates_are_the_back_offices(language):
    """Django's date_format, with French's "1er" of the first of the month (msem/platform/first_of_month.py)."""
    now = timezone.localtime()
    moments = [timezone.localtime(now - timedelta(minutes=97 * step)) for step in range(200)]
    with translation.override(language):
        for fmt in (formats.get_format("DATETIME_FORMAT"), r"l jS \o\f F Y, P e O T Z I c r U a A g G h H i s u \\"):
            long_datetime = RowDateFormat(fmt)
            assert [long_datetime(moment) for moment in moments] == [date_format(moment, fmt) for moment in moments]


# The inbox's "Reçue" column was naturaltime ("il y a 2 jours, 22 heures"): two units, too wide at 1366
# pixels. It now says what a mail client says, the full date and time in the title.
SHORT_RECEIVED = {
    # (local moment, now: 31 March 2026 09:05 in Paris) -> French, English
    (2026, 3, 31, 9, 4): ("09:04", "09:04"),
    (2026, 3, 31, 0, 0): ("00:00", "00:00"),
    (2026, 3, 30, 23, 59): ("hier 23:59", "yesterday 23:59"),
    (2026, 3, 30, 14, 5): ("hier 14:05", "yesterday 14:05"),
    (2026, 3, 29, 1, 30): ("29 mars", "29 Mar"),  # before the change to summer time, two days ago
    (2026, 2, 3, 18, 0): ("3 fév.", "3 Feb"),
    (2026, 1, 1, 8, 0): ("1er jan.", "1 Jan"),  # French writes the first of the month "1er"
    (2025, 12, 31, 22, 0): ("31 déc. 2025", "31 Dec 2025"),
    (2024, 9, 14, 7, 0): ("14 sept. 2024", "14 Sep 2024"),
    (2026, 4, 2, 10, 0): ("2 avr.", "2 Apr"),  # a clock ahead: a day, never "in 2 days"
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_received_column_shows_the_time_today_yesterday_then_the_day(language):
    zone = ZoneInfo("Europe/Paris")
    now = datetime(2026, 3, 31, 9, 5, 7, tzinfo=zone)
    with translation.override(language):
        received_short = ReceivedShort(now, zone)
        shown = {moment: received_short(datetime(*moment, tzinfo=zone)) for moment in SHORT_RECEIVED}
    assert shown == {moment: texts[language == "en"] for moment, texts in SHORT_RECEIVED.items()}


WORDS = {"fr": ("Reçue", "hier", "jan."), "en": ("Received", "yesterday", "Jan")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_inbox_shows_short_received_times_with_the_full_date_in_the_title(
    secretary_client, school, secretary, language
):
    header, yesterday, month = WORDS[language]
    secretary.language = language
    secretary.save(update_fields=["language"])
    today = timezone.localdate()
    local = {
        "today": datetime(today.year, today.month, today.day, 0, 5),
        "yesterday": datetime.combine(today - timedelta(days=1), time(14, 5)),
        "last year": datetime(today.year - 1, 1, 2, 9, 30),
    }
    moments = {name: timezone.make_aware(moment) for name, moment in local.items()}
    dossiers = {}
    for name, moment in moments.items():
        dossiers[name] = receive_inquiry(school, first_name=name, last_name="Client")
        Inquiry.objects.filter(pk=dossiers[name].pk).update(received_at=moment)

    html = page_text(secretary_client.get(f"/backoffice/{school.slug}/inquiries/?f=1"))
    assert f'<th role="columnheader" scope="col">{header}</th>' in html
    shown = {}
    for name, dossier in dossiers.items():
        row = html[html.index(f">{dossier.reference}</a>") :].split("</tr>")[0]
        shown[name] = row.split("<time ")[1].split("</time>")[0]
    with translation.override(language):
        titles = {name: date_format(moment, formats.get_format("DATETIME_FORMAT")) for name, moment in local.items()}
    assert shown == {
        "today": f'datetime="{moments["today"].isoformat()}" title="{titles["today"]}">00:05',
        "yesterday": f'datetime="{moments["yesterday"].isoformat()}" title="{titles["yesterday"]}">{yesterday} 14:05',
        "last year": f'datetime="{moments["last year"].isoformat()}" title="{titles["last year"]}">'
        f"2 {month} {today.year - 1}",
    }
    assert "il y a" not in html
    assert " ago" not in html


DOSSIER_RECEIVED = {"fr": "reçue <time", "en": "received <time"}
DOSSIER_MOMENTS = {
    # days before today -> French, English, at 14:05
    0: ("aujourd’hui à 14:05", "today at 14:05"),
    1: ("hier à 14:05", "yesterday at 14:05"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("days_ago", [0, 1, 400])
def test_the_dossier_header_says_when_the_request_came_in_a_sentence(
    secretary_client, school, secretary, language, days_ago
):
    """Not naturaltime's "reçue il y a 2 jours, 22 heures": the day and the time, the exact moment in the markup."""
    secretary.language = language
    secretary.save(update_fields=["language"])
    day = timezone.localdate() - timedelta(days=days_ago)
    local = datetime.combine(day, time(14, 5))
    moment = timezone.make_aware(local)
    dossier = receive_inquiry(school)
    Inquiry.objects.filter(pk=dossier.pk).update(received_at=moment)

    html = page_text(secretary_client.get(f"/backoffice/{school.slug}/inquiries/{dossier.reference}/"))
    lead = html[html.index('<p class="lead">') :].split("</p>")[0]
    with translation.override(language):
        title = date_format(local, formats.get_format("DATETIME_FORMAT"))
        day_said = date_format(local, pgettext("inbox received", "j M Y"))  # the inbox's form of a day
        older = {"fr": f"le {day_said} à 14:05", "en": f"on {day_said} at 14:05"}
    said = DOSSIER_MOMENTS[days_ago][language == "en"] if days_ago in DOSSIER_MOMENTS else older[language]
    assert f'{DOSSIER_RECEIVED[language]} datetime="{moment.isoformat()}" title="{title}">{said}</time>' in lead
    assert "il y a" not in lead
    assert " ago" not in lead


def test_a_removed_subject_and_category_and_a_former_member_keep_their_names_in_the_rows(
    secretary_client, school, labelled
):
    subject = Subject.objects.create(school=school, label_fr="Ancien objet", label_en="Old subject", email="o@s.test")
    category = Category.objects.create(school=school, code="ancienne", label_fr="Ancienne <catégorie>")
    inquiry = receive_inquiry(school, first_name="Ana", last_name="Lopez")
    Inquiry.objects.filter(pk=inquiry.pk).update(subject=subject, category=category, assignee=labelled)
    Subject.objects.filter(pk=subject.pk).update(removed_at=timezone.now())
    Category.objects.filter(pk=category.pk).update(removed_at=timezone.now())
    Membership.objects.filter(school=school, user=labelled).delete()  # she left the school

    html = page_text(secretary_client.get(f"/backoffice/{school.slug}/inquiries/?f=1"))
    row = html[html.index(inquiry.reference) :].split("</tr>")[0]
    assert (
        '<td role="cell" class="col-subject" title="Ancien objet"><span class="one-line">Ancien objet</span></td>'
        in row
    )
    assert (
        '<td role="cell" class="col-assignee" data-label="Assignée à"'
        ' title="sans-nom@school.test"><span class="one-line">sans-nom@school.test</span></td>' in row
    )
    assert row.endswith(
        '<td role="cell" class="col-category" data-label="Catégorie"'
        ' title="Ancienne <catégorie>"><span class="one-line">Ancienne <catégorie></span></td>'
    )


def test_a_row_without_category_or_assignee_shows_dashes_and_names_the_assignee(
    secretary_client, school, secretary, labelled
):
    category = Category.objects.get(school=school, code="tom-jerry")
    bare = receive_inquiry(school, first_name="Ana", last_name="<b>Lopez</b>")
    Inquiry.objects.filter(pk=bare.pk).update(category=None)  # received before the school had categories
    assigned = receive_inquiry(school, category=category, first_name="Bob", last_name="Martin")
    assigned.assignee = labelled
    assigned.save(update_fields=["assignee"])
    response = secretary_client.get(f"/backoffice/{school.slug}/inquiries/?f=1")
    html = response.content.decode()
    bare_row = html[html.index(f'aria-label="Sélectionner {bare.reference}"') :].split("</tr>")[0]
    assert '<td role="cell" class="col-assignee" data-label="Assignée à">—</td>' in bare_row  # nobody assigned
    assert bare_row.endswith('<td role="cell" class="col-category is-empty"><span class="muted">—</span></td>')
    assert "&lt;b&gt;Lopez&lt;/b&gt;" in bare_row
    assigned_row = page_text(response)
    assigned_row = assigned_row[assigned_row.index(assigned.reference) :].split("</tr>")[0]
    # No full name: her e-mail address.
    assert (
        '<td role="cell" class="col-assignee" data-label="Assignée à"'
        ' title="sans-nom@school.test"><span class="one-line">sans-nom@school.test</span></td>' in assigned_row
    )
    assert assigned_row.endswith(
        '<td role="cell" class="col-category" data-label="Catégorie"'
        ' title="Tom & <Jerry>"><span class="one-line">Tom & <Jerry></span></td>'
    )


# The inbox's "Séjour" column: the client's stay as a secretary reads it in the season (today: 7 December 2026).
STAYS = {
    # (arrival, departure, participants) -> French, English
    ((2026, 12, 27), (2027, 1, 3), 4): ("27 déc. → 3 jan. · 4 pers.", "27 Dec → 3 Jan · 4 people"),
    ((2026, 12, 21), (2026, 12, 28), 1): ("21 → 28 déc. · 1 pers.", "21 → 28 Dec · 1 person"),
    ((2027, 2, 13), None, None): ("13 fév. → ?", "13 Feb → ?"),
    (None, (2027, 1, 3), 2): ("? → 3 jan. · 2 pers.", "? → 3 Jan · 2 people"),
    (None, None, 12): ("12 pers.", "12 people"),
    ((2027, 1, 2), (2027, 1, 2), 3): ("2 jan. · 3 pers.", "2 Jan · 3 people"),  # a day's lessons
    (None, None, None): ("", ""),
    # Last season's stay, never archived: its year, once for the month written once.
    ((2026, 2, 14), (2026, 2, 21), 2): ("14 → 21 fév. 2026 · 2 pers.", "14 → 21 Feb 2026 · 2 people"),
    # Six months from today at most: a day and its month say which (182 days); beyond, the year.
    ((2026, 6, 8), None, None): ("8 juin → ?", "8 Jun → ?"),
    ((2026, 6, 7), None, None): ("7 juin 2026 → ?", "7 Jun 2026 → ?"),
    ((2027, 6, 7), None, None): ("7 juin → ?", "7 Jun → ?"),
    ((2027, 6, 8), None, None): ("8 juin 2027 → ?", "8 Jun 2027 → ?"),
}


def stay_row(arrival, departure, participants):
    """An inbox row holding only what the stay's column reads."""
    day = lambda parts: date(*parts) if parts else None  # noqa: E731
    return SimpleNamespace(arrival_date=day(arrival), departure_date=day(departure), participants=participants)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_stay_column_says_the_days_the_year_when_needed_and_the_participants(language):
    with translation.override(language):
        stay_short = StayShort(date(2026, 12, 7))
        shown = {stay: stay_short(stay_row(*stay)) for stay in STAYS}
        longest = stay_short.long(stay_row((2026, 12, 21), (2026, 12, 28), 3))
    assert shown == {stay: texts[language == "en"] for stay, texts in STAYS.items()}
    # The title: every day whole, with its year.
    assert (
        longest
        == {"fr": "21 déc. 2026 → 28 déc. 2026 · 3 pers.", "en": "21 Dec 2026 → 28 Dec 2026 · 3 people"}[language]
    )


STAY_WORDS = {"fr": ("Séjour", "pers.", "Objet"), "en": ("Stay", "people", "Subject")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_inbox_shows_each_stay_after_the_client_and_an_empty_cell_without_one(
    secretary_client, school, secretary, language
):
    header, people, next_header = STAY_WORDS[language]
    secretary.language = language
    secretary.save(update_fields=["language"])
    arrival = timezone.localdate() + timedelta(days=3)
    departure = arrival + timedelta(days=7)
    stay = receive_inquiry(school, first_name="Ana", arrival_date=arrival, departure_date=departure, participants=4)
    bare = receive_inquiry(school, first_name="Bob", arrival_date=None, departure_date=None, participants=None)

    html = page_text(secretary_client.get(f"/backoffice/{school.slug}/inquiries/?f=1"))
    assert (
        f'>Client</th>\n            <th role="columnheader" scope="col">{header}</th>\n'
        f'            <th role="columnheader" scope="col">{next_header}</th>' in html
    )
    with translation.override(language):
        day = pgettext("inbox received", "j M")
        year = pgettext("inbox received", "j M Y")
        first = day_number(arrival) if arrival.month == departure.month else date_format(arrival, day)
        short = f"{first} → {date_format(departure, day)} · 4 {people}"
        title = f"{date_format(arrival, year)} → {date_format(departure, year)} · 4 {people}"
        label = header
    row = html[html.index(f">{stay.reference}</a>") :].split("</tr>")[0]
    assert (
        f'<td role="cell" class="col-stay" data-label="{label}" title="{title}">'
        f'<span class="one-line">{short}</span></td>' in row
    )
    # The stay after the client's cell, the subject after it.
    assert row.index("col-client") < row.index("col-stay") < row.index("col-subject")
    bare_row = html[html.index(f">{bare.reference}</a>") :].split("</tr>")[0]
    assert '<td role="cell" class="col-stay is-empty"></td><td role="cell" class="col-subject"' in bare_row
    assert "None" not in bare_row
