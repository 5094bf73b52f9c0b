from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quotes', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(condition=models.Q(('sent_at__isnull', False)), fields=['school', 'inquiry'], name='quote_sent_inquiry'),
        ),
    ]
