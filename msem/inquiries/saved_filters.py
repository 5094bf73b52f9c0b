"""Saved inbox filters: each secretary's default, her named views, and the views colleagues share."""

from __future__ import annotations

import json
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from msem.accounts.models import User
from msem.inquiries.models import InboxPreference, SavedFilter
from msem.schools.models import School
from msem.validators import validate_single_line

Criteria = dict[str, list[str]]

# The name of the filter "Save these filters as my default" saves, in the secretary's language of the moment.
DEFAULT_FILTER_NAME = gettext_lazy("My default filter")


def saved_filters_visible(*, school: School, user: User) -> QuerySet[SavedFilter]:
    """Her own filters and those her colleagues share; `is_default` marks the one she chose."""
    her_default = InboxPreference.objects.for_school(school).filter(user=user, default_filter=OuterRef("pk"))
    return (
        SavedFilter.objects.for_school(school)
        .filter(Q(owner=user) | Q(shared=True))
        .annotate(is_default=Exists(her_default))
        .select_related("owner")
        .order_by("name", "id")
    )


class SavedView(NamedTuple):
    """A saved filter as the inbox's "Views" menu lists it: plain values."""

    pk: int
    name: str
    criteria: Criteria
    shared: bool
    owner_id: int
    owner: str  # as the owner's __str__: her name, else her address
    is_default: bool


# Each table says which school it reads ("<table>"."school_id"), like every query of school data.
_SAVED_VIEWS_SQL = """
    SELECT "inquiries_savedfilter"."id", "inquiries_savedfilter"."name", "inquiries_savedfilter"."criteria",
           "inquiries_savedfilter"."shared", "inquiries_savedfilter"."owner_id", "accounts_user"."full_name",
           "accounts_user"."email", "inquiries_inboxpreference"."id" IS NOT NULL
      FROM "inquiries_savedfilter"
     INNER JOIN "accounts_user" ON "accounts_user"."id" = "inquiries_savedfilter"."owner_id"
      LEFT JOIN "inquiries_inboxpreference"
        ON "inquiries_inboxpreference"."school_id" = %s
       AND "inquiries_inboxpreference"."user_id" = %s
       AND "inquiries_inboxpreference"."default_filter_id" = "inquiries_savedfilter"."id"
     WHERE "inquiries_savedfilter"."school_id" = %s
       AND ("inquiries_savedfilter"."owner_id" = %s OR "inquiries_savedfilter"."shared")
     ORDER BY "inquiries_savedfilter"."name", "inquiries_savedfilter"."id"
"""


def saved_views_listed(*, school: School, user: User) -> list[SavedView]:
    """What saved_filters_visible gives, in the same order, for the inbox page that lists them.

    On every inbox page: the ORM query (its Exists subquery built and compiled,
    model instances) cost about 1.5 ms of Python, this one about 0.1 ms.
    """
    with connection.cursor() as cursor:
        cursor.execute(_SAVED_VIEWS_SQL, [school.pk, user.pk, school.pk, user.pk])
        rows = cursor.fetchall()
    return [
        SavedView(
            pk=pk,
            name=saved_filter_name_shown(name),
            # Django reads JSON columns as text on both databases and decodes them in the field.
            criteria=json.loads(criteria) if isinstance(criteria, str) else criteria,
            shared=bool(shared),
            owner_id=owner_id,
            owner=full_name or email,
            is_default=bool(is_default),
        )
        for pk, name, criteria, shared, owner_id, full_name, email, is_default in rows
    ]


def inbox_default_filter(*, school: School, user: User) -> SavedFilter | None:
    preference = InboxPreference.objects.for_school(school).filter(user=user).select_related("default_filter").first()
    return preference.default_filter if preference else None


@transaction.atomic
def saved_filter_save(
    *, school: School, owner: User, name: str, criteria: Criteria, shared: bool = False, make_default: bool = False
) -> SavedFilter:
    """Create or replace the owner's filter of that name."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the view a name."), code="empty_name")
    validate_single_line(name)
    if len(name) > 80:
        raise ValidationError(_("A name has at most 80 characters."), code="long_name")
    saved, _created = SavedFilter.objects.update_or_create(
        school=school, owner=owner, name=name, defaults={"criteria": criteria, "shared": shared}
    )
    if make_default:
        inbox_default_set(school=school, user=owner, saved_filter=saved)
    return saved


def _default_filter_names() -> list[str]:
    names = []
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            names.append(str(DEFAULT_FILTER_NAME))
    return names


def saved_filter_name_shown(name: str) -> str:
    """The name as the secretary reads it: "Save these filters as my default"'s name in her language of the moment.

    It is stored in the language she saved it in ("Mon filtre par défaut"); in
    English the inbox said "default view: Mon filtre par défaut". A name she
    chose herself is hers, shown as she typed it.
    """
    return str(DEFAULT_FILTER_NAME) if name in _default_filter_names() else name


def _comparable(criteria: Criteria) -> dict[str, list[str]]:
    return {key: sorted(values) for key, values in criteria.items() if values}


def saved_view_shown(views: list[SavedView], criteria: Criteria, chosen: int | None = None) -> SavedView | None:
    """The saved view whose criteria are the list's, or None for a search of the moment.

    Two views may have the same criteria (a view saved from her default's list): the one she
    chose (from the Views menu, or the one she just saved) is the one named while the list is
    still its criteria; else her default first, then by name.
    """
    wanted = _comparable(criteria)
    matching = [view for view in views if _comparable(view.criteria) == wanted]
    return next(
        (view for view in sorted(matching, key=lambda view: (view.pk != chosen, not view.is_default))),
        None,
    )


@transaction.atomic
def inbox_default_save(*, school: School, owner: User, criteria: Criteria) -> SavedFilter:
    """Her "Save these filters as my default": her criteria become her default, in whatever language saved before.

    Its name is in her language of the moment; the filter she saved that way in
    another language is the same filter, renamed, not a second one beside it.
    """
    name = str(DEFAULT_FILTER_NAME)
    earlier = {
        saved.name: saved
        for saved in SavedFilter.objects.for_school(school).filter(owner=owner, name__in=_default_filter_names())
    }
    # Saved in both languages before this rule: the one in her language now is the one kept up.
    saved = earlier.get(name) or next(iter(earlier.values()), None)
    if saved is None:
        saved = SavedFilter.objects.create(school=school, owner=owner, name=name, criteria=criteria)
    else:
        saved.name, saved.criteria, saved.shared = name, criteria, False
        saved.save(update_fields=["name", "criteria", "shared"])
    inbox_default_set(school=school, user=owner, saved_filter=saved)
    return saved


@transaction.atomic
def inbox_default_set(*, school: School, user: User, saved_filter: SavedFilter | None) -> None:
    """Make a visible filter her default, or go back to no default (None)."""
    if (
        saved_filter is not None
        and not saved_filters_visible(school=school, user=user).filter(pk=saved_filter.pk).exists()
    ):
        raise ValidationError(_("This view does not exist."), code="unknown_view")
    InboxPreference.objects.update_or_create(school=school, user=user, defaults={"default_filter": saved_filter})


@transaction.atomic
def saved_filter_delete(*, school: School, owner: User, saved_filter_id: int) -> None:
    deleted, _details = SavedFilter.objects.for_school(school).filter(owner=owner, pk=saved_filter_id).delete()
    if not deleted:
        raise ValidationError(_("This view does not exist."), code="unknown_view")
