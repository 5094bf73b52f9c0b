"""Each school's 4807 token sealed at rest: connector_token (clear) becomes connector_token_box.

The plain column goes in the same migration: once it has run, no token is left in clear.
The reverse opens the boxes into the plain column again (with the SECRET_KEY that sealed
them, or one of SECRET_KEY_FALLBACKS).
"""

from django.db import migrations, models

from msem.platform.secret_box import SecretBoxError, open_box, seal

# Written out rather than imported: this migration must keep meaning what it meant when it was written.
PURPOSE = "msem.connector4807.token"


def tokens_seal(apps, schema_editor):
    School = apps.get_model("schools", "School")
    for school in School.objects.using(schema_editor.connection.alias).exclude(connector_token=""):
        box = seal(school.connector_token.encode(), purpose=PURPOSE, owner=str(school.pk))
        School.objects.using(schema_editor.connection.alias).filter(pk=school.pk).update(connector_token_box=box)


def tokens_open(apps, schema_editor):
    School = apps.get_model("schools", "School")
    for school in School.objects.using(schema_editor.connection.alias).exclude(connector_token_box=""):
        try:
            token = open_box(school.connector_token_box, purpose=PURPOSE, owner=str(school.pk)).decode()
        except SecretBoxError:
            token = ""  # sealed under a key that is gone: to be entered again, as before the reverse
        School.objects.using(schema_editor.connection.alias).filter(pk=school.pk).update(connector_token=token)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0005_field_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="connector_token_box",
            field=models.TextField(blank=True, editable=False, verbose_name="4807 gateway token"),
        ),
        migrations.RunPython(tokens_seal, tokens_open),
        migrations.RemoveField(
            model_name="school",
            name="connector_token",
        ),
    ]
