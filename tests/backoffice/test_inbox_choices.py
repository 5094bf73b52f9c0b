"""The inbox's reference data in one query each: the same rows, in the same order, as the selectors give."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from msem.accounts.models import Membership, Role, User
from msem.backoffice.inbox_choices import search_choices
from msem.inquiries.models import Category, QuarantinedRequest, Subject
from msem.inquiries.saved_filters import (
    inbox_default_set,
    saved_filter_save,
    saved_filters_visible,
    saved_views_listed,
)
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


def test_the_quarantine_counted_in_the_same_query(school, other_school):
    def quarantine(where, count):
        for number in range(count):
            QuarantinedRequest.objects.create(
                school=where, language="fr", reason="links", email=f"robot{number}@spam.test", data={"n": number}
            )

    assert search_choices(school=school).quarantined == 0
    quarantine(school, 3)
    quarantine(other_school, 2)

    with CaptureQueriesContext(connection) as queries:
        choices = search_choices(school=school)

    assert len(queries) == 1
    assert choices.quarantined == 3 == QuarantinedRequest.objects.for_school(school).count()


def test_the_saved_views_as_the_orm_lists_them_in_one_query(school, other_school, secretary):
    colleague = User.objects.create_user("zoe@school.test", "x", full_name="Zoé Blanc")
    nameless = User.objects.create_user("sans-nom@school.test", "x")
    for user in (colleague, nameless):
        Membership.objects.create(school=school, user=user)
    mine = saved_filter_save(school=school, owner=secretary, name="Mes nouvelles", criteria={"status": ["new"]})
    saved_filter_save(school=school, owner=secretary, name="Anglais", criteria={"language": ["en"]}, shared=True)
    saved_filter_save(school=school, owner=colleague, name="Groupes", criteria={"q": ["groupe"]}, shared=True)
    saved_filter_save(school=school, owner=colleague, name="Privée", criteria={"status": ["won"]})
    saved_filter_save(school=school, owner=nameless, name="Anglais", criteria={"sort": ["oldest"]}, shared=True)
    saved_filter_save(school=other_school, owner=secretary, name="Ailleurs", criteria={}, shared=True)
    inbox_default_set(school=school, user=secretary, saved_filter=mine)
    # A colleague's default is hers alone.
    inbox_default_set(
        school=school, user=colleague, saved_filter=saved_filters_visible(school=school, user=colleague)[0]
    )

    with CaptureQueriesContext(connection) as queries:
        listed = saved_views_listed(school=school, user=secretary)

    assert len(queries) == 1
    expected = saved_filters_visible(school=school, user=secretary)
    assert [(v.pk, v.name, v.criteria, v.shared, v.owner_id, v.owner, v.is_default) for v in listed] == [
        (f.pk, f.name, f.criteria, f.shared, f.owner_id, str(f.owner), f.is_default) for f in expected
    ]
    assert [(v.name, v.owner, v.is_default) for v in listed] == [
        ("Anglais", str(secretary), False),
        ("Anglais", "sans-nom@school.test", False),
        ("Groupes", "Zoé Blanc", False),
        ("Mes nouvelles", str(secretary), True),
    ]


def test_a_colleague_whose_invitation_is_pending_is_named_but_not_among_the_assignees(school, secretary):
    invited = User.objects.create_user("julie@valneige.test", None, full_name="Julie")  # no password: pending
    Membership.objects.create(school=school, user=invited)
    used = User.objects.create_user("paul@valneige.test", None, full_name="Paul")
    used.last_login = timezone.now()  # her password made unusable since she joined: still one of the team
    used.save()
    Membership.objects.create(school=school, user=used)
    gone = User.objects.create_user("rene@valneige.test", "x", full_name="René", is_active=False)
    Membership.objects.create(school=school, user=gone)

    choices = search_choices(school=school)

    assert {label for _, label in choices.staff} == {str(secretary), "Paul"}
    assert choices.people[invited.pk] == ("Julie", "julie@valneige.test")  # her dossiers' rows still name her
    # The inbox's filter still finds what each one holds (a deactivated colleague's dossiers, to give to others).
    assert {label for _, label in choices.members} == {str(secretary), "Paul", "Julie", "René"}
