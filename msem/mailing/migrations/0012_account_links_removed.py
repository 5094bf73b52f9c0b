from django.db import migrations
from django.utils.html import escape

from msem.mailing.account_links import account_link_placeholder, account_link_removed


def links_removed_from_past_emails(apps, schema_editor):
    """Invitations and password resets sent, or failed for good, before the links were removed: remove them now.

    Those still queued keep theirs until they leave (or expire), as the worker now does.
    """
    OutgoingEmail = apps.get_model("mailing", "OutgoingEmail")
    done = OutgoingEmail.objects.filter(kind__in=["password_reset", "invitation"], status__in=["sent", "failed"])
    for email in done.only("pk", "kind", "language", "status", "text_body", "html_body").iterator():
        placeholder = account_link_placeholder(email.language, delivered=email.status == "sent")
        text = account_link_removed(email.kind, email.text_body, placeholder)
        html = account_link_removed(email.kind, email.html_body, escape(placeholder))
        if (text, html) != (email.text_body, email.html_body):
            OutgoingEmail.objects.filter(pk=email.pk).update(text_body=text, html_body=html)


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0011_field_labels"),
    ]

    operations = [
        migrations.RunPython(links_removed_from_past_emails, migrations.RunPython.noop),
    ]
