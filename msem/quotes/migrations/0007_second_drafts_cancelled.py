"""Before one draft per dossier is enforced (0008): the drafts a dossier got twice are reduced to one.

Two colleagues pressing "New quote" at the same instant made two drafts of one dossier. Neither was
sent (the client saw none), so the one kept is the one with products (the most, then the newest); the
others are cancelled, each in its dossier's timeline, their lines still shown in the panel.
"""

from django.db import migrations
from django.db.models import Count


def second_drafts_cancelled(apps, schema_editor):
    Quote = apps.get_model("quotes", "Quote")
    InquiryEvent = apps.get_model("inquiries", "InquiryEvent")
    twice = (
        Quote.objects.filter(status="draft")
        .values("school_id", "inquiry_id")
        .annotate(drafts=Count("id"))
        .filter(drafts__gt=1)
    )
    for dossier in twice.iterator():
        drafts = list(
            Quote.objects.filter(status="draft", school_id=dossier["school_id"], inquiry_id=dossier["inquiry_id"])
            .annotate(line_count=Count("lines"))
            .order_by("-line_count", "-created_at", "-id")
        )
        for quote in drafts[1:]:
            Quote.objects.filter(pk=quote.pk).update(status="cancelled", version=quote.version + 1)
            InquiryEvent.objects.create(
                school_id=quote.school_id,
                inquiry_id=quote.inquiry_id,
                kind="quote",
                actor=None,
                data={"action": "cancelled", "number": quote.number, "kept": drafts[0].number},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0018_client_email_corrected_event"),
        ("quotes", "0006_field_labels"),
    ]

    operations = [migrations.RunPython(second_drafts_cancelled, migrations.RunPython.noop)]
