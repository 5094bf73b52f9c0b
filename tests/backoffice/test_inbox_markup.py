"""The inbox's and the dossier page's markup written in Python is the markup Django's templates write.

The search zone's widgets, the dossier panel's selects and the rows' dates are
composed without templates for speed (docs/performance.md, "Inbox"): a
secretary, her screen reader and the browser tests must not see a difference.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django import forms
from django.contrib.humanize.templatetags import humanize
from django.http import QueryDict
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape

from msem.accounts.models import Membership, Role, User
from msem.backoffice.inbox_forms import InboxFilterForm
from msem.backoffice.inbox_rows import _LongDatetime, _NaturalTime
from msem.backoffice.inbox_search import search_widgets
from msem.inquiries.models import Category, Inquiry, Subject
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
def test_the_rows_long_dates_are_djangos(language):
    now = timezone.localtime()
    moments = [timezone.localtime(now - timedelta(minutes=97 * step)) for step in range(200)]
    with translation.override(language):
        for fmt in (formats.get_format("DATETIME_FORMAT"), r"l jS \o\f F Y, P e O T Z I c r U a A g G h H i s u \\"):
            long_datetime = _LongDatetime(fmt)
            assert [long_datetime(moment) for moment in moments] == [date_format(moment, fmt) for moment in moments]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_relative_times_are_djangos(language, monkeypatch):
    now = timezone.now().replace(year=2026, month=3, day=31, hour=9, minute=5, second=7)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return now

    monkeypatch.setattr(humanize, "datetime", Frozen)  # naturaltime's "now", as Django's own tests do
    seconds = [0, 1, 59, 60, 61, 3599, 3600, 7322, 86399, 86400, 90000, 6 * 86400, 13 * 86400 + 5, 29 * 86400]
    seconds += [31 * 86400, 45 * 86400 + 7200, 365 * 86400, 400 * 86400, 800 * 86400 + 3600]
    seconds += [97 * 60 * step + step for step in range(300)]
    moments = [now - timedelta(seconds=value, microseconds=250) for value in seconds] + [now, now + timedelta(hours=2)]
    with translation.override(language):
        natural_time = _NaturalTime(now)
        assert [natural_time(moment) for moment in moments] == [humanize.naturaltime(moment) for moment in moments]
        assert natural_time(now - timedelta(days=2, hours=3)) != natural_time(now - timedelta(days=2))


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
    assert "<td>Ancien objet</td>" in row
    assert "<td>sans-nom@school.test</td>" in row
    assert row.endswith('<td class="col-category">Ancienne <catégorie></td>')


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
    assert "<td>—</td>" in bare_row  # nobody assigned
    assert bare_row.endswith('<td class="col-category"><span class="muted">—</span></td>')
    assert "&lt;b&gt;Lopez&lt;/b&gt;" in bare_row
    assigned_row = page_text(response)
    assigned_row = assigned_row[assigned_row.index(assigned.reference) :].split("</tr>")[0]
    assert "<td>sans-nom@school.test</td>" in assigned_row  # no full name: her e-mail address
    assert assigned_row.endswith('<td class="col-category">Tom & <Jerry></td>')
