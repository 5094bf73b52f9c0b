"""The tenant guard itself: it must catch a read by id alone, and let scoped reads through."""

from __future__ import annotations

import pytest
from django.db import connection

from msem.inquiries.models import Inquiry, SavedFilter
from msem.inquiries.saved_filters import saved_filter_save
from msem.quotes.models import Quote
from tests import tenant_guard
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_request_names_its_school():
    """Here the guard is the subject: the suite-wide one stands aside."""
    return


def reads_without_school(run) -> list[str]:
    found: list[str] = []
    tenant_guard._on_start()
    try:
        with connection.execute_wrapper(tenant_guard.guard(tenant_guard.school_tables(), found)):
            run()
    finally:
        tenant_guard._on_finish()
    return found


def test_a_read_by_id_alone_is_caught(school):
    inquiry = receive_inquiry(school)
    found = reads_without_school(lambda: Inquiry.objects.get(pk=inquiry.pk))
    assert [line.split(":")[0] for line in found] == ["inquiries_inquiry"]


def test_a_read_naming_the_school_passes(school):
    inquiry = receive_inquiry(school)
    assert reads_without_school(lambda: Inquiry.objects.for_school(school).get(pk=inquiry.pk)) == []


def test_following_a_relation_of_a_row_already_read_passes(school):
    inquiry = receive_inquiry(school)
    loaded = Inquiry.objects.for_school(school).get(pk=inquiry.pk)
    assert reads_without_school(lambda: (loaded.subject, list(Quote.objects.filter(inquiry=loaded)))) == []


def test_an_update_of_many_rows_without_school_is_caught(school):
    found = reads_without_school(lambda: Inquiry.objects.filter(status="new").update(status="archived"))
    assert [line.split(":")[0] for line in found] == ["inquiries_inquiry"]


def test_deleting_one_row_that_was_read_passes_but_not_a_list_of_ids(school, secretary):
    first, second, third = (
        saved_filter_save(school=school, owner=secretary, name=name, criteria={}) for name in ("A", "B", "C")
    )
    # With a relation to it, the collector deletes by "id IN (...)": one row read, then deleted.
    assert reads_without_school(lambda: SavedFilter.objects.for_school(school).get(pk=first.pk).delete()) == []
    found = reads_without_school(lambda: SavedFilter.objects.filter(pk__in=[second.pk, third.pk]).delete())
    assert {line.split(":")[0] for line in found} == {"inquiries_savedfilter"}
