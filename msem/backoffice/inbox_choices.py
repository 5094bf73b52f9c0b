"""The choices of the inbox's search zone — categories, subjects, staff — and the quarantine's count, in one query.

They are on every inbox page. Three ORM queries (with their model instances)
cost 1.9–2.1 ms on PostgreSQL at each page; one UNION ALL of plain values
costs 0.3–0.4 ms (measured on the inbox bench's database), and the header's
count of quarantined requests rides along (an ORM count by itself cost 0.6 ms
of Python). The rows are what `categories_live`, `subjects_live`, the
school's memberships and the quarantine give, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection

from msem.inquiries.inbox import RowLabels
from msem.schools.models import School


class Labelled(NamedTuple):
    pk: int
    code: str  # a category's code; "" for a subject
    label_fr: str
    label_en: str


@dataclass
class SearchChoices:
    categories: list[Labelled] = field(default_factory=list)
    subjects: list[Labelled] = field(default_factory=list)
    people: dict[int, tuple[str, str]] = field(default_factory=dict)  # user id → (full name, address), by name
    # The members who can be given a dossier (msem.accounts.selectors.can_be_assignee): not one whose
    # invitation is still pending. `people` keeps them all: a row's assignee is named whoever she is.
    assignable: set[int] = field(default_factory=set)
    quarantined: int = 0  # requests held in the quarantine

    @property
    def staff(self) -> list[tuple[str, str]]:
        """(user id, her name or else her address), as the user's __str__ names her: the assignee's choices."""
        return [(str(pk), name or email) for pk, (name, email) in self.people.items() if pk in self.assignable]

    @property
    def members(self) -> list[tuple[str, str]]:
        """The same for every member: the inbox's "Assigned to" filter finds what anyone holds.

        A colleague whose account was deactivated may still hold dossiers, to be found and given to others.
        """
        return [(str(pk), name or email) for pk, (name, email) in self.people.items()]

    def row_labels(self) -> RowLabels:
        """For the inbox's rows: the labels this query has already read."""
        return RowLabels(
            subjects={subject.pk: (subject.label_fr, subject.label_en) for subject in self.subjects},
            categories={category.pk: (category.label_fr, category.label_en) for category in self.categories},
            people=self.people,
        )


# Each part says which school it reads ("<table>"."school_id"), like every query of school data.
_SQL = """
    SELECT 1 AS part, "inquiries_category"."id", "inquiries_category"."code", "inquiries_category"."label_fr",
           "inquiries_category"."label_en", "inquiries_category"."position" AS rank, '' AS name
      FROM "inquiries_category"
     WHERE "inquiries_category"."school_id" = %s AND "inquiries_category"."removed_at" IS NULL
    UNION ALL
    SELECT 2, "inquiries_subject"."id", '', "inquiries_subject"."label_fr", "inquiries_subject"."label_en",
           "inquiries_subject"."position", ''
      FROM "inquiries_subject"
     WHERE "inquiries_subject"."school_id" = %s AND "inquiries_subject"."removed_at" IS NULL
    UNION ALL
    SELECT 3, "accounts_membership"."user_id", "accounts_user"."email",
           -- can_be_assignee, in SQL: active, and her password chosen or her account used once.
           CASE WHEN "accounts_user"."is_active"
                 AND (substr("accounts_user"."password", 1, 1) <> '!' OR "accounts_user"."last_login" IS NOT NULL)
                THEN 'assignable' ELSE '' END,
           '', 0, "accounts_user"."full_name"
      FROM "accounts_membership" INNER JOIN "accounts_user" ON "accounts_membership"."user_id" = "accounts_user"."id"
     WHERE "accounts_membership"."school_id" = %s
    UNION ALL
    SELECT 4, COUNT(*), '', '', '', 0, ''
      FROM "inquiries_quarantinedrequest"
     WHERE "inquiries_quarantinedrequest"."school_id" = %s
    ORDER BY part, rank, name, 2
"""


def search_choices(*, school: School) -> SearchChoices:
    choices = SearchChoices()
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [school.pk] * 4)
        for part, pk, code, label_fr, label_en, _rank, name in cursor.fetchall():
            if part == 1:
                choices.categories.append(Labelled(pk, code, label_fr, label_en))
            elif part == 2:
                choices.subjects.append(Labelled(pk, "", label_fr, label_en))
            elif part == 3:
                choices.people[pk] = (name, code)
                if label_fr:
                    choices.assignable.add(pk)
            else:
                choices.quarantined = pk
    return choices
