"""The release that allows one draft per dossier meets dossiers that got two before it (quotes.0007, 0008)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from msem.inquiries.models import InquiryEvent
from msem.quotes.models import Quote
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote


@pytest.mark.django_db(transaction=True)
def test_the_second_drafts_made_at_the_same_time_are_cancelled_and_the_one_with_products_kept(school, manager):
    before, after = [("quotes", "0006_field_labels")], [("quotes", "0008_one_draft_per_dossier")]
    inquiry = receive_inquiry(school)
    with_products = draft_quote(school, manager, inquiry=inquiry)
    alone = draft_quote(school, manager, lines=[])  # another dossier's only draft: left as it is
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        # Pressed "New quote" at the same instant, before the release: an empty second draft, made later.
        empty = Quote.objects.create(
            school=school,
            inquiry=inquiry,
            number="DEV-2026-00099",
            language="fr",
            valid_until=with_products.valid_until,
            vat_rate=with_products.vat_rate,
            token="second-draft",
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        statuses = dict(Quote.objects.values_list("number", "status"))
        assert statuses == {with_products.number: "draft", alone.number: "draft", empty.number: "cancelled"}
        said = InquiryEvent.objects.filter(inquiry=inquiry, kind="quote", data__action="cancelled").get()
        assert said.data == {"action": "cancelled", "number": empty.number, "kept": with_products.number}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
