"""The search zone's choices in one query: the same rows, in the same order, as the selectors give."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from msem.accounts.models import Membership, Role, User
from msem.backoffice.inbox_choices import search_choices
from msem.inquiries.models import Category, Subject
from msem.inquiries.selectors import categories_live, subjects_live


def test_the_same_choices_as_the_selectors_in_one_query(school, other_school, secretary):
    Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village resort", position=2)
    Category.objects.create(school=school, code="altitude", label_fr="Altitude", label_en="", position=1)
    Category.objects.create(school=school, code="fermee", label_fr="Fermée", position=0, removed_at=timezone.now())
    Category.objects.create(school=other_school, code="ailleurs", label_fr="Ailleurs")
    Subject.objects.create(school=school, label_fr="Cours", label_en="Lessons", email="a@b.test", position=1)
    Subject.objects.create(school=school, label_fr="", label_en="Groups", email="g@b.test", position=0)
    Subject.objects.create(school=other_school, label_fr="Autre", email="o@b.test")
    for email, name in [("zoe@school.test", "Zoé Blanc"), ("sans-nom@school.test", ""), ("anne@school.test", "Anne")]:
        Membership.objects.create(school=school, user=User.objects.create_user(email, "x", full_name=name))
    Membership.objects.create(
        school=other_school, user=User.objects.create_user("x@autre.test", "x"), role=Role.MANAGER
    )

    with CaptureQueriesContext(connection) as queries:
        choices = search_choices(school=school)

    assert len(queries) == 1
    assert [(c.pk, c.code, c.label_fr, c.label_en) for c in choices.categories] == [
        (c.pk, c.code, c.label_fr, c.label_en) for c in categories_live(school=school)
    ]
    assert [c.code for c in choices.categories] == ["altitude", "village"]
    assert [(s.pk, s.label_fr, s.label_en) for s in choices.subjects] == [
        (s.pk, s.label_fr, s.label_en) for s in subjects_live(school=school)
    ]
    members = Membership.objects.filter(school=school).order_by("user__full_name")
    assert choices.staff == [(str(m.user_id), m.user.full_name or m.user.email) for m in members]
    assert {label for _, label in choices.staff} == {"sans-nom@school.test", "Anne", "Zoé Blanc", str(secretary)}
