"""No one-column index for an inquiry's subject, category and assignee (see the comment in models.py).

The indexes are dropped by name, without Django's AlterField: on SQLite that
rebuilds the whole table, which would also drop the triggers that keep the
FTS5 search index (migration 0009) in step. Any later migration that rebuilds
the table on SQLite must create them again; a test of the search fails if not.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


INDEXES = {
    "inquiries_inquiry_assignee_id_469312d7": "assignee_id",
    "inquiries_inquiry_category_id_859fb644": "category_id",
    "inquiries_inquiry_subject_id_e7366c37": "subject_id",
}


class Migration(migrations.Migration):

    dependencies = [
        ('inquiries', '0009_sqlite_search_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunSQL(
            [f"DROP INDEX IF EXISTS {name}" for name in INDEXES],
            reverse_sql=[f"CREATE INDEX {name} ON inquiries_inquiry ({column})" for name, column in INDEXES.items()],
        )],
        state_operations=[
        migrations.AlterField(
            model_name='inquiry',
            name='assignee',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned to'),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='category',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inquiries.category', verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='subject',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inquiries.subject', verbose_name='subject'),
        ),
    ])]
